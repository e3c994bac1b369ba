/* The two clocks the code reads, in milliseconds. */
#include "core/clock.h"

#include <time.h>

static int64_t ms(clockid_t which)
{
    struct timespec ts;

    clock_gettime(which, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_real_ms(void)
{
    return ms(CLOCK_REALTIME);
}

int64_t clock_mono_ms(void)
{
    return ms(CLOCK_MONOTONIC);
}
