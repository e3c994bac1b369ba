/* Tenant settings endpoints: GET|PUT /v1/settings. */
#ifndef TENANT_TENANT_HTTP_H
#define TENANT_TENANT_HTTP_H

struct req;

/* The caller's tenant's settings with ETag: "<tenants.version>". */
int tenant_http_settings_get(struct req *r);

/*
 * Changes only the settings the body names (and, inside flags and lockout, only the
 * flags and limits it names); If-Match against the version; one transaction with the
 * audit row settings.update and the event settings.updated.
 */
int tenant_http_settings_put(struct req *r);

#endif
