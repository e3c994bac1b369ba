/* Publishing's pure rules: eligibility constraints and the item keys of a request. */
#include "catalog/publish.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/sb.h"
#include "core/utf8.h"
#include "org/org.h"

const char *publish_check_constraints(struct arena *ar, struct json_object *c, const char **field)
{
    *field = "constraints";
    if (!json_object_is_type(c, json_type_object))
        return "must be an object with required_certification and territory";
    json_object_object_foreach(c, key, val)
    {
        if (strcmp(key, "required_certification") == 0) {
            size_t len = (size_t)json_object_get_string_len(val);

            *field = "constraints.required_certification";
            if (!json_object_is_type(val, json_type_string))
                return "must be a string";
            if (len == 0 || len > PUBLISH_CERT_MAX)
                return "must be 1 to 64 bytes";
            if (utf8_has_control(json_object_get_string(val), len))
                return "must not contain control characters";
        } else if (strcmp(key, "territory") == 0) {
            size_t n;

            *field = "constraints.territory";
            if (!json_object_is_type(val, json_type_array))
                return "must be an array of regions";
            n = json_object_array_length(val);
            if (n == 0 || n > PUBLISH_TERR_MAX)
                return "must hold 1 to 50 regions";
            for (size_t i = 0; i < n; i++) {
                struct json_object *t = json_object_array_get_idx(val, i);
                const char *why;

                *field = arena_printf(ar, "constraints.territory[%zu]", i);
                if (!json_object_is_type(t, json_type_string))
                    return "must be a string";
                why = org_check_region(json_object_get_string(t));
                if (why)
                    return why;
                for (size_t k = 0; k < i; k++)
                    if (strcmp(json_object_get_string(json_object_array_get_idx(val, k)),
                               json_object_get_string(t)) == 0)
                        return "is listed twice";
            }
        } else {
            *field = arena_printf(ar, "constraints.%s", key);
            return "is not a constraint (required_certification, territory)";
        }
    }
    *field = NULL;
    return NULL;
}

static int array_has(struct json_object *arr, const char *s)
{
    if (!json_object_is_type(arr, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *v = json_object_array_get_idx(arr, i);
        if (json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), s) == 0)
            return 1;
    }
    return 0;
}

const char *publish_unmet(struct arena *ar, struct json_object *constraints,
                          struct json_object *certifications, const char *region)
{
    struct json_object *cert, *terr;

    if (json_object_object_get_ex(constraints, "required_certification", &cert) &&
        json_object_is_type(cert, json_type_string) &&
        !array_has(certifications, json_object_get_string(cert)))
        return arena_printf(ar, "the recipient lacks the required certification '%s'",
                            json_object_get_string(cert));
    if (json_object_object_get_ex(constraints, "territory", &terr) &&
        json_object_is_type(terr, json_type_array)) {
        const char *list = json_object_to_json_string_ext(terr, JSON_C_TO_STRING_NOSLASHESCAPE);

        if (!region)
            return arena_printf(ar, "the recipient has no region; the territory is %s", list);
        if (!array_has(terr, region))
            return arena_printf(ar, "the recipient's region '%s' is outside the territory %s",
                                region, list);
    }
    return NULL;
}

static int key_order(const void *pa, const void *pb)
{
    const struct pub_key *a = pa, *b = pb;

    if (a->sku_id != b->sku_id)
        return a->sku_id < b->sku_id ? -1 : 1;
    if (a->offering_key != b->offering_key)
        return a->offering_key < b->offering_key ? -1 : 1;
    return 0;
}

size_t publish_keys_unique(struct pub_key *keys, size_t n)
{
    size_t out = 0;

    if (n == 0)
        return 0;
    qsort(keys, n, sizeof(*keys), key_order);
    for (size_t i = 0; i < n; i++)
        if (out == 0 || key_order(&keys[out - 1], &keys[i]) != 0)
            keys[out++] = keys[i];
    return out;
}

long publish_keys_find(const struct pub_key *keys, size_t n, struct pub_key key)
{
    const struct pub_key *k = n ? bsearch(&key, keys, n, sizeof(*keys), key_order) : NULL;

    return k ? (long)(k - keys) : -1;
}

const char *publish_keys_json(struct arena *ar, const struct pub_key *keys, size_t n)
{
    struct sb sb;

    sb_init(&sb, ar);
    sb_reserve(&sb, 4 + n * 24);
    sb_addc(&sb, '[');
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s[%lld,%lld]", i ? "," : "", (long long)keys[i].sku_id,
                  (long long)keys[i].offering_key);
    sb_addc(&sb, ']');
    return sb.buf;
}
