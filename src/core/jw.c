/* JSON written into a string builder (jw.h). */
#include "core/jw.h"

#include <string.h>

#include "core/sb.h"

void jw_init(struct jw *w, struct sb *sb)
{
    memset(w, 0, sizeof(*w));
    w->sb = sb;
}

/* The comma before a value that is not its level's first, then its key. */
static void head(struct jw *w, const char *key)
{
    if (w->items[w->depth])
        sb_addc(w->sb, ',');
    w->items[w->depth] = 1;
    if (key) {
        sb_add_json_str(w->sb, key, strlen(key));
        sb_addc(w->sb, ':');
    }
}

static void level(struct jw *w, const char *key, char bracket, char closer)
{
    head(w, key);
    sb_addc(w->sb, bracket);
    if (w->depth == JW_DEPTH) {
        w->sb->err = SB_ETOOBIG;
        return;
    }
    w->depth++;
    w->items[w->depth] = 0;
    w->closers[w->depth] = closer;
}

void jw_obj(struct jw *w, const char *key)
{
    level(w, key, '{', '}');
}

void jw_arr(struct jw *w, const char *key)
{
    level(w, key, '[', ']');
}

void jw_end(struct jw *w)
{
    if (w->depth > 0)
        sb_addc(w->sb, w->closers[w->depth--]);
}

void jw_str(struct jw *w, const char *key, const char *s)
{
    head(w, key);
    if (s)
        sb_add_json_str(w->sb, s, strlen(s));
    else
        sb_adds(w->sb, "null");
}

void jw_int(struct jw *w, const char *key, int64_t v)
{
    head(w, key);
    sb_printf(w->sb, "%lld", (long long)v);
}

void jw_id(struct jw *w, const char *key, int64_t v)
{
    if (v)
        jw_int(w, key, v);
    else
        jw_null(w, key);
}

void jw_bool(struct jw *w, const char *key, int v)
{
    head(w, key);
    sb_adds(w->sb, v ? "true" : "false");
}

void jw_null(struct jw *w, const char *key)
{
    head(w, key);
    sb_adds(w->sb, "null");
}

void jw_raw(struct jw *w, const char *key, const char *json)
{
    head(w, key);
    sb_adds(w->sb, json ? json : "null");
}
