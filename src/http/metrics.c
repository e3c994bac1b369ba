/* Prometheus counters shared by all workers through one anonymous MAP_SHARED mapping. */
#include "http/metrics.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "core/sb.h"
#include "http/router.h"

static const int statuses[] = {200, 201, 202, 204, 301, 302, 303, 304, 400, 401, 403, 404,
                               405, 409, 412, 413, 415, 422, 423, 429, 500, 502, 503, 504};
#define NSTATUS ((int)(sizeof(statuses) / sizeof(statuses[0])) + 1) /* + "other" */

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define NBUCKET ((int)(sizeof(buckets) / sizeof(buckets[0])))

struct shm {
    uint64_t hist[NBUCKET + 1]; /* non-cumulative; the last is +Inf */
    uint64_t hist_sum_us;
    uint64_t hist_count;
    uint64_t worker_restarts;
    uint64_t db_errors;
    uint64_t workers;
    int64_t started;
    int nroutes;
    uint64_t req[]; /* (nroutes + 1) * NSTATUS, the last row for unmatched paths */
};

static struct shm *shm;

int metrics_init(int nroutes)
{
    size_t size = sizeof(struct shm) + sizeof(uint64_t) * (size_t)(nroutes + 1) * NSTATUS;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return -1;
    shm = p;
    shm->nroutes = nroutes;
    shm->started = (int64_t)time(NULL);
    return 0;
}

static void add(uint64_t *c, uint64_t n)
{
    __atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

void metrics_observe(int route_idx, int status, double seconds)
{
    int row, col = NSTATUS - 1, b = 0;

    if (!shm)
        return;
    row = route_idx >= 0 && route_idx < shm->nroutes ? route_idx : shm->nroutes;
    for (int i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status)
            col = i;
    add(&shm->req[row * NSTATUS + col], 1);
    while (b < NBUCKET && seconds > buckets[b])
        b++;
    add(&shm->hist[b], 1);
    add(&shm->hist_sum_us, (uint64_t)(seconds * 1e6));
    add(&shm->hist_count, 1);
}

void metrics_worker_restart(void)
{
    if (shm)
        add(&shm->worker_restarts, 1);
}

void metrics_db_error(void)
{
    if (shm)
        add(&shm->db_errors, 1);
}

void metrics_set_workers(int n)
{
    if (shm)
        __atomic_store_n(&shm->workers, (uint64_t)n, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *c)
{
    return __atomic_load_n(c, __ATOMIC_RELAXED);
}

int metrics_workers(void)
{
    return shm ? (int)get(&shm->workers) : 0;
}

long long metrics_uptime(void)
{
    return shm ? (long long)(time(NULL) - shm->started) : 0;
}

void metrics_render(struct sb *out, const struct route *routes, int nroutes)
{
    uint64_t cum = 0;

    if (!shm)
        return;
    sb_adds(out, "# HELP trellis_http_requests_total HTTP requests by route and status.\n"
                 "# TYPE trellis_http_requests_total counter\n");
    for (int r = 0; r <= shm->nroutes && r <= nroutes; r++) {
        for (int s = 0; s < NSTATUS; s++) {
            uint64_t v = get(&shm->req[r * NSTATUS + s]);
            if (!v)
                continue;
            sb_adds(out, "trellis_http_requests_total{route=\"");
            sb_adds(out, r < nroutes ? routes[r].pattern : "unmatched");
            if (r < nroutes) {
                /* the lowest method bit names the row: GET for GET|HEAD */
                unsigned m = routes[r].methods;
                sb_printf(out, "\",method=\"%s", http_method_name(m & -m));
            }
            if (s < NSTATUS - 1)
                sb_printf(out, "\",status=\"%d\"} %llu\n", statuses[s], (unsigned long long)v);
            else
                sb_printf(out, "\",status=\"other\"} %llu\n", (unsigned long long)v);
        }
    }
    sb_adds(out, "# HELP trellis_http_request_duration_seconds Time from request to response.\n"
                 "# TYPE trellis_http_request_duration_seconds histogram\n");
    for (int b = 0; b <= NBUCKET; b++) {
        cum += get(&shm->hist[b]);
        if (b < NBUCKET)
            sb_printf(out, "trellis_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                      buckets[b], (unsigned long long)cum);
        else
            sb_printf(out, "trellis_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                      (unsigned long long)cum);
    }
    sb_printf(out,
              "trellis_http_request_duration_seconds_sum %.6f\n"
              "trellis_http_request_duration_seconds_count %llu\n"
              "# HELP trellis_worker_restarts_total Workers the master replaced after they died.\n"
              "# TYPE trellis_worker_restarts_total counter\n"
              "trellis_worker_restarts_total %llu\n"
              "# HELP trellis_db_errors_total Failed database statements and connections.\n"
              "# TYPE trellis_db_errors_total counter\n"
              "trellis_db_errors_total %llu\n"
              "# HELP trellis_workers Workers the master keeps running.\n"
              "# TYPE trellis_workers gauge\n"
              "trellis_workers %llu\n"
              "# HELP trellis_uptime_seconds Seconds since the master started.\n"
              "# TYPE trellis_uptime_seconds gauge\n"
              "trellis_uptime_seconds %lld\n",
              (double)get(&shm->hist_sum_us) / 1e6, (unsigned long long)get(&shm->hist_count),
              (unsigned long long)get(&shm->worker_restarts),
              (unsigned long long)get(&shm->db_errors), (unsigned long long)get(&shm->workers),
              (long long)(time(NULL) - shm->started));
}
