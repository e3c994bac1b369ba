/* Operations endpoints: liveness, readiness, metrics, and the HTTP-core test fixture. */
#ifndef SYS_SYS_HTTP_H
#define SYS_SYS_HTTP_H

#include <stddef.h>

struct config;
struct req;

/*
 * Loads what the endpoints serve unchanged for the worker's life (the OpenAPI
 * document). The master calls it before forking and again on SIGHUP, so every
 * worker inherits it. Returns 0, or -1 with "file: line N: why" in err.
 */
int sys_http_load(const struct config *cfg, char *err, size_t errlen);
void sys_http_unload(void);

int sys_http_healthz(struct req *r);
int sys_http_readyz(struct req *r);
int sys_http_metrics(struct req *r);
int sys_http_openapi(struct req *r);
/*
 * Test fixtures, built only with --enable-test-routes (./dev test): echo exercises
 * body parsing and the field readers; sleep holds a worker busy for the drain test;
 * open-tx leaves a transaction open.
 */
int sys_http_echo(struct req *r);
int sys_http_sleep(struct req *r);
/* Opens a transaction and answers without ending it: what the worker's safety net is for. */
int sys_http_open_tx(struct req *r);

#endif
