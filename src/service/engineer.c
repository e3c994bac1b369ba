/* Engineer rules without I/O: valid fields, who may take a ticket and in which order. */
#include "service/engineer.h"

#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/utf8.h"

const char *const engineer_availabilities[] = {"available", "busy", "off", NULL};
const char *const engineer_statuses[] = {"active", "inactive", NULL};

static int in_list(const char *v, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], v) == 0)
            return 1;
    return 0;
}

const char *engineer_check_name(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > ENGINEER_NAME_MAX)
        return "must be 1 to 200 bytes";
    if (utf8_is_blank(name, n))
        return "must not be blank";
    if (utf8_has_control(name, n))
        return "must not contain control characters";
    return NULL;
}

const char *engineer_check_availability(const char *availability)
{
    return in_list(availability, engineer_availabilities) ? NULL : "must be available, busy or off";
}

const char *engineer_check_status(const char *status)
{
    return in_list(status, engineer_statuses) ? NULL : "must be active or inactive";
}

const char *engineer_check_tag(const char *tag)
{
    size_t n = strlen(tag);

    if (n == 0 || n > ENGINEER_TAG_MAX)
        return "must be 1 to 64 bytes";
    if (utf8_is_blank(tag, n))
        return "must not be blank";
    /* a comma could not be asked for in ?skills=a,b */
    if (utf8_has_control(tag, n) || strchr(tag, ','))
        return "must not contain control characters or commas";
    return NULL;
}

const char *engineer_check_tags(struct json_object *tags, int *bad)
{
    size_t n;
    const char *why;

    *bad = -1;
    if (!json_object_is_type(tags, json_type_array))
        return "must be an array of strings";
    n = json_object_array_length(tags);
    if (n > ENGINEER_TAGS_MAX)
        return "must hold at most 32 entries";
    for (size_t i = 0; i < n; i++) {
        struct json_object *t = json_object_array_get_idx(tags, i);
        const char *s;

        *bad = (int)i;
        if (!json_object_is_type(t, json_type_string))
            return "must be a string";
        s = json_object_get_string(t);
        if (strlen(s) != (size_t)json_object_get_string_len(t))
            return "must not contain control characters or commas";
        if ((why = engineer_check_tag(s)))
            return why;
        for (size_t k = 0; k < i; k++)
            if (strcmp(json_object_get_string(json_object_array_get_idx(tags, k)), s) == 0)
                return "is listed twice";
    }
    *bad = -1;
    return NULL;
}

static int has_tag(const char *const *list, size_t n, const char *tag)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], tag) == 0)
            return 1;
    return 0;
}

const char *engineer_why_not(struct arena *ar, const struct engineer_facts *e,
                             const struct engineer_scope *s, int64_t *via)
{
    *via = 0;
    if (strcmp(e->status, "active") != 0)
        return "names an inactive engineer";
    if (s->responsible_org_id) {
        for (size_t i = 0; i < s->norgs && !*via; i++)
            for (size_t k = 0; k < e->norgs; k++)
                if (e->orgs[k] == s->orgs[i]) {
                    *via = s->orgs[i];
                    break;
                }
        if (!*via)
            return "is not a member of the responsible organization or its children";
    }
    if (strcmp(e->availability, "off") == 0)
        return "is off";
    for (size_t i = 0; i < s->nskills; i++)
        if (!has_tag(e->skills, e->nskills, s->skills[i]))
            return arena_printf(ar, "lacks skill '%s'", s->skills[i]);
    if (s->region && !has_tag(e->regions, e->nregions, s->region))
        return arena_printf(ar, "does not cover region '%s'", s->region);
    return NULL;
}

int engineer_rank_cmp(const void *a, const void *b)
{
    const struct engineer_facts *x = a, *y = b;
    int bx = strcmp(x->availability, "available") != 0,
        by = strcmp(y->availability, "available") != 0;

    if (bx != by)
        return bx - by;
    if (x->open_tickets != y->open_tickets)
        return x->open_tickets < y->open_tickets ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

const char **engineer_split_csv(struct arena *ar, const char *csv, size_t *n)
{
    const char **out;
    size_t cap = 1;

    *n = 0;
    for (const char *p = csv; p && *p; p++)
        cap += *p == ',';
    out = arena_alloc(ar, sizeof(*out) * cap);
    while (csv && *csv) {
        size_t len = strcspn(csv, ",");

        if (len)
            out[(*n)++] = arena_strndup(ar, csv, len);
        csv += len + (csv[len] == ',');
    }
    return out;
}
