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

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
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

/* One render into an arena-backed builder, as a worker does; the arena is reset after. */
static size_t render_once(const struct tmpl *page, struct json_object *data, struct arena *ar,
                          size_t *nallocs)
{
    struct tmpl_error err;
    struct sb sb;
    size_t len;

    sb_init(&sb, ar);
    if (tmpl_render(page, data, &sb, &err) != 0)
        die("render", err.msg);
    len = sb.len;
    *nallocs += ar->nallocs;
    arena_reset(ar);
    return len;
}

int main(int argc, char **argv)
{
    const char *dir, *data_path, *out_path;
    double seconds, per_round[64], t0, t, ns;
    struct arena data_ar, ar;
    struct json_object *data;
    struct tmpl_set *set;
    const struct tmpl *page;
    struct tmpl_error err;
    struct mallinfo2 heap0, heap1;
    char msg[256], *text;
    size_t len, bytes = 0, arena_allocs = 0, renders = 0;
    unsigned long long mallocs0, reuse_mallocs;
    long rss0, rss1;
    int rounds;
    struct sb reuse;
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
    page = tmpl_set_get(set, "dashboard");
    if (!page)
        die(dir, "no dashboard.mustache");

    arena_init(&data_ar, 0);
    f = fopen(data_path, "rb");
    if (!f)
        die(data_path, strerror(errno));
    {
        struct sb in;
        char buf[8192];
        size_t n;
        sb_init(&in, &data_ar);
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
            sb_add(&in, buf, n);
        fclose(f);
        text = in.buf;
        len = in.len;
    }
    if (!text || json_parse(&data_ar, text, len, &data, msg, sizeof(msg)) != 0)
        die(data_path, text ? msg : "empty");

    /* The default chunk of a worker's arena. */
    arena_init(&ar, 0);
    {
        struct sb sb;
        sb_init(&sb, &ar);
        if (tmpl_render(page, data, &sb, &err) != 0)
            die("render", err.msg);
        f = fopen(out_path, "wb");
        if (!f || fwrite(sb.buf, 1, sb.len, f) != sb.len || fclose(f) != 0)
            die(out_path, strerror(errno));
        bytes = sb.len;
        arena_reset(&ar);
    }

    /* Warm: caches, branch predictors, the arena's first chunk. */
    for (t0 = now_ns(); now_ns() - t0 < 0.5e9;)
        render_once(page, data, &ar, &arena_allocs);

    arena_allocs = 0;
    heap0 = mallinfo2();
    rss0 = rss_kib();
    mallocs0 = nmalloc;
    for (int r = 0; r < rounds; r++) {
        size_t n = 0;
        t0 = now_ns();
        do {
            render_once(page, data, &ar, &arena_allocs);
            n++;
            t = now_ns() - t0;
        } while (t < seconds / rounds * 1e9);
        per_round[r] = t / (double)n;
        renders += n;
    }
    heap1 = mallinfo2();
    rss1 = rss_kib();
    qsort(per_round, (size_t)rounds, sizeof(per_round[0]), cmp_double);
    ns = per_round[rounds / 2];

    /* The renderer alone: a malloc'd builder kept from one render to the next. */
    sb_init(&reuse, NULL);
    if (tmpl_render(page, data, &reuse, &err) != 0)
        die("render", err.msg);
    reuse_mallocs = nmalloc;
    for (int i = 0; i < 1000; i++) {
        sb_clear(&reuse);
        if (tmpl_render(page, data, &reuse, &err) != 0)
            die("render", err.msg);
    }
    reuse_mallocs = nmalloc - reuse_mallocs;
    sb_release(&reuse);

    printf("renderer=trellis tmpl\n");
    printf("bytes=%zu\n", bytes);
    printf("renders=%zu\n", renders);
    printf("ns_per_render=%.0f\n", ns);
    printf("mb_per_s=%.1f\n", (double)bytes / ns * 1e3);
    printf("arena_allocs_per_render=%.2f\n", (double)arena_allocs / (double)renders);
    if (COUNTING) {
        printf("mallocs_per_render=%.2f\n", (double)(nmalloc - mallocs0) / (double)renders);
        printf("mallocs_per_render_reused_buffer=%.3f\n", (double)reuse_mallocs / 1000.0);
    }
    printf("heap_in_use_before=%zu\n", heap0.uordblks);
    printf("heap_in_use_after=%zu\n", heap1.uordblks);
    printf("rss_kib_before=%ld\n", rss0);
    printf("rss_kib_after=%ld\n", rss1);

    arena_release(&ar);
    arena_release(&data_ar);
    tmpl_set_free(set);
    return 0;
}
