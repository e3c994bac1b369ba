/* Mustache templates: compile once per worker into an immutable tree, render json-c values. */
#ifndef TMPL_TMPL_H
#define TMPL_TMPL_H

#include <stddef.h>

/*
 * Ownership: a compiled template and a template set are malloc'd worker-lifetime
 * memory, never in a request arena: a set owns every template added to it and
 * tmpl_set_free() releases them all; a template compiled alone is released with
 * tmpl_free(). Out of memory while compiling aborts, as arena_alloc() does.
 *
 * Rendering writes nothing to the tree, so forked workers share it
 * copy-on-write, and allocates nothing itself: its state is on the C stack and
 * the page goes to the string builder passed in (arena-backed or not, the
 * caller's choice). The one exception: an object or array interpolated as
 * {{x}} prints as JSON in json-c's buffer of that value, freed with it.
 *
 * Return codes are 0 or a negative TMPL_E*; with an error the message in
 * err->msg reads "file:line:col: what was expected", lower case, and the
 * builder holds a partial page that the caller discards.
 *
 * Mustache as in the specification's core modules plus inheritance: {{x}}
 * escapes & < > " ' (sb_add_html), {{{x}}} and {{&x}} do not; sections,
 * inverted sections, comments, set delimiters, partials {{>x}}, parents {{<x}}
 * and blocks {{$x}}. Falsy: missing, null, false, "" and []; 0 and {} are
 * truthy. Numbers print as json-c parsed them ("1.21", "1e3"), integers plain,
 * doubles built in code in their shortest exact form. A partial or parent "x"
 * is the set's "partials/x" if there is one, else "x"; one that names no
 * template renders as nothing (tmpl_set_check() finds those). Empty lines of
 * an indented partial stay empty.
 */
struct json_object;
struct sb;
struct tmpl;
struct tmpl_set;

#define TMPL_MAX_DEPTH 100 /* sections, inverted sections and blocks open at once */
#define TMPL_MAX_NEST  64  /* partials and parents open at once */
/* Also: a name is at most 1024 bytes, a file 4 MiB, indentation in force 2048 bytes. */

enum {
    TMPL_OK = 0,
    TMPL_ESYNTAX = -1,   /* the template does not compile */
    TMPL_EDEPTH = -2,    /* sections nested deeper than TMPL_MAX_DEPTH, or indentation too deep */
    TMPL_ENEST = -3,     /* partials or parents nested deeper than TMPL_MAX_NEST */
    TMPL_EOUTPUT = -4,   /* the string builder failed (out of memory, over its limit) */
    TMPL_EIO = -5,       /* a file or directory could not be read */
    TMPL_EEXIST = -6,    /* a set already has a template by that name */
    TMPL_ENOTFOUND = -7, /* tmpl_set_check(): a partial or parent names no template */
};

struct tmpl_error {
    char msg[512];
};

/*
 * Compiles src[0..len) (copied; src may be freed after). name is what
 * partials call it; file labels error messages (NULL: name). Returns the
 * template, or NULL with a TMPL_ESYNTAX message in err.
 */
struct tmpl *tmpl_compile(const char *name, const char *file, const char *src, size_t len,
                          struct tmpl_error *err);
void tmpl_free(struct tmpl *t); /* a template not added to a set; NULL is fine */
const char *tmpl_name(const struct tmpl *t);

/*
 * Renders t with data as the root context, appending to out. Returns 0, or
 * TMPL_EDEPTH, TMPL_ENEST or TMPL_EOUTPUT with a message in err.
 */
int tmpl_render(const struct tmpl *t, struct json_object *data, struct sb *out,
                struct tmpl_error *err);

struct tmpl_set *tmpl_set_new(void); /* aborts on out of memory */
void tmpl_set_free(struct tmpl_set *set);
/* Takes t, also on failure (TMPL_EEXIST: freed). Partial names of every
   template in the set are resolved again, so templates may come in any order. */
int tmpl_set_add(struct tmpl_set *set, struct tmpl *t, struct tmpl_error *err);
/* tmpl_compile() then tmpl_set_add(). */
int tmpl_set_add_string(struct tmpl_set *set, const char *name, const char *src, size_t len,
                        struct tmpl_error *err);
/* Reads path and adds it under name; errors name the file as path. */
int tmpl_set_add_file(struct tmpl_set *set, const char *name, const char *path,
                      struct tmpl_error *err);
/*
 * Adds every *.mustache file under dir (recursively, dot names skipped), each
 * named by its path relative to dir without the extension: "dashboards/dealer",
 * "partials/table". Stops at the first error.
 */
int tmpl_set_load_dir(struct tmpl_set *set, const char *dir, struct tmpl_error *err);
const struct tmpl *tmpl_set_get(const struct tmpl_set *set, const char *name); /* or NULL */
/* TMPL_ENOTFOUND for the first partial or parent tag that names no template. */
int tmpl_set_check(const struct tmpl_set *set, struct tmpl_error *err);
/*
 * Iterates the names of partial and parent tags that resolve to no template:
 * start with *iter = 0; returns NULL at the end. A name may come more than
 * once. Adding to the set invalidates the iteration.
 */
const char *tmpl_set_missing(const struct tmpl_set *set, size_t *iter);

#endif
