/* Renderer benchmark for bench/render: one dashboard page rendered in a loop, timed, with its
   allocations counted and the heap compared before and after. Prints key=value lines. */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/sb.h"
#include "tmpl/tmpl.h"

#ifdef __SANITIZE_ADDRESS__
/* ASan owns malloc: no counting, and the times would mean nothing anyway. */
#define COUNTING 0
static unsigned long long nmalloc;
#else
#define COUNTING 1
/* Every malloc-family call of the process, json-c's and libc's included, goes through here. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

static unsigned long long nmalloc;

void *malloc(size_t n)
{
    nmalloc++;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    nmalloc++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    nmalloc++;
    return __libc_realloc(p, n);
}

void free(void *p)
{
    __libc_free(p);
}

void *memalign(size_t align, size_t n)
{
    nmalloc++;
    return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    nmalloc++;
    return __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p;

    nmalloc++;
    p = __libc_memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
#endif

static double clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long rss_kib(void)
{
    char buf[128], *end;
    long resident = -1;
    FILE *f = fopen("/proc/self/statm", "r");

    if (!f)
        return -1;
    /* "size resident shared ...", in pages */
    if (fgets(buf, sizeof(buf), f) && strtol(buf, &end, 10) >= 0)
        resident = strtol(end, NULL, 10);
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "render-bench: %s: %s\n", what, why);
    exit(1);
}

struct run {
    const struct tmpl *page;
    struct json_object *data;
    struct arena *ar; /* NULL: one malloc'd builder, cleared between renders */
    size_t presize;   /* with ar: the builder starts with this much room, not 64 bytes */
    struct sb reuse;
    size_t renders, arena_allocs;
};

/* One render: into an arena-backed builder reset after, as a worker does, or the reused one. */
static void render_once(struct run *r)
{
    struct tmpl_error err;
    struct sb sb;

    if (r->ar) {
        sb_init(&sb, r->ar);
        if (r->presize) /* as page_render sizes a worker's body builder */
            sb_reserve(&sb, r->presize);
        if (tmpl_render(r->page, r->data, &sb, &err) != 0)
            die("render", err.msg);
        r->arena_allocs += r->ar->nallocs;
        arena_reset(r->ar);
    } else {
        sb_clear(&r->reuse);
        if (tmpl_render(r->page, r->data, &r->reuse, &err) != 0)
            die("render", err.msg);
    }
    r->renders++;
}

/* Median wall and CPU ns per render over rounds of seconds/rounds each. */
static void measure(struct run *r, double seconds, int rounds, double *wall, double *cpu)
{
    double w[64], c[64];

    for (int i = 0; i < rounds; i++) {
        double w0 = clock_ns(CLOCK_MONOTONIC), c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), t;
        size_t n = 0;
        do {
            render_once(r);
            n++;
            t = clock_ns(CLOCK_MONOTONIC) - w0;
        } while (t < seconds / rounds * 1e9);
        w[i] = t / (double)n;
        c[i] = (clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0) / (double)n;
    }
    qsort(w, (size_t)rounds, sizeof(double), cmp_double);
    qsort(c, (size_t)rounds, sizeof(double), cmp_double);
    *wall = w[rounds / 2];
    *cpu = c[rounds / 2];
}

int main(int argc, char **argv)
{
    const char *dir, *data_path, *out_path;
    double seconds, t0, wall, cpu, reuse_wall, reuse_cpu, pre_wall, pre_cpu;
    struct arena data_ar, ar;
    struct run run = {0};
    struct tmpl_set *set;
    struct tmpl_error err;
    struct mallinfo2 heap0, heap1;
    char msg[256];
    unsigned long long mallocs0, mallocs, reuse_mallocs, pre_mallocs;
    long rss0, rss1;
    size_t bytes, renders, allocs, pre_renders, pre_allocs;
    int rounds;
    struct sb in;
    FILE *f;

    if (argc != 6) {
        fprintf(stderr, "usage: render-bench TEMPLATES DATA.json OUT.html SECONDS ROUNDS\n");
        return 2;
    }
    dir = argv[1];
    data_path = argv[2];
    out_path = argv[3];
    seconds = strtod(argv[4], NULL);
    rounds = (int)strtol(argv[5], NULL, 10);
    if (seconds <= 0 || rounds < 1 || rounds > 64)
        die("arguments", "SECONDS > 0, ROUNDS 1..64");

    set = tmpl_set_new();
    if (tmpl_set_load_dir(set, dir, &err) != 0 || tmpl_set_check(set, &err) != 0)
        die(dir, err.msg);
    run.page = tmpl_set_get(set, "dashboard");
    if (!run.page)
        die(dir, "no dashboard.mustache");

    arena_init(&data_ar, 0);
    f = fopen(data_path, "rb");
    if (!f)
        die(data_path, strerror(errno));
    sb_init(&in, &data_ar);
    for (size_t n; (n = fread(msg, 1, sizeof(msg), f)) > 0;)
        sb_add(&in, msg, n);
    fclose(f);
    if (!in.buf || json_parse(&data_ar, in.buf, in.len, &run.data, msg, sizeof(msg)) != 0)
        die(data_path, in.buf ? msg : "empty");

    /* The page once, for bench/render to compare with mustache.js's. */
    sb_init(&run.reuse, NULL);
    render_once(&run);
    f = fopen(out_path, "wb");
    if (!f || fwrite(run.reuse.buf, 1, run.reuse.len, f) != run.reuse.len || fclose(f) != 0)
        die(out_path, strerror(errno));
    bytes = run.reuse.len;

    /* As a worker renders: into its request arena, default chunk size, reset after. */
    arena_init(&ar, 0);
    run.ar = &ar;
    for (t0 = clock_ns(CLOCK_MONOTONIC); clock_ns(CLOCK_MONOTONIC) - t0 < 0.5e9;)
        render_once(&run);
    run.renders = 0;
    run.arena_allocs = 0;
    heap0 = mallinfo2();
    rss0 = rss_kib();
    mallocs0 = nmalloc;
    measure(&run, seconds, rounds, &wall, &cpu);
    mallocs = nmalloc - mallocs0;
    heap1 = mallinfo2();
    rss1 = rss_kib();
    renders = run.renders;
    allocs = run.arena_allocs;

    /* The same with the builder sized for the page from the start. */
    run.presize = (size_t)128 * 1024;
    run.renders = 0;
    run.arena_allocs = 0;
    mallocs0 = nmalloc;
    measure(&run, seconds, rounds, &pre_wall, &pre_cpu);
    pre_mallocs = nmalloc - mallocs0;
    pre_renders = run.renders;
    pre_allocs = run.arena_allocs;

    /* The renderer alone: one malloc'd builder kept from render to render. */
    run.ar = NULL;
    mallocs0 = nmalloc;
    run.renders = 0;
    measure(&run, seconds, rounds, &reuse_wall, &reuse_cpu);
    reuse_mallocs = nmalloc - mallocs0;

    printf("renderer=trellis tmpl\n");
    printf("bytes=%zu\n", bytes);
    printf("renders=%zu\n", renders);
    printf("ns_per_render=%.0f\n", wall);
    printf("cpu_ns_per_render=%.0f\n", cpu);
    printf("mb_per_s=%.1f\n", (double)bytes / wall * 1e3);
    printf("arena_allocs_per_render=%.2f\n", (double)allocs / (double)renders);
    printf("ns_per_render_presized=%.0f\n", pre_wall);
    printf("cpu_ns_per_render_presized=%.0f\n", pre_cpu);
    printf("arena_allocs_per_render_presized=%.2f\n", (double)pre_allocs / (double)pre_renders);
    printf("ns_per_render_reused_buffer=%.0f\n", reuse_wall);
    printf("cpu_ns_per_render_reused_buffer=%.0f\n", reuse_cpu);
    printf("mb_per_s_reused_buffer=%.1f\n", (double)bytes / reuse_wall * 1e3);
    if (COUNTING) {
        printf("mallocs_per_render=%.2f\n", (double)mallocs / (double)renders);
        printf("mallocs_per_render_presized=%.2f\n", (double)pre_mallocs / (double)pre_renders);
        printf("mallocs_per_render_reused_buffer=%.3f\n",
               (double)reuse_mallocs / (double)run.renders);
    }
    printf("heap_in_use_before=%zu\n", heap0.uordblks);
    printf("heap_in_use_after=%zu\n", heap1.uordblks);
    printf("rss_kib_before=%ld\n", rss0);
    printf("rss_kib_after=%ld\n", rss1);

    sb_release(&run.reuse);
    arena_release(&ar);
    arena_release(&data_ar);
    tmpl_set_free(set);
    return 0;
}
