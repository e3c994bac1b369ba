/* Mustache: compiles a template to a flat node array once, renders it over json-c values. */
#include "tmpl/tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <json-c/linkhash.h>

#include "core/sb.h"

#define TMPL_MAX_FILE (4u << 20)  /* bytes in one template file */
#define TMPL_MAX_SRC  (64u << 20) /* bytes of a template compiled from a string */
#define TMPL_MAX_NAME 1024        /* bytes of a name in a tag */
#define TMPL_MAX_DIRS 16          /* directory levels tmpl_set_load_dir() descends */
#define NAME_SHOWN    64          /* bytes of a name quoted in a message */
#define TMPL_HINTS    64          /* lookup() remembers where this many names were found */

enum node_type { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK };

enum {
    TN_RAW = 1 << 0,      /* N_VAR: {{{x}}} or {{&x}} */
    TN_INDENTED = 1 << 1, /* N_PARTIAL, N_PARENT, N_BLOCK: standalone, lines inside get ind */
    TN_LINES = 1 << 2,    /* N_TEXT: more than one newline */
};

/*
 * A container (section, inverted, parent, block) is followed by its nkids
 * descendants, so a range of siblings is walked with n += 1 + n->nkids and
 * nothing points into the array but the set's partial targets.
 */
struct tnode {
    unsigned char type;
    unsigned char flags;
    unsigned short nseg; /* N_VAR, N_SECTION, N_INVERTED: name segments; 0 is "." */
    unsigned nkids;
    unsigned line, col;
    unsigned nl;     /* N_TEXT: the offset after its first newline, 0 when none */
    unsigned hint;   /* N_VAR, N_SECTION, N_INVERTED: its slot in lookup()'s hints */
    const char *s;   /* text; or the name, with its segments NUL-separated */
    size_t n;        /* text length; or the name's length as written */
    const char *ind; /* TN_INDENTED: whitespace put before each line inside */
    size_t nind;
    const struct tmpl *target; /* N_PARTIAL, N_PARENT: resolved by the set, NULL when none */
};

struct tmpl {
    char *name;
    char *file;
    char *src;  /* text nodes and indentation point into it */
    char *pool; /* names */
    struct tnode *nodes;
    size_t nnodes;
};

struct tmpl_set {
    struct tmpl **v;
    size_t n, cap;
};

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        /* Worker-lifetime memory follows the arena's rule: out of memory aborts. */
        fputs("tmpl: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(xrealloc(NULL, n), s, n);
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static int is_space(char c)
{
    return is_ws(c) || c == '\n' || c == '\r';
}

/* ---- compiling ------------------------------------------------------------------------- */

enum tok_type {
    K_TEXT,
    K_VAR,
    K_RAW,
    K_SECTION,
    K_INVERTED,
    K_CLOSE,
    K_PARTIAL,
    K_PARENT,
    K_BLOCK,
    K_COMMENT,
    K_DELIM,
};

/* Text tokens end after a newline at the latest, so a line is a run of tokens. */
struct tok {
    unsigned char type;
    const char *s; /* text, or the trimmed name */
    size_t n;
    unsigned line, col;
};

struct open {
    size_t node;
    const struct tok *tok;
    const char *ind; /* block: the indentation its lines lose */
    size_t nind;
    int outdent;
    int pending; /* block opened standalone: its indentation comes from the next line */
};

struct cc {
    const char *file;
    struct tmpl_error *err;
    const char *src;
    size_t len;
    size_t pos;
    unsigned line, col;
    const char *otag, *ctag;
    size_t notag, nctag;
    struct tok *toks;
    size_t ntoks, ctoks;
    struct tnode *nodes;
    size_t nnodes, cnodes;
    char *pool;
    size_t npool;
    struct open stack[TMPL_MAX_DEPTH];
    size_t depth;
};

static void set_error(struct tmpl_error *err, const char *file, unsigned line, unsigned col,
                      const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void set_error(struct tmpl_error *err, const char *file, unsigned line, unsigned col,
                      const char *fmt, va_list ap)
{
    int k;

    if (!err)
        return;
    if (line)
        k = snprintf(err->msg, sizeof(err->msg), "%s:%u:%u: ", file, line, col);
    else
        k = snprintf(err->msg, sizeof(err->msg), "%s: ", file);
    if (k >= 0 && (size_t)k < sizeof(err->msg))
        vsnprintf(err->msg + k, sizeof(err->msg) - (size_t)k, fmt, ap);
}

static int cc_error(struct cc *cc, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int cc_error(struct cc *cc, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_error(cc->err, cc->file, line, col, fmt, ap);
    va_end(ap);
    return TMPL_ESYNTAX;
}

/* Moves the position to src[to], counting lines and UTF-8 characters. */
static void cc_advance(struct cc *cc, size_t to)
{
    for (; cc->pos < to; cc->pos++) {
        unsigned char c = (unsigned char)cc->src[cc->pos];
        if (c == '\n') {
            cc->line++;
            cc->col = 1;
        } else if ((c & 0xc0) != 0x80) {
            cc->col++;
        }
    }
}

static const char *cc_find(const struct cc *cc, size_t from, const char *needle, size_t n)
{
    if (from > cc->len)
        return NULL;
    return memmem(cc->src + from, cc->len - from, needle, n);
}

static void tok_push(struct cc *cc, int type, const char *s, size_t n, unsigned line, unsigned col)
{
    struct tok *k;

    if (cc->ntoks == cc->ctoks) {
        cc->ctoks = cc->ctoks ? cc->ctoks * 2 : 64;
        cc->toks = xrealloc(cc->toks, cc->ctoks * sizeof(*cc->toks));
    }
    k = &cc->toks[cc->ntoks++];
    k->type = (unsigned char)type;
    k->s = s;
    k->n = n;
    k->line = line;
    k->col = col;
}

static void tok_text(struct cc *cc, size_t end)
{
    while (cc->pos < end) {
        const char *s = cc->src + cc->pos;
        const char *nl = memchr(s, '\n', end - cc->pos);
        size_t n = nl ? (size_t)(nl - s) + 1 : end - cc->pos;

        tok_push(cc, K_TEXT, s, n, cc->line, cc->col);
        cc_advance(cc, cc->pos + n);
    }
}

static int set_delims(struct cc *cc, const char *s, size_t n, unsigned line, unsigned col)
{
    size_t i = 0, a0, a1, b0, b1;

    while (i < n && !is_space(s[i]))
        i++;
    a0 = 0;
    a1 = i;
    while (i < n && is_space(s[i]))
        i++;
    b0 = i;
    while (i < n && !is_space(s[i]))
        i++;
    b1 = i;
    while (i < n && is_space(s[i]))
        i++;
    if (a1 == a0 || b1 == b0 || i != n)
        return cc_error(cc, line, col, "expected two delimiters separated by a space");
    cc->otag = s + a0;
    cc->notag = a1 - a0;
    cc->ctag = s + b0;
    cc->nctag = b1 - b0;
    return 0;
}

/* The tag whose opening delimiter is at src[at]. */
static int tok_tag(struct cc *cc, size_t at)
{
    unsigned line = cc->line, col = cc->col;
    size_t q = at + cc->notag, from = q + 1, close;
    char c = q < cc->len ? cc->src[q] : '\0';
    const char *e, *s;
    size_t n;
    int type;

    switch (c) {
    case '{':
    case '&':
        type = K_RAW;
        break;
    case '#':
        type = K_SECTION;
        break;
    case '^':
        type = K_INVERTED;
        break;
    case '/':
        type = K_CLOSE;
        break;
    case '>':
        type = K_PARTIAL;
        break;
    case '<':
        type = K_PARENT;
        break;
    case '$':
        type = K_BLOCK;
        break;
    case '!':
        type = K_COMMENT;
        break;
    case '=':
        type = K_DELIM;
        break;
    default:
        type = K_VAR;
        from = q;
        break;
    }
    if (c == '{' || c == '=') {
        /* These end at '}' or '=' right before the closing delimiter. */
        char want = c == '{' ? '}' : '=';
        for (size_t k = from; (e = cc_find(cc, k, cc->ctag, cc->nctag)) != NULL;
             k = (size_t)(e - cc->src) + 1)
            if ((size_t)(e - cc->src) > from && e[-1] == want)
                break;
        if (!e)
            return cc_error(cc, line, col, "expected '%c%.*s'", want, (int)cc->nctag, cc->ctag);
        close = (size_t)(e - cc->src) - 1;
    } else {
        e = cc_find(cc, from, cc->ctag, cc->nctag);
        if (!e)
            return cc_error(cc, line, col, "expected '%.*s'", (int)cc->nctag, cc->ctag);
        close = (size_t)(e - cc->src);
    }
    cc_advance(cc, (size_t)(e - cc->src) + cc->nctag);
    s = cc->src + from;
    n = close - from;
    if (type == K_COMMENT) {
        tok_push(cc, type, s, n, line, col);
        return 0;
    }
    while (n && is_space(*s)) {
        s++;
        n--;
    }
    while (n && is_space(s[n - 1]))
        n--;
    if (type == K_DELIM) {
        tok_push(cc, type, s, n, line, col);
        return set_delims(cc, s, n, line, col);
    }
    if (!n)
        return cc_error(cc, line, col, "expected a name");
    if (n > TMPL_MAX_NAME)
        return cc_error(cc, line, col, "name longer than %d bytes", TMPL_MAX_NAME);
    for (size_t i = 0; i < n; i++)
        if (is_space(s[i]))
            return cc_error(cc, line, col, "expected '%.*s' after '%.*s'", (int)cc->nctag, cc->ctag,
                            (int)(i < NAME_SHOWN ? i : NAME_SHOWN), s);
    tok_push(cc, type, s, n, line, col);
    return 0;
}

static int tokenize(struct cc *cc)
{
    while (cc->pos < cc->len) {
        const char *o = cc_find(cc, cc->pos, cc->otag, cc->notag);
        size_t at = o ? (size_t)(o - cc->src) : cc->len;

        tok_text(cc, at);
        if (!o)
            break;
        if (tok_tag(cc, at))
            return TMPL_ESYNTAX;
    }
    return 0;
}

static struct tnode *node_new(struct cc *cc, int type, const struct tok *k)
{
    struct tnode *n;

    if (!cc->nodes || cc->nnodes == cc->cnodes) {
        cc->cnodes = cc->cnodes ? cc->cnodes * 2 : 32;
        cc->nodes = xrealloc(cc->nodes, cc->cnodes * sizeof(*cc->nodes));
    }
    n = &cc->nodes[cc->nnodes++];
    memset(n, 0, sizeof(*n));
    n->type = (unsigned char)type;
    if (k) {
        n->line = k->line;
        n->col = k->col;
    }
    return n;
}

/* Copies the name into the pool; split: segments at the dots, "." alone is the iterator. */
static int node_name(struct cc *cc, struct tnode *n, const struct tok *k, int split)
{
    char *p = cc->pool + cc->npool;

    memcpy(p, k->s, k->n);
    p[k->n] = '\0';
    cc->npool += k->n + 1;
    n->s = p;
    n->n = k->n;
    n->nseg = 1;
    if (!split)
        return 0;
    if (k->n == 1 && k->s[0] == '.') {
        n->nseg = 0;
        return 0;
    }
    for (size_t i = 0; i < k->n; i++) {
        if (p[i] != '.')
            continue;
        if (i == 0 || i + 1 == k->n || p[i + 1] == '.')
            return cc_error(cc, k->line, k->col, "expected a name, found '%.*s'",
                            (int)(k->n < NAME_SHOWN ? k->n : NAME_SHOWN), k->s);
        p[i] = '\0';
        n->nseg++;
    }
    return 0;
}

static void emit_text(struct cc *cc, const char *s, size_t n)
{
    struct tnode *prev = cc->nnodes ? &cc->nodes[cc->nnodes - 1] : NULL;

    if (!n)
        return;
    /* Adjacent in the source means no tag between: one node, one append. */
    if (prev && prev->type == N_TEXT && prev->s + prev->n == s) {
        prev->n += n;
        return;
    }
    prev = node_new(cc, N_TEXT, NULL);
    prev->s = s;
    prev->n = n;
}

static const char *kind_name(int type)
{
    switch (type) {
    case N_INVERTED:
        return "inverted section";
    case N_PARENT:
        return "parent";
    case N_BLOCK:
        return "block";
    default:
        return "section";
    }
}

static int cc_open(struct cc *cc, struct tnode *n, const struct tok *k)
{
    struct open *o;

    if (cc->depth == TMPL_MAX_DEPTH)
        return cc_error(cc, k->line, k->col, "%s '%.*s' nested deeper than %d", kind_name(n->type),
                        (int)(k->n < NAME_SHOWN ? k->n : NAME_SHOWN), k->s, TMPL_MAX_DEPTH);
    o = &cc->stack[cc->depth++];
    memset(o, 0, sizeof(*o));
    o->node = (size_t)(n - cc->nodes);
    o->tok = k;
    return 0;
}

static int cc_close(struct cc *cc, const struct tok *k)
{
    const struct open *o;

    if (!cc->depth)
        return cc_error(cc, k->line, k->col, "closing tag '%.*s' without an open section",
                        (int)(k->n < NAME_SHOWN ? k->n : NAME_SHOWN), k->s);
    o = &cc->stack[cc->depth - 1];
    if (o->tok->n != k->n || memcmp(o->tok->s, k->s, k->n) != 0)
        return cc_error(cc, k->line, k->col, "expected the end of %s '%.*s' (%u:%u), found '%.*s'",
                        kind_name(cc->nodes[o->node].type),
                        (int)(o->tok->n < NAME_SHOWN ? o->tok->n : NAME_SHOWN), o->tok->s,
                        o->tok->line, o->tok->col, (int)(k->n < NAME_SHOWN ? k->n : NAME_SHOWN),
                        k->s);
    cc->nodes[o->node].nkids = (unsigned)(cc->nnodes - o->node - 1);
    cc->depth--;
    return 0;
}

enum { L_STANDALONE = 1 << 0, L_FIRST = 1 << 1, L_LAST = 1 << 2 };

/* One tag; on a standalone line, lead is the whitespace that started the line. */
static int compile_tag(struct cc *cc, const struct tok *k, int where, const char *lead,
                       size_t nlead)
{
    struct tnode *n;
    int split = 0, type;

    switch (k->type) {
    case K_COMMENT:
    case K_DELIM:
        return 0;
    case K_CLOSE:
        return cc_close(cc, k);
    case K_VAR:
    case K_RAW:
        type = N_VAR;
        split = 1;
        break;
    case K_SECTION:
        type = N_SECTION;
        split = 1;
        break;
    case K_INVERTED:
        type = N_INVERTED;
        split = 1;
        break;
    case K_PARTIAL:
        type = N_PARTIAL;
        break;
    case K_PARENT:
        type = N_PARENT;
        break;
    default:
        type = N_BLOCK;
        break;
    }
    n = node_new(cc, type, k);
    if (node_name(cc, n, k, split))
        return TMPL_ESYNTAX;
    if (k->type == K_RAW)
        n->flags |= TN_RAW;
    if ((where & L_STANDALONE) && (type == N_PARTIAL || type == N_PARENT || type == N_BLOCK)) {
        n->flags |= TN_INDENTED;
        if (where & L_FIRST) {
            n->ind = lead;
            n->nind = nlead;
        }
    }
    if (type == N_VAR || type == N_PARTIAL)
        return 0;
    if (cc_open(cc, n, k))
        return TMPL_ESYNTAX;
    if (type == N_BLOCK && (where & L_STANDALONE) && (where & L_LAST)) {
        /* The block's content starts on the next line, which decides its indentation. */
        struct open *o = &cc->stack[cc->depth - 1];
        o->pending = 1;
        o->ind = n->ind;
        o->nind = n->nind;
    }
    return 0;
}

/* Whitespace, then an optional line end. */
static int ws_line(const char *s, size_t n)
{
    if (n && s[n - 1] == '\n') {
        n--;
        if (n && s[n - 1] == '\r')
            n--;
    }
    for (size_t i = 0; i < n; i++)
        if (!is_ws(s[i]))
            return 0;
    return 1;
}

static size_t lead_ws(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && is_ws(s[i]))
        i++;
    return i;
}

static void strip_prefix(struct tok *k, const char *p, size_t np)
{
    size_t i = 0;

    while (i < np && i < k->n && k->s[i] == p[i])
        i++;
    k->s += i;
    k->n -= i;
}

/* Outdents the line inside blocks, settles a pending block's indentation. */
static void line_start(struct cc *cc, size_t a, size_t b)
{
    struct tok *first = &cc->toks[a];
    struct open *top;
    const struct tok *ft = NULL;

    if (first->type == K_TEXT)
        for (size_t i = 0; i < cc->depth; i++)
            if (cc->stack[i].outdent)
                strip_prefix(first, cc->stack[i].ind, cc->stack[i].nind);
    if (!cc->depth || !cc->stack[cc->depth - 1].pending)
        return;
    top = &cc->stack[cc->depth - 1];
    top->pending = 0;
    for (size_t i = a; i < b && !ft; i++)
        if (cc->toks[i].type != K_TEXT)
            ft = &cc->toks[i];
        else if (!ws_line(cc->toks[i].s, cc->toks[i].n))
            break;
    if (!ft || ft->type != K_CLOSE) {
        /* The first line's indentation is the block's own: removed here, added where it lands. */
        top->nind = first->type == K_TEXT ? lead_ws(first->s, first->n) : 0;
        top->ind = top->nind ? first->s : NULL;
        top->outdent = 1;
        strip_prefix(first, top->ind, top->nind);
    }
    /* else an empty block, which keeps the indentation of its tag */
    cc->nodes[top->node].ind = top->ind;
    cc->nodes[top->node].nind = top->nind;
}

/*
 * Standalone: the line holds whitespace and one tag that is not an
 * interpolation, or only parent and block tags ("{{<p}}{{$b}}",
 * "{{/b}}{{/p}}", "{{$b}}{{/b}}"); the whitespace and the line end go. A
 * block opened and closed on its own line keeps the line end, as a variable
 * would: its content takes the line's place.
 */
static int compile_line(struct cc *cc, size_t a, size_t b)
{
    int opened[8], multi = 1, keep_nl = 0, standalone, where;
    size_t ntags = 0, nopened = 0, outer = cc->depth, last = b, lead_n = 0;
    const char *lead = NULL;
    int plain = 1;

    line_start(cc, a, b);
    for (size_t i = a; i < b && plain; i++) {
        const struct tok *k = &cc->toks[i];
        int kind = k->type;

        if (k->type == K_TEXT) {
            plain = ws_line(k->s, k->n);
            continue;
        }
        ntags++;
        last = i;
        keep_nl = 0;
        if (k->type == K_VAR || k->type == K_RAW) {
            plain = 0;
        } else if (k->type == K_PARENT || k->type == K_BLOCK) {
            if (nopened < sizeof(opened) / sizeof(opened[0]))
                opened[nopened++] = k->type;
            else
                multi = 0;
        } else if (k->type == K_CLOSE) {
            if (nopened) {
                kind = opened[--nopened];
                keep_nl = kind == K_BLOCK;
            } else if (outer) {
                int t = cc->nodes[cc->stack[--outer].node].type;
                kind = t == N_PARENT ? K_PARENT : t == N_BLOCK ? K_BLOCK : K_SECTION;
            }
        }
        if (kind != K_PARENT && kind != K_BLOCK)
            multi = 0;
    }
    standalone = plain && ntags && (ntags == 1 || multi);
    if (standalone && cc->toks[a].type == K_TEXT) {
        lead = cc->toks[a].s;
        lead_n = lead_ws(lead, cc->toks[a].n);
    }
    where = standalone ? L_STANDALONE | L_FIRST : 0;
    for (size_t i = a; i < b; i++) {
        const struct tok *k = &cc->toks[i];

        if (k->type == K_TEXT) {
            if (!standalone) {
                emit_text(cc, k->s, k->n);
            } else if (keep_nl && i == b - 1 && k->s[k->n - 1] == '\n') {
                size_t nl = k->n > 1 && k->s[k->n - 2] == '\r' ? 2 : 1;
                emit_text(cc, k->s + k->n - nl, nl);
            }
            continue;
        }
        if (compile_tag(cc, k, where | (i == last ? L_LAST : 0), lead, lead_n))
            return TMPL_ESYNTAX;
        where &= ~L_FIRST;
    }
    return 0;
}

static int compile(struct cc *cc)
{
    size_t a = 0;

    if (tokenize(cc))
        return TMPL_ESYNTAX;
    while (a < cc->ntoks) {
        size_t b = a;
        while (b < cc->ntoks) {
            const struct tok *k = &cc->toks[b++];
            if (k->type == K_TEXT && k->s[k->n - 1] == '\n')
                break;
        }
        if (compile_line(cc, a, b))
            return TMPL_ESYNTAX;
        a = b;
    }
    if (cc->depth) {
        const struct open *o = &cc->stack[cc->depth - 1];
        return cc_error(cc, o->tok->line, o->tok->col, "unclosed %s '%.*s'",
                        kind_name(cc->nodes[o->node].type),
                        (int)(o->tok->n < NAME_SHOWN ? o->tok->n : NAME_SHOWN), o->tok->s);
    }
    return 0;
}

/* Where each text's lines break, found once rather than on each render. */
static void prepare(struct tmpl *t)
{
    for (size_t i = 0; i < t->nnodes; i++) {
        struct tnode *n = &t->nodes[i];
        const char *nl;

        n->hint = (unsigned)(i % TMPL_HINTS);
        if (n->type != N_TEXT || (nl = memchr(n->s, '\n', n->n)) == NULL)
            continue;
        n->nl = (unsigned)(nl - n->s) + 1;
        if (memchr(nl + 1, '\n', n->n - n->nl))
            n->flags |= TN_LINES;
    }
}

struct tmpl *tmpl_compile(const char *name, const char *file, const char *src, size_t len,
                          struct tmpl_error *err)
{
    struct tmpl *t;
    struct cc cc;

    if (len > TMPL_MAX_SRC) {
        if (err)
            snprintf(err->msg, sizeof(err->msg), "%s: larger than %u MiB", file ? file : name,
                     TMPL_MAX_SRC >> 20);
        return NULL;
    }
    t = xrealloc(NULL, sizeof(*t));
    memset(t, 0, sizeof(*t));
    t->name = xstrdup(name);
    t->file = xstrdup(file ? file : name);
    t->src = xrealloc(NULL, len + 1);
    memcpy(t->src, src, len);
    t->src[len] = '\0';
    /* Each name is shorter than its tag, so the pool never outgrows the source. */
    t->pool = xrealloc(NULL, len + 1);
    memset(&cc, 0, sizeof(cc));
    cc.file = t->file;
    cc.err = err;
    cc.src = t->src;
    cc.len = len;
    cc.line = 1;
    cc.col = 1;
    cc.otag = "{{";
    cc.ctag = "}}";
    cc.notag = 2;
    cc.nctag = 2;
    cc.pool = t->pool;
    if (compile(&cc) != 0) {
        free(cc.toks);
        free(cc.nodes);
        tmpl_free(t);
        return NULL;
    }
    free(cc.toks);
    t->nodes = cc.nnodes ? xrealloc(cc.nodes, cc.nnodes * sizeof(*cc.nodes)) : cc.nodes;
    t->nnodes = cc.nnodes;
    prepare(t);
    return t;
}

void tmpl_free(struct tmpl *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->file);
    free(t->src);
    free(t->pool);
    free(t->nodes);
    free(t);
}

const char *tmpl_name(const struct tmpl *t)
{
    return t->name;
}

/* ---- rendering ------------------------------------------------------------------------- */

#define TMPL_MAX_INDENT 2048 /* bytes of indentation in force at once */
#define TMPL_TEXTS      64   /* render_text() remembers where this many texts were written */

/* The blocks a parent tag passes, innermost call first. Lives on the C stack. */
struct frame {
    const struct tmpl *t;
    const struct tnode *parent;
    const struct frame *up;
};

struct hint {
    const struct tnode *n;
    unsigned pos;
};

/* A text written with indentation: the same text, indentation and line state write the same. */
struct written {
    const struct tnode *n;
    size_t off, len;      /* in the output */
    size_t from, to, gen; /* the indentation then */
    int bol_in, bol_out;
};

struct rstate {
    struct sb *out;
    struct tmpl_error *err;
    int bol; /* the output is at the start of a template line */
    unsigned depth, nest;
    size_t nctx;
    /* The indentation in force is ind[ind_from, ind_to): a standalone partial or block
       appends its own, an inline one starts empty at ind_to; both put them back after. */
    size_t ind_from, ind_to;
    size_t ind_gen; /* counts changes to ind: equal bounds and gen mean equal bytes */
    size_t ind_set; /* ind[0, ind_set) has been written */
    struct json_object *ctx[TMPL_MAX_DEPTH + 1];
    struct lh_table *tabs[TMPL_MAX_DEPTH + 1]; /* ctx[i]'s keys, NULL unless an object */
    char ind[TMPL_MAX_INDENT];
    struct hint hints[TMPL_HINTS];
    struct written texts[TMPL_TEXTS];
};

/* Bytes that sb_add_html() rewrites; test_tmpl.c checks the two agree. */
static const unsigned char html_special[256] = {
    ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

static int render_error(struct rstate *st, const struct tmpl *t, const struct tnode *n, int rc,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int render_error(struct rstate *st, const struct tmpl *t, const struct tnode *n, int rc,
                        const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_error(st->err, t->file, n->line, n->col, fmt, ap);
    va_end(ap);
    return rc;
}

/*
 * sb_add() without the call when the bytes fit: a page is appended in
 * thousands of small pieces. Keeps sb.h's invariants (NUL after len, the
 * limit, a sticky error); anything else goes to sb_add().
 */
static inline void out_add(struct sb *sb, const char *s, size_t n)
{
    if (sb->cap - sb->len > n && !sb->err && (!sb->limit || n <= sb->limit - sb->len)) {
        char *d = sb->buf + sb->len;
        /* Most pieces are short: two overlapping fixed-size copies instead of a call. */
        if (n >= 8 && n <= 16) {
            memcpy(d, s, 8);
            memcpy(d + n - 8, s + n - 8, 8);
        } else if (n >= 4 && n < 8) {
            memcpy(d, s, 4);
            memcpy(d + n - 4, s + n - 4, 4);
        } else {
            memcpy(d, s, n);
        }
        sb->len += n;
        sb->buf[sb->len] = '\0';
        return;
    }
    sb_add(sb, s, n);
}

static inline void out_indent(struct rstate *st)
{
    if (st->ind_to > st->ind_from)
        out_add(st->out, st->ind + st->ind_from, st->ind_to - st->ind_from);
}

static void render_line(struct rstate *st, const char *s, size_t n, int nl)
{
    /* An empty line stays empty: no trailing whitespace. */
    if (st->bol && !(nl && (n == 1 || (n == 2 && s[0] == '\r'))))
        out_indent(st);
    out_add(st->out, s, n);
    st->bol = nl;
}

static void render_lines(struct rstate *st, const struct tnode *t)
{
    const char *s = t->s;
    size_t n = t->n;

    if (!(t->flags & TN_LINES)) {
        if (t->nl) {
            render_line(st, s, t->nl, 1);
            s += t->nl;
            n -= t->nl;
        }
        if (n)
            render_line(st, s, n, 0);
        return;
    }
    while (n) {
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) + 1 : n;

        render_line(st, s, k, nl != NULL);
        s += k;
        n -= k;
    }
}

/*
 * A text is a line or more; with indentation each line is two appends. In a
 * list the same text comes again with the same indentation: it is then copied
 * in one piece from where the page already has it.
 */
static void render_text(struct rstate *st, const struct tnode *t)
{
    struct written *w = &st->texts[((uintptr_t)t / sizeof(*t)) % TMPL_TEXTS];
    struct sb *sb = st->out;
    size_t off = sb->len;
    int bol_in;

    if (st->ind_to == st->ind_from) {
        out_add(sb, t->s, t->n);
        st->bol = t->s[t->n - 1] == '\n';
        return;
    }
    if (!t->nl) {
        render_line(st, t->s, t->n, 0);
        return;
    }
    if (w->n == t && w->bol_in == st->bol && w->from == st->ind_from && w->to == st->ind_to &&
        w->gen == st->ind_gen && sb->cap - sb->len > w->len && !sb->err &&
        (!sb->limit || w->len <= sb->limit - sb->len)) {
        /* Room is there, so the buffer does not move under the copy. */
        memcpy(sb->buf + sb->len, sb->buf + w->off, w->len);
        sb->len += w->len;
        sb->buf[sb->len] = '\0';
        st->bol = w->bol_out;
        return;
    }
    bol_in = st->bol;
    render_lines(st, t);
    if (sb->err)
        return;
    w->n = t;
    w->bol_in = bol_in;
    w->off = off;
    w->len = sb->len - off;
    w->from = st->ind_from;
    w->to = st->ind_to;
    w->gen = st->ind_gen;
    w->bol_out = st->bol;
}

static size_t fmt_int(struct json_object *v, char *buf, size_t size)
{
    int64_t i = json_object_get_int64(v);
    char tmp[24];
    size_t n = 0, k = 0;
    uint64_t u;

    /* json-c holds integers past INT64_MAX as uint64 and saturates the int64 view. */
    if (i == INT64_MAX)
        return (size_t)snprintf(buf, size, "%" PRIu64, json_object_get_uint64(v));
    u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (i < 0)
        buf[n++] = '-';
    while (k)
        buf[n++] = tmp[--k];
    buf[n] = '\0';
    return n;
}

static const char *fmt_double(struct json_object *v, char *buf, size_t size, size_t *n)
{
    /* A double json-c parsed keeps its text as user data: it prints as written. */
    const char *text = json_object_get_userdata(v);
    double d = json_object_get_double(v);

    if (text) {
        *n = strlen(text);
        return text;
    }
    if (isnan(d))
        text = "NaN";
    else if (isinf(d))
        text = d > 0 ? "Infinity" : "-Infinity";
    if (text) {
        *n = strlen(text);
        return text;
    }
    /* The shortest form that reads back the same: 0.1, not 0.10000000000000001. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    *n = strlen(buf);
    return buf;
}

static void render_value(struct rstate *st, struct json_object *v, int raw)
{
    char buf[40];
    const char *s;
    size_t n, i;

    switch (json_object_get_type(v)) {
    case json_type_null:
        return;
    case json_type_string:
        s = json_object_get_string(v);
        n = (size_t)json_object_get_string_len(v);
        break;
    case json_type_boolean:
        s = json_object_get_boolean(v) ? "true" : "false";
        n = strlen(s);
        raw = 1; /* nothing to escape in a boolean or an integer */
        break;
    case json_type_int:
        n = fmt_int(v, buf, sizeof(buf));
        s = buf;
        raw = 1;
        break;
    case json_type_double:
        s = fmt_double(v, buf, sizeof(buf), &n);
        break;
    default:
        /* An object or array prints as JSON, in json-c's buffer of that value. */
        s = json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN, &n);
        break;
    }
    if (!n)
        return;
    if (st->bol)
        out_indent(st);
    st->bol = 0;
    if (raw) {
        out_add(st->out, s, n);
        return;
    }
    /* Most values need no escaping: copy up to the first byte that does, escape the rest. */
    for (i = 0; i < n && !html_special[(unsigned char)s[i]]; i++)
        ;
    out_add(st->out, s, i);
    if (i < n)
        sb_add_html(st->out, s + i, n - i);
}

#define SCAN_MAX 24 /* keys of an object compared in order before its hash table is used */

static inline int key_eq(const char *a, const char *b)
{
    while (*a == *b) {
        if (!*a)
            return 1;
        a++;
        b++;
    }
    return 0;
}

/*
 * o[key]: its position among o's keys, -1 when missing, SCAN_MAX when found
 * in a big object's table. The objects a page shows are small, and comparing
 * their keys in order is faster than json-c's hashing and probing.
 */
static int find_key(struct lh_table *tab, const char *key, struct json_object **out)
{
    struct lh_entry *e;
    int i = 0;

    for (e = lh_table_head(tab); e && i < SCAN_MAX; e = lh_entry_next(e), i++) {
        if (key_eq(lh_entry_k(e), key)) {
            *out = lh_entry_v(e);
            return i;
        }
    }
    if (!e)
        return -1;
    e = lh_table_lookup_entry(tab, key);
    if (!e)
        return -1;
    *out = lh_entry_v(e);
    return SCAN_MAX;
}

/*
 * The first segment down the context stack, the others inside what it found.
 * Rows of a list have their keys in the same order, so where a name was found
 * in the top context last time is tried first: one key compared, not several.
 */
static int lookup(struct rstate *st, const struct tnode *n, struct json_object **out)
{
    struct hint *h = &st->hints[n->hint];
    const char *seg = n->s;
    struct json_object *v = NULL;
    struct lh_table *tab;
    struct lh_entry *e;
    size_t i = st->nctx;
    int pos;

    if (!n->nseg) {
        *out = st->ctx[st->nctx - 1];
        return 1;
    }
    tab = st->tabs[i - 1];
    if (tab && h->n == n) {
        for (e = lh_table_head(tab), pos = h->pos; e && pos; pos--)
            e = lh_entry_next(e);
        if (e && key_eq(lh_entry_k(e), seg)) {
            v = lh_entry_v(e);
            goto rest;
        }
    }
    for (; i > 0; i--) {
        tab = st->tabs[i - 1];
        if (tab && (pos = find_key(tab, seg, &v)) >= 0) {
            if (i == st->nctx && pos < SCAN_MAX) {
                h->n = n;
                h->pos = (unsigned)pos;
            }
            break;
        }
    }
    if (!i)
        return 0;
rest:
    for (unsigned k = 1; k < n->nseg; k++) {
        seg += strlen(seg) + 1;
        tab = json_object_get_object(v);
        if (!tab || find_key(tab, seg, &v) < 0)
            return 0;
    }
    *out = v;
    return 1;
}

static int falsy(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        return 1;
    case json_type_boolean:
        return !json_object_get_boolean(v);
    case json_type_string:
        return json_object_get_string_len(v) == 0;
    case json_type_array:
        return json_object_array_length(v) == 0;
    default:
        return 0;
    }
}

static void name_shown(const struct tnode *n, char *buf, size_t size)
{
    size_t k = n->n < size - 1 ? n->n : size - 1;

    for (size_t i = 0; i < k; i++)
        buf[i] = n->s[i] ? n->s[i] : '.';
    buf[k] = '\0';
}

static int render_range(struct rstate *st, const struct tmpl *t, const struct tnode *n,
                        const struct tnode *end, const struct frame *fr);

static int enter(struct rstate *st, const struct tmpl *t, const struct tnode *n)
{
    char name[NAME_SHOWN + 1];

    if (st->depth < TMPL_MAX_DEPTH) {
        st->depth++;
        return 0;
    }
    name_shown(n, name, sizeof(name));
    return render_error(st, t, n, TMPL_EDEPTH, "%s '%s' nested deeper than %d", kind_name(n->type),
                        name, TMPL_MAX_DEPTH);
}

/* Standalone, the lines inside take the tag's indentation too; inline (reset), none. */
static int indent_push(struct rstate *st, const struct tmpl *t, const struct tnode *n, int reset)
{
    if (reset) {
        st->ind_from = st->ind_to;
        return 0;
    }
    if (!n->nind)
        return 0;
    if (n->nind > sizeof(st->ind) - st->ind_to)
        return render_error(st, t, n, TMPL_EDEPTH, "indentation deeper than %d bytes",
                            TMPL_MAX_INDENT);
    /* The same partial in a loop puts back the same bytes: they change only when they differ. */
    if (st->ind_to + n->nind > st->ind_set || memcmp(st->ind + st->ind_to, n->ind, n->nind) != 0) {
        memcpy(st->ind + st->ind_to, n->ind, n->nind);
        st->ind_gen++;
    }
    st->ind_to += n->nind;
    if (st->ind_to > st->ind_set)
        st->ind_set = st->ind_to;
    return 0;
}

static void push(struct rstate *st, struct json_object *v)
{
    st->ctx[st->nctx] = v;
    st->tabs[st->nctx++] = json_object_get_object(v);
}

static int render_section(struct rstate *st, const struct tmpl *t, const struct tnode *n,
                          const struct frame *fr)
{
    const struct tnode *kids = n + 1, *end = n + 1 + n->nkids;
    struct json_object *v = NULL;
    int found = lookup(st, n, &v), rc;

    if ((n->type == N_INVERTED) == (found && !falsy(v)))
        return 0;
    if ((rc = enter(st, t, n)) != 0)
        return rc;
    if (n->type == N_INVERTED) {
        rc = render_range(st, t, kids, end, fr);
    } else if (json_object_is_type(v, json_type_array)) {
        size_t len = json_object_array_length(v);
        for (size_t i = 0; i < len && !rc && !st->out->err; i++) {
            push(st, json_object_array_get_idx(v, i));
            rc = render_range(st, t, kids, end, fr);
            st->nctx--;
        }
    } else {
        push(st, v);
        rc = render_range(st, t, kids, end, fr);
        st->nctx--;
    }
    st->depth--;
    return rc;
}

/* A partial, or a parent with the blocks it passes; a missing one renders nothing. */
static int render_call(struct rstate *st, const struct tmpl *t, const struct tnode *n,
                       const struct frame *fr)
{
    const struct tmpl *target = n->target;
    struct frame f = {t, n, fr};
    size_t from = st->ind_from, to = st->ind_to;
    int rc;

    if (!target)
        return 0;
    if (st->nest >= TMPL_MAX_NEST)
        return render_error(st, t, n, TMPL_ENEST, "%s '%s' nested deeper than %d",
                            n->type == N_PARENT ? "parent" : "partial", n->s, TMPL_MAX_NEST);
    if ((rc = indent_push(st, t, n, !(n->flags & TN_INDENTED))) != 0)
        return rc;
    st->nest++;
    rc = render_range(st, target, target->nodes, target->nodes + target->nnodes,
                      n->type == N_PARENT ? &f : fr);
    st->nest--;
    st->ind_from = from;
    st->ind_to = to;
    return rc;
}

static const struct tnode *find_arg(const struct tnode *p, const struct tnode *b)
{
    const struct tnode *c = p + 1, *end = p + 1 + p->nkids;

    for (; c < end; c += 1 + c->nkids)
        if (c->type == N_BLOCK && c->n == b->n && memcmp(c->s, b->s, b->n) == 0)
            return c;
    return NULL;
}

static int render_block(struct rstate *st, const struct tmpl *t, const struct tnode *n,
                        const struct frame *fr)
{
    const struct tnode *use = n;
    const struct tmpl *ut = t;
    size_t from = st->ind_from, to = st->ind_to;
    int rc;

    /* The outermost template that passes the block wins. */
    for (const struct frame *f = fr; f; f = f->up) {
        const struct tnode *arg = find_arg(f->parent, n);
        if (arg) {
            use = arg;
            ut = f->t;
        }
    }
    /* Passed in inline, its lines are another template's, not this line's: no indentation. */
    if (n->flags & TN_INDENTED || use != n)
        if ((rc = indent_push(st, t, n, !(n->flags & TN_INDENTED))) != 0)
            return rc;
    if ((rc = enter(st, t, n)) == 0) {
        rc = render_range(st, ut, use + 1, use + 1 + use->nkids, fr);
        st->depth--;
    }
    st->ind_from = from;
    st->ind_to = to;
    return rc;
}

static int render_range(struct rstate *st, const struct tmpl *t, const struct tnode *n,
                        const struct tnode *end, const struct frame *fr)
{
    struct json_object *v;
    int rc = 0;

    for (; n < end && !rc; n += 1 + n->nkids) {
        switch (n->type) {
        case N_TEXT:
            render_text(st, n);
            break;
        case N_VAR:
            if (lookup(st, n, &v))
                render_value(st, v, n->flags & TN_RAW);
            break;
        case N_SECTION:
        case N_INVERTED:
            rc = render_section(st, t, n, fr);
            break;
        case N_PARTIAL:
        case N_PARENT:
            rc = render_call(st, t, n, fr);
            break;
        default:
            rc = render_block(st, t, n, fr);
            break;
        }
    }
    return rc;
}

int tmpl_render(const struct tmpl *t, struct json_object *data, struct sb *out,
                struct tmpl_error *err)
{
    struct rstate st;
    int rc;

    st.out = out;
    st.err = err;
    st.bol = 1;
    st.depth = 0;
    st.nest = 0;
    st.nctx = 0;
    push(&st, data);
    st.ind_from = 0;
    st.ind_to = 0;
    st.ind_gen = 0;
    st.ind_set = 0;
    memset(st.hints, 0, sizeof(st.hints));
    memset(st.texts, 0, sizeof(st.texts));
    sb_add(out, "", 0);
    rc = render_range(&st, t, t->nodes, t->nodes + t->nnodes, NULL);
    if (!rc && sb_error(out)) {
        if (err)
            snprintf(err->msg, sizeof(err->msg), "%s: output: %s", t->file,
                     sb_error(out) == SB_ETOOBIG ? "over the size limit" : "out of memory");
        rc = TMPL_EOUTPUT;
    }
    return rc;
}

/* ---- template sets --------------------------------------------------------------------- */

struct tmpl_set *tmpl_set_new(void)
{
    struct tmpl_set *set = xrealloc(NULL, sizeof(*set));

    memset(set, 0, sizeof(*set));
    return set;
}

void tmpl_set_free(struct tmpl_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        tmpl_free(set->v[i]);
    free(set->v);
    free(set);
}

const struct tmpl *tmpl_set_get(const struct tmpl_set *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->v[i]->name, name) == 0)
            return set->v[i];
    return NULL;
}

/* "partials/x" first, then "x". */
static const struct tmpl *resolve(const struct tmpl_set *set, const char *name)
{
    static const char prefix[] = "partials/";
    const struct tmpl *plain = NULL;

    for (size_t i = 0; i < set->n; i++) {
        const char *have = set->v[i]->name;
        if (strncmp(have, prefix, sizeof(prefix) - 1) == 0 &&
            strcmp(have + sizeof(prefix) - 1, name) == 0)
            return set->v[i];
        if (strcmp(have, name) == 0)
            plain = set->v[i];
    }
    return plain;
}

static void relink(struct tmpl_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        struct tmpl *t = set->v[i];
        for (size_t k = 0; k < t->nnodes; k++)
            if (t->nodes[k].type == N_PARTIAL || t->nodes[k].type == N_PARENT)
                t->nodes[k].target = resolve(set, t->nodes[k].s);
    }
}

int tmpl_set_add(struct tmpl_set *set, struct tmpl *t, struct tmpl_error *err)
{
    if (tmpl_set_get(set, t->name)) {
        if (err)
            snprintf(err->msg, sizeof(err->msg), "%s: a template named '%s' already exists",
                     t->file, t->name);
        tmpl_free(t);
        return TMPL_EEXIST;
    }
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 16;
        set->v = xrealloc(set->v, set->cap * sizeof(struct tmpl *));
    }
    set->v[set->n++] = t;
    relink(set);
    return 0;
}

int tmpl_set_add_string(struct tmpl_set *set, const char *name, const char *src, size_t len,
                        struct tmpl_error *err)
{
    struct tmpl *t = tmpl_compile(name, NULL, src, len, err);

    return t ? tmpl_set_add(set, t, err) : TMPL_ESYNTAX;
}

static int io_error(struct tmpl_error *err, const char *path, const char *what)
{
    if (err)
        snprintf(err->msg, sizeof(err->msg), "%s: %s", path, what);
    return TMPL_EIO;
}

int tmpl_set_add_file(struct tmpl_set *set, const char *name, const char *path,
                      struct tmpl_error *err)
{
    FILE *f = fopen(path, "rb");
    struct tmpl *t;
    struct stat sb;
    char *buf;
    size_t n;

    if (!f)
        return io_error(err, path, strerror(errno));
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return io_error(err, path, "not a regular file");
    }
    if (sb.st_size > (off_t)TMPL_MAX_FILE) {
        fclose(f);
        return io_error(err, path, "larger than 4 MiB");
    }
    buf = xrealloc(NULL, (size_t)sb.st_size + 1);
    n = fread(buf, 1, (size_t)sb.st_size + 1, f);
    if (ferror(f) || n > (size_t)sb.st_size) {
        free(buf);
        fclose(f);
        return io_error(err, path, "read failed or the file changed");
    }
    fclose(f);
    t = tmpl_compile(name, path, buf, n, err);
    free(buf);
    return t ? tmpl_set_add(set, t, err) : TMPL_ESYNTAX;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = xrealloc(NULL, n);

    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Adds dir/rel recursively; rel is "" at the top. */
static int load_tree(struct tmpl_set *set, const char *dir, const char *rel, int level,
                     struct tmpl_error *err)
{
    static const char ext[] = ".mustache";
    char *path = *rel ? path_join(dir, rel) : xstrdup(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    DIR *d;

    if (level > TMPL_MAX_DIRS) {
        rc = io_error(err, path, "directories nested too deep");
        free(path);
        return rc;
    }
    d = opendir(path);
    if (!d) {
        rc = io_error(err, path, strerror(errno));
        free(path);
        return rc;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, cap * sizeof(*names));
        }
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *full = path_join(path, names[i]);
        char *sub = *rel ? path_join(rel, names[i]) : xstrdup(names[i]);
        size_t len = strlen(sub);
        struct stat st;

        if (rc == 0 && stat(full, &st) != 0) {
            rc = io_error(err, full, strerror(errno));
        } else if (rc == 0 && S_ISDIR(st.st_mode)) {
            rc = load_tree(set, dir, sub, level + 1, err);
        } else if (rc == 0 && S_ISREG(st.st_mode) && len > sizeof(ext) - 1 &&
                   strcmp(sub + len - (sizeof(ext) - 1), ext) == 0) {
            sub[len - (sizeof(ext) - 1)] = '\0';
            rc = tmpl_set_add_file(set, sub, full, err);
        }
        free(full);
        free(sub);
        free(names[i]);
    }
    free(names);
    free(path);
    return rc;
}

int tmpl_set_load_dir(struct tmpl_set *set, const char *dir, struct tmpl_error *err)
{
    return load_tree(set, dir, "", 0, err);
}

const char *tmpl_set_missing(const struct tmpl_set *set, size_t *iter)
{
    size_t at = *iter;

    for (size_t i = 0; i < set->n; i++) {
        const struct tmpl *t = set->v[i];
        if (at >= t->nnodes) {
            at -= t->nnodes;
            continue;
        }
        for (; at < t->nnodes; at++, (*iter)++) {
            const struct tnode *n = &t->nodes[at];
            if ((n->type == N_PARTIAL || n->type == N_PARENT) && !n->target) {
                (*iter)++;
                return n->s;
            }
        }
        at = 0;
    }
    return NULL;
}

int tmpl_set_check(const struct tmpl_set *set, struct tmpl_error *err)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct tmpl *t = set->v[i];
        for (size_t k = 0; k < t->nnodes; k++) {
            const struct tnode *n = &t->nodes[k];
            if ((n->type == N_PARTIAL || n->type == N_PARENT) && !n->target) {
                if (err)
                    snprintf(err->msg, sizeof(err->msg),
                             "%s:%u:%u: %s '%s' names no template ('partials/%s' or '%s')", t->file,
                             n->line, n->col, n->type == N_PARENT ? "parent" : "partial", n->s,
                             n->s, n->s);
                return TMPL_ENOTFOUND;
            }
        }
    }
    return 0;
}
