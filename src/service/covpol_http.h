/* The service coverage policy: GET|PUT /v1/policies/service-coverage, one per tenant. */
#ifndef SERVICE_COVPOL_HTTP_H
#define SERVICE_COVPOL_HTTP_H

struct req;

/*
 * Behind the service_policies flag. A tenant that never set one reads the default (off,
 * version 0). PUT replaces the whole policy (If-Match on its version), checks that each
 * rule's manufacturer_id names a manufacturer of the tenant (422), and writes its audit row
 * (service_coverage_policy.update) and event (service_coverage_policy.updated).
 */
int covpol_http_get(struct req *r);
int covpol_http_put(struct req *r);

#endif
