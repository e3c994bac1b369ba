/* Identity rules without I/O: what a valid email, password, slug and token look like. */
#include "identity/identity.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"

const char *identity_check_email(const char *e)
{
    const char *at = strchr(e, '@');
    size_t n = strlen(e);

    if (n < 3 || n > 254)
        return "must be an email address of at most 254 bytes";
    if (!at || at == e || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' ||
        e[n - 1] == '.')
        return "must be an email address";
    for (const char *s = e; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return "must be an email address";
    return NULL;
}

const char *identity_check_password(const char *p)
{
    size_t n = strlen(p);

    if (n < 10)
        return "must be at least 10 characters";
    if (n > 200)
        return "must be at most 200 bytes";
    return NULL;
}

const char *identity_check_slug(const char *s)
{
    size_t n = strlen(s);

    if (n < 2 || n > 63)
        return "must be 2 to 63 characters";
    if (!(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return "must start with a lower-case letter or a digit";
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
            return "may hold only a-z, 0-9 and '-'";
    return NULL;
}

const char *identity_check_country(const char *c)
{
    if (strlen(c) != 2 || !isupper((unsigned char)c[0]) || !isupper((unsigned char)c[1]))
        return "must be an ISO 3166-1 alpha-2 code like 'DE'";
    return NULL;
}

int identity_split_token(const char *token, int64_t *tenant_id, const char **secret)
{
    char *end;
    long long t;

    if (!isdigit((unsigned char)token[0]))
        return -1;
    errno = 0;
    t = strtoll(token, &end, 10);
    if (errno || t <= 0 || *end != '.' || strlen(end + 1) != SECRET_TOKEN_LEN)
        return -1;
    for (const char *s = end + 1; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_'))
            return -1;
    *tenant_id = t;
    *secret = end + 1;
    return 0;
}

const char *const identity_member_roles[] = {
    "org_admin", "ops_manager", "branch_manager", "engineer", "agent", "viewer", NULL};

int identity_is_member_role(const char *role)
{
    for (size_t i = 0; identity_member_roles[i]; i++)
        if (strcmp(identity_member_roles[i], role) == 0)
            return 1;
    return 0;
}
