/* Feature flags by name and bit. */
#include "core/flags.h"

#include <string.h>

#include "core/sb.h"

static const char *const names[] = {
#define X(e, n) n,
    FEATURE_FLAGS(X)
#undef X
};

const char *flag_name(enum feature_flag f)
{
    return (int)f >= 0 && f < FLAG__COUNT ? names[f] : "";
}

int flag_parse_name(const char *name)
{
    for (int i = 0; i < FLAG__COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

unsigned flags_parse(const char *csv)
{
    unsigned bits = 0;

    while (csv && *csv) {
        size_t n = strcspn(csv, ",");
        for (int i = 0; i < FLAG__COUNT; i++)
            if (strlen(names[i]) == n && strncmp(names[i], csv, n) == 0)
                bits |= FLAG_BIT(i);
        csv += n + (csv[n] == ',');
    }
    return bits;
}

void flags_format(struct sb *out, unsigned bits)
{
    int first = 1;

    for (int i = 0; i < FLAG__COUNT; i++) {
        if (!(bits & FLAG_BIT(i)))
            continue;
        if (!first)
            sb_addc(out, ',');
        sb_adds(out, names[i]);
        first = 0;
    }
}
