/* Catalog rules without I/O: which names, codes, enums and attribute objects are valid. */
#include "catalog/product.h"

#include <string.h>

#include "core/utf8.h"
#include "org/org.h"

const char *const product_lifecycles[] = {"draft", "active", "discontinued", "end_of_life", NULL};
const char *const sku_statuses[] = {"active", "inactive", "discontinued", NULL};
const char *const offering_types[] = {"sale", "subscription", "rental", NULL};
const char *const offering_statuses[] = {"active", "inactive", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* A label of 1..max bytes, not only spaces, without control characters. */
static const char *check_text(const char *s, size_t max, const char *too_long)
{
    size_t n = strlen(s);

    if (n == 0 || n > max)
        return too_long;
    if (utf8_is_blank(s, n))
        return "must not be blank";
    if (utf8_has_control(s, n))
        return "must not contain control characters";
    return NULL;
}

const char *product_check_name(const char *name)
{
    return check_text(name, PRODUCT_NAME_MAX, "must be 1 to 200 bytes");
}

const char *product_check_category(const char *category)
{
    return check_text(category, PRODUCT_CATEGORY_MAX, "must be 1 to 100 bytes, or null");
}

const char *product_check_lifecycle(const char *status)
{
    return in_list(product_lifecycles, status)
               ? NULL
               : "must be one of draft, active, discontinued, end_of_life";
}

const char *sku_check_code(const char *code)
{
    const unsigned char *s = (const unsigned char *)code;
    size_t n = strlen(code), chars = 0;

    if (n == 0)
        return "must be 1 to 64 characters";
    for (size_t i = 0; i < n; chars++) {
        size_t k = utf8_len(s + i, n - i);
        unsigned cp;

        if (k == 0)
            return "must be valid UTF-8";
        cp = k == 1 ? s[i] : k == 2 ? ((s[i] & 0x1fu) << 6) | (s[i + 1] & 0x3fu) : 0x800;
        /* C0, DEL and C1 (U+0080..U+009F, the only two-byte controls) */
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            return "must not contain control characters";
        i += k;
    }
    if (chars > SKU_CODE_MAX)
        return "must be 1 to 64 characters";
    if (code[0] == ' ' || code[n - 1] == ' ')
        return "must not begin or end with a space";
    return NULL;
}

const char *sku_check_status(const char *status)
{
    return in_list(sku_statuses, status) ? NULL : "must be one of active, inactive, discontinued";
}

const char *offering_check_type(const char *type)
{
    return in_list(offering_types, type) ? NULL : "must be one of sale, subscription, rental";
}

const char *offering_check_status(const char *status)
{
    return in_list(offering_statuses, status) ? NULL : "must be active or inactive";
}

const char *offering_check_label(const char *label)
{
    return check_text(label, OFFERING_LABEL_MAX, "must be 1 to 64 bytes, or null");
}

const char *product_check_attrs(struct json_object *attrs, size_t *len)
{
    /* one set of limits for every free-form JSON object the tenant stores */
    return org_check_metadata(attrs, len);
}
