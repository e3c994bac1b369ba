/* Publishing endpoints: publish, unlist, rollback, versions and diffs, the effective listing. */
#ifndef CATALOG_PUBLISH_HTTP_H
#define CATALOG_PUBLISH_HTTP_H

struct req;

/*
 * All under /v1/channels/{id}/catalog, the channel one of the caller's tenant (else 404).
 * A caller with an organization in the token publishes only as it (403), reads the
 * versions only of publications it published or received, and only its own listing
 * (anything else answers 404, as an id of another tenant does).
 */
int catalog_http_publish(struct req *r);
int catalog_http_unlist(struct req *r);
int catalog_http_rollback(struct req *r);
int catalog_http_versions(struct req *r);
int catalog_http_version_get(struct req *r);
int catalog_http_version_diff(struct req *r);
int catalog_http_listing(struct req *r);

#endif
