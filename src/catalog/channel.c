/* Channel rules without I/O: which types, statuses and names are valid. */
#include "catalog/channel.h"

#include <string.h>

#include "core/utf8.h"

const char *const channel_types[] = {"direct", "distributor", "dealer", "online", NULL};
const char *const channel_statuses[] = {"active", "inactive", NULL};

static int listed(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

const char *channel_check_type(const char *type)
{
    return listed(channel_types, type) ? NULL
                                       : "must be one of direct, distributor, dealer, online";
}

const char *channel_check_status(const char *status)
{
    return listed(channel_statuses, status) ? NULL : "must be active or inactive";
}

const char *channel_check_name(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > CHANNEL_NAME_MAX)
        return "must be 1 to 200 bytes";
    if (utf8_is_blank(name, n))
        return "must not be blank";
    /* bytes below 0x20 and DEL print badly everywhere a name shows */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return "must not contain control characters";
    return NULL;
}
