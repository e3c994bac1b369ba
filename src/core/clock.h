/* The two clocks the code reads, in milliseconds. */
#ifndef CORE_CLOCK_H
#define CORE_CLOCK_H

#include <stdint.h>

/* Milliseconds since the epoch: times that are stored or shown. */
int64_t clock_real_ms(void);
/* Milliseconds of a clock that never jumps: intervals, timeouts. */
int64_t clock_mono_ms(void);

#endif
