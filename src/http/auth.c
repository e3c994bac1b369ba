/* JWT issue and verification with libjwt; the kid picks the key before the signature check. */
#include "http/auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <jwt.h>
#include <sodium.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/json.h"

#define MIN_KEY    32
#define CLOCK_SKEW 60

int auth_check_config(const struct config *cfg, char *err, unsigned long errlen)
{
    if (strlen(cfg->jwt_secret) < MIN_KEY) {
        snprintf(err, errlen, "[auth] jwt_secret must be at least %d bytes", MIN_KEY);
        return -1;
    }
    if (!cfg->jwt_kid[0]) {
        snprintf(err, errlen, "[auth] jwt_kid is empty");
        return -1;
    }
    if (cfg->jwt_previous_secret[0] &&
        (strlen(cfg->jwt_previous_secret) < MIN_KEY || !cfg->jwt_previous_kid[0] ||
         strcmp(cfg->jwt_previous_kid, cfg->jwt_kid) == 0)) {
        snprintf(err, errlen, "[auth] the previous key needs 32 bytes and its own kid");
        return -1;
    }
    return 0;
}

const char *auth_issue(struct arena *ar, const struct config *cfg, struct auth_claims *c)
{
    jwt_t *jwt = NULL;
    unsigned char rnd[16];
    char jti[33], sub[24], *tok;
    const char *out = NULL;

    c->iat = (long)time(NULL);
    c->exp = c->iat + cfg->access_ttl;
    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(jti, sizeof(jti), rnd, sizeof(rnd));
    c->jti = arena_strdup(ar, jti);
    snprintf(sub, sizeof(sub), "%lld", (long long)c->user_id);
    if (jwt_new(&jwt) != 0)
        abort();
    if (jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)cfg->jwt_secret,
                    (int)strlen(cfg->jwt_secret)) ||
        jwt_add_header(jwt, "kid", cfg->jwt_kid) || jwt_add_grant(jwt, "iss", cfg->issuer) ||
        jwt_add_grant(jwt, "sub", sub) || jwt_add_grant_int(jwt, "tid", (long)c->tenant_id) ||
        jwt_add_grant(jwt, "role", c->role) || jwt_add_grant_int(jwt, "iat", c->iat) ||
        jwt_add_grant_int(jwt, "exp", c->exp) || jwt_add_grant(jwt, "jti", jti) ||
        (c->org_id && jwt_add_grant_int(jwt, "org_id", (long)c->org_id)) ||
        (c->org_type && jwt_add_grant(jwt, "org_type", c->org_type)) ||
        (c->branch_id && jwt_add_grant_int(jwt, "branch_id", (long)c->branch_id)))
        goto out;
    tok = jwt_encode_str(jwt);
    if (tok) {
        out = arena_strdup(ar, tok);
        free(tok);
    }
out:
    jwt_free(jwt);
    return out;
}

/* The header's kid, read before any key is chosen. */
static const char *header_kid(struct arena *ar, const char *token, const char **alg)
{
    const char *dot = strchr(token, '.');
    unsigned char *raw;
    size_t rawlen;
    struct json_object *h, *v;
    char msg[64];

    if (!dot || dot == token || (size_t)(dot - token) > 1024)
        return NULL;
    raw = arena_alloc(ar, (size_t)(dot - token) + 1);
    if (sodium_base642bin(raw, (size_t)(dot - token), token, (size_t)(dot - token), NULL, &rawlen,
                          NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return NULL;
    if (json_parse(ar, (const char *)raw, rawlen, &h, msg, sizeof(msg)) != 0 ||
        !json_object_is_type(h, json_type_object))
        return NULL;
    *alg = json_object_object_get_ex(h, "alg", &v) ? json_object_get_string(v) : NULL;
    if (!json_object_object_get_ex(h, "kid", &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int64_t grant_id(jwt_t *jwt, const char *name)
{
    long v;

    errno = 0;
    v = jwt_get_grant_int(jwt, name);
    return errno ? 0 : (int64_t)v;
}

int auth_verify(struct arena *ar, const struct config *cfg, const char *token,
                struct auth_claims *out, const char **why)
{
    const char *alg = NULL, *kid = header_kid(ar, token, &alg), *key, *s;
    jwt_t *jwt = NULL;
    int rc = -1;
    long now = (long)time(NULL);
    char *end;

    memset(out, 0, sizeof(*out));
    *why = "malformed token";
    if (!kid)
        return -1;
    if (!alg || strcmp(alg, "HS256") != 0) {
        *why = "only HS256 tokens are accepted";
        return -1;
    }
    if (strcmp(kid, cfg->jwt_kid) == 0)
        key = cfg->jwt_secret;
    else if (cfg->jwt_previous_kid[0] && strcmp(kid, cfg->jwt_previous_kid) == 0)
        key = cfg->jwt_previous_secret;
    else {
        *why = "unknown key id";
        return -1;
    }
    if (jwt_decode(&jwt, token, (const unsigned char *)key, (int)strlen(key)) != 0 || !jwt) {
        *why = "bad signature";
        return -1;
    }
    if (jwt_get_alg(jwt) != JWT_ALG_HS256) {
        *why = "only HS256 tokens are accepted";
        goto out;
    }
    s = jwt_get_grant(jwt, "iss");
    if (!s || strcmp(s, cfg->issuer) != 0) {
        *why = "wrong issuer";
        goto out;
    }
    out->exp = jwt_get_grant_int(jwt, "exp");
    out->iat = jwt_get_grant_int(jwt, "iat");
    if (out->exp <= now) {
        *why = "expired";
        goto out;
    }
    if (out->iat > now + CLOCK_SKEW) {
        *why = "issued in the future";
        goto out;
    }
    s = jwt_get_grant(jwt, "sub");
    out->user_id = s ? strtoll(s, &end, 10) : 0;
    out->tenant_id = grant_id(jwt, "tid");
    out->org_id = grant_id(jwt, "org_id");
    out->branch_id = grant_id(jwt, "branch_id");
    s = jwt_get_grant(jwt, "role");
    out->role = s ? arena_strdup(ar, s) : NULL;
    s = jwt_get_grant(jwt, "org_type");
    out->org_type = s ? arena_strdup(ar, s) : NULL;
    s = jwt_get_grant(jwt, "jti");
    out->jti = s ? arena_strdup(ar, s) : NULL;
    if (out->user_id <= 0 || out->tenant_id <= 0 || !out->role || !out->jti) {
        *why = "missing claims";
        goto out;
    }
    rc = 0;
out:
    jwt_free(jwt);
    return rc;
}
