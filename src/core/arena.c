/* Chunked bump allocator for per-request memory, with deferred cleanups. */
#include "core/arena.h"

#ifdef HAVE_CONFIG_H
/* <> and not "": "config.h" would find core/config.h next to this file. */
#include <config.h>
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN         16
#define ARENA_DEFAULT_CHUNK ((size_t)64 * 1024)

struct arena_chunk {
    struct arena_chunk *next;
    size_t size; /* bytes of data */
    size_t off;  /* first free byte of data */
};

struct arena_defer {
    struct arena_defer *next;
    void (*fn)(void *);
    void *arg;
};

/* The header is padded so data, right after it, keeps the block's alignment. */
#define CHUNK_HDR ((sizeof(struct arena_chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static void arena_oom(void)
{
    fputs("arena: out of memory\n", stderr);
    abort();
}

static unsigned char *chunk_data(struct arena_chunk *c)
{
    return (unsigned char *)c + CHUNK_HDR;
}

static struct arena_chunk *chunk_new(size_t size)
{
    void *p;

    if (size > SIZE_MAX - CHUNK_HDR)
        arena_oom();
    /* posix_memalign rather than padding: the block ends where data ends, so
       ASan sees an overflow of the last allocation by one byte. */
    if (posix_memalign(&p, ARENA_ALIGN, CHUNK_HDR + size) != 0)
        arena_oom();
    struct arena_chunk *c = p;
    c->next = NULL;
    c->size = size;
    c->off = 0;
    return c;
}

void arena_init(struct arena *ar, size_t chunk_size)
{
    ar->head = NULL;
    ar->defers = NULL;
    ar->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
    ar->used = 0;
    ar->nallocs = 0;
    ar->spare = NULL;
    ar->nspare = 0;
}

#ifdef ARENA_DEBUG

void *arena_alloc(struct arena *ar, size_t n)
{
    struct arena_chunk *c = chunk_new(n);

    c->off = n;
    c->next = ar->head;
    ar->head = c;
    ar->used += n;
    ar->nallocs++;
    return chunk_data(c);
}

#else

static void *chunk_take(struct arena_chunk *c, size_t n)
{
    size_t off = (c->off + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

    if (off > c->size || c->size - off < n)
        return NULL;
    c->off = off + n;
    return chunk_data(c) + off;
}

void *arena_alloc(struct arena *ar, size_t n)
{
    struct arena_chunk *c;
    void *p = NULL;
    size_t take = n ? n : 1; /* distinct pointers, as malloc gives */

    if (ar->head)
        p = chunk_take(ar->head, take);
    if (!p) {
        if (take > ar->chunk_size / 4) {
            /* Behind the head, so the space left in the current chunk is still used. */
            c = chunk_new(take);
            if (ar->head) {
                c->next = ar->head->next;
                ar->head->next = c;
            } else {
                ar->head = c;
            }
        } else {
            if (ar->spare) {
                c = ar->spare;
                ar->spare = c->next;
                ar->nspare--;
                c->off = 0;
            } else {
                c = chunk_new(ar->chunk_size);
            }
            c->next = ar->head;
            ar->head = c;
        }
        p = chunk_take(c, take);
    }
    ar->used += n;
    ar->nallocs++;
    return p;
}

#endif

void *arena_zalloc(struct arena *ar, size_t n)
{
    void *p = arena_alloc(ar, n);

    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *ar, const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = arena_alloc(ar, len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(struct arena *ar, const char *s)
{
    return arena_strndup(ar, s, strlen(s));
}

char *arena_vprintf(struct arena *ar, const char *fmt, va_list ap)
{
    va_list aq;
    int n;
    char *p;

    va_copy(aq, ap);
    n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        return arena_strdup(ar, "");
    p = arena_alloc(ar, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *ar, const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = arena_vprintf(ar, fmt, ap);
    va_end(ap);
    return p;
}

void arena_defer(struct arena *ar, void (*fn)(void *), void *arg)
{
    struct arena_defer *d = arena_alloc(ar, sizeof(*d));

    d->fn = fn;
    d->arg = arg;
    d->next = ar->defers;
    ar->defers = d;
}

void arena_reset(struct arena *ar)
{
    struct arena_chunk *c, *next, *keep = NULL;

    /* Unlinked before the call, so each runs once even if one defers more. */
    while (ar->defers) {
        struct arena_defer *d = ar->defers;
        ar->defers = d->next;
        d->fn(d->arg);
    }
#ifndef ARENA_DEBUG
    /* The oldest default-size chunk is the first one: keep it for the next request. */
    for (c = ar->head; c; c = c->next)
        if (c->size == ar->chunk_size)
            keep = c;
#endif
    for (c = ar->head; c; c = next) {
        next = c->next;
        if (c == keep)
            continue;
#ifndef ARENA_DEBUG
        if (c->size == ar->chunk_size && ar->nspare < ARENA_SPARE) {
            c->next = ar->spare;
            ar->spare = c;
            ar->nspare++;
            continue;
        }
#endif
        free(c);
    }
    if (keep) {
        keep->next = NULL;
        keep->off = 0;
    }
    ar->head = keep;
    ar->used = 0;
    ar->nallocs = 0;
}

void arena_release(struct arena *ar)
{
    struct arena_chunk *c, *next;

    arena_reset(ar);
    free(ar->head);
    ar->head = NULL;
    for (c = ar->spare; c; c = next) {
        next = c->next;
        free(c);
    }
    ar->spare = NULL;
    ar->nspare = 0;
}
