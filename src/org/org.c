/* Organization rules without I/O: which types, names, regions and profiles are valid. */
#include "org/org.h"

#include <string.h>

#include <json-c/json.h>

#include "core/utf8.h"

const char *const org_types[] = {"manufacturer",     "distributor", "dealer",   "supplier",
                                 "service_provider", "hospital",    "customer", NULL};
const char *const org_statuses[] = {"active", "inactive", NULL};

const char *org_check_type(const char *type)
{
    for (int i = 0; org_types[i]; i++)
        if (strcmp(org_types[i], type) == 0)
            return NULL;
    return "must be one of manufacturer, distributor, dealer, supplier, service_provider, "
           "hospital, customer";
}

const char *org_check_status(const char *status)
{
    for (int i = 0; org_statuses[i]; i++)
        if (strcmp(org_statuses[i], status) == 0)
            return NULL;
    return "must be active or inactive";
}

const char *org_check_name(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > ORG_NAME_MAX)
        return "must be 1 to 200 bytes";
    if (utf8_is_blank(name, n))
        return "must not be blank";
    if (utf8_has_control(name, n))
        return "must not contain control characters";
    return NULL;
}

const char *org_check_region(const char *region)
{
    size_t n = strlen(region);

    if (n == 0 || n > ORG_REGION_MAX)
        return "must be 1 to 64 bytes, or null";
    if (utf8_has_control(region, n))
        return "must not contain control characters";
    return NULL;
}

const char *org_check_certifications(struct json_object *certs, int *bad)
{
    size_t n;

    *bad = -1;
    if (!json_object_is_type(certs, json_type_array))
        return "must be an array of strings";
    n = json_object_array_length(certs);
    if (n > ORG_CERTS_MAX)
        return "must hold at most 50 entries";
    for (size_t i = 0; i < n; i++) {
        struct json_object *c = json_object_array_get_idx(certs, i);
        const char *s;
        size_t len;

        *bad = (int)i;
        if (!json_object_is_type(c, json_type_string))
            return "must be a string";
        s = json_object_get_string(c);
        len = (size_t)json_object_get_string_len(c);
        if (len == 0 || len > ORG_CERT_MAX)
            return "must be 1 to 64 bytes";
        if (utf8_has_control(s, len))
            return "must not contain control characters";
        for (size_t k = 0; k < i; k++)
            if (strcmp(json_object_get_string(json_object_array_get_idx(certs, k)), s) == 0)
                return "is listed twice";
    }
    *bad = -1;
    return NULL;
}

/* Levels of objects and arrays in v, v included; stops counting past limit. */
static int depth(struct json_object *v, int limit)
{
    int deepest = 0;

    if (limit <= 0)
        return 1;
    if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach(v, key, val)
        {
            int d = depth(val, limit - 1);
            (void)key;
            if (d > deepest)
                deepest = d;
        }
    } else if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            int d = depth(json_object_array_get_idx(v, i), limit - 1);
            if (d > deepest)
                deepest = d;
        }
    } else {
        return 0;
    }
    return deepest + 1;
}

const char *org_check_metadata(struct json_object *meta, size_t *len)
{
    *len = 0;
    if (!json_object_is_type(meta, json_type_object))
        return "must be an object";
    if (depth(meta, ORG_METADATA_DEPTH + 1) > ORG_METADATA_DEPTH)
        return "must nest at most 16 levels deep";
    json_object_to_json_string_length(meta, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
                                      len);
    if (*len > ORG_METADATA_MAX)
        return "must be at most 16384 bytes serialised";
    return NULL;
}
