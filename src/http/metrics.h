/* Prometheus metrics shared by all workers: counters in one MAP_SHARED mapping made before fork. */
#ifndef HTTP_METRICS_H
#define HTTP_METRICS_H

struct sb;
struct route;

/* Maps the shared counters for nroutes routes; call once in the master. Returns 0 or -1. */
int metrics_init(int nroutes);
/* route_idx -1: no route matched. */
void metrics_observe(int route_idx, int status, double seconds);
void metrics_worker_restart(void);
void metrics_db_error(void);
void metrics_set_workers(int n);
/* What the master keeps running, and seconds since it started: 0 before metrics_init(). */
int metrics_workers(void);
long long metrics_uptime(void);
void metrics_render(struct sb *out, const struct route *routes, int nroutes);

#endif
