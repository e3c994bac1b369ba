/* Per-request memory: everything returned here lives until arena_reset(). */
#ifndef CORE_ARENA_H
#define CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Ownership: every pointer returned by arena_* lives until arena_reset() or
 * arena_release() of the arena it came from; nothing needs free(). Allocation
 * never returns NULL: out of memory aborts, and the master respawns the worker.
 * With ARENA_DEBUG each allocation is its own malloc, so the sanitizers see
 * every boundary.
 */
struct arena_chunk;
struct arena_defer;

#define ARENA_SPARE 8

struct arena {
    struct arena_chunk *head;   /* newest chunk first */
    struct arena_defer *defers; /* run newest first at reset */
    size_t chunk_size;          /* default size of a new chunk */
    size_t used;                /* bytes handed out since the last reset */
    size_t nallocs;             /* allocations since the last reset */
    struct arena_chunk *spare;  /* default-size chunks kept by reset for the next request */
    size_t nspare;
};

void arena_init(struct arena *ar, size_t chunk_size); /* 0: 64 KiB */
void *arena_alloc(struct arena *ar, size_t n);        /* 16-byte aligned, never NULL */
void *arena_zalloc(struct arena *ar, size_t n);
char *arena_strndup(struct arena *ar, const char *s, size_t n);
char *arena_strdup(struct arena *ar, const char *s);
char *arena_printf(struct arena *ar, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *ar, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void arena_defer(struct arena *ar, void (*fn)(void *), void *arg); /* run at reset */
/*
 * Runs the defers, keeps up to ARENA_SPARE default-size chunks for reuse (a request that
 * needs a few is common; freeing and asking for them again costs malloc a consolidation
 * each time), frees the others.
 */
void arena_reset(struct arena *ar);
/* arena_reset() and frees every chunk; the arena may be initialised again. */
void arena_release(struct arena *ar);

#endif
