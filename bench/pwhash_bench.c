/* Password hashing cost for bench/baseline: what one login's argon2id verify costs, alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/secret.h"

#define RUNS_MAX 1000

static double clock_ms(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(const double *sorted, int n)
{
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static void die(const char *what)
{
    fprintf(stderr, "pwhash-bench: %s\n", what);
    exit(1);
}

int main(int argc, char **argv)
{
    static double verify[RUNS_MAX], verify_cpu[RUNS_MAX], hash[RUNS_MAX];
    char enc[SECRET_HASH_MAX], params[64] = "";
    const char *pw = "correct horse battery staple", *p, *q;
    int n = 20, json = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            n = (int)strtol(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: pwhash-bench [-n RUNS] [--json]\n");
            return 2;
        }
    }
    if (n < 1 || n > RUNS_MAX)
        die("RUNS must be 1..1000");
    if (secret_init() != 0)
        die("secret_init failed");

    /* Hash and verify alternate, as a worker would see them: no warm cache of the other. */
    for (int i = 0; i < n; i++) {
        double t0 = clock_ms(CLOCK_MONOTONIC), c0;

        if (secret_hash_password(pw, enc) != 0)
            die("hashing failed (out of memory?)");
        hash[i] = clock_ms(CLOCK_MONOTONIC) - t0;
        t0 = clock_ms(CLOCK_MONOTONIC);
        c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
        if (secret_check_password(enc, pw) != 1)
            die("the password does not verify against its own hash");
        verify[i] = clock_ms(CLOCK_MONOTONIC) - t0;
        verify_cpu[i] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
    }
    if (secret_check_password(enc, "wrong") != 0)
        die("a wrong password verifies");

    /* "$argon2id$v=19$m=19456,t=2,p=1$salt$hash": report the cost the hash says it has. */
    p = strstr(enc, "$m=");
    q = p ? strchr(p + 1, '$') : NULL;
    if (p && q && q - p - 1 < (long)sizeof(params))
        memcpy(params, p + 1, (size_t)(q - p - 1));

    qsort(verify, (size_t)n, sizeof(double), cmp_double);
    qsort(verify_cpu, (size_t)n, sizeof(double), cmp_double);
    qsort(hash, (size_t)n, sizeof(double), cmp_double);
    if (json) {
        printf("{\"algorithm\": \"argon2id\", \"params\": \"%s\", \"runs\": %d, "
               "\"verify_ms\": {\"median\": %.2f, \"min\": %.2f, \"max\": %.2f}, "
               "\"verify_cpu_ms_median\": %.2f, \"hash_ms_median\": %.2f}\n",
               params, n, median(verify, n), verify[0], verify[n - 1], median(verify_cpu, n),
               median(hash, n));
    } else {
        printf("argon2id %s, %d runs, single-threaded\n", params, n);
        printf("verify: median %.2f ms, min %.2f ms, max %.2f ms (CPU median %.2f ms)\n",
               median(verify, n), verify[0], verify[n - 1], median(verify_cpu, n));
        printf("hash:   median %.2f ms\n", median(hash, n));
    }
    return 0;
}
