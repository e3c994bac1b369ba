/* JWT issue and verification with libjwt; the kid picks the key before the signature check. */
#include "http/auth.h"

#include <errno.h>
#include <stdint.h>
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

/*
 * Tokens this worker verified, kept until they expire: a client sends one token for many
 * requests, and the signature check, the header and claims parsing cost more than the rest
 * of a small request. An entry is used only for the very same token (compared in constant
 * time) under the same issuer and the same key, current or previous, as when it was checked.
 */
#define NKEPT 64

struct kept_token {
    char *buf; /* the strings below, one allocation; NULL: empty slot */
    const char *token, *kid, *secret, *issuer;
    size_t len;
    struct auth_claims c; /* role, org_type and jti point into buf */
};

static struct kept_token kept[NKEPT];

static struct kept_token *kept_slot(const char *token, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)token[i]) * 0x100000001b3u;
    return &kept[(h >> 32) % NKEPT];
}

static int same_key(const struct kept_token *k, const char *kid, const char *secret)
{
    return kid[0] && strcmp(k->kid, kid) == 0 && strcmp(k->secret, secret) == 0;
}

/* 1 with the claims of token when this worker checked it under cfg and it has not expired. */
static int kept_get(struct arena *ar, const struct config *cfg, const char *token, long now,
                    struct auth_claims *out)
{
    size_t len = strlen(token);
    const struct kept_token *k = kept_slot(token, len);

    if (!k->buf || k->len != len || sodium_memcmp(k->token, token, len) != 0 ||
        strcmp(k->issuer, cfg->issuer) != 0 ||
        !(same_key(k, cfg->jwt_kid, cfg->jwt_secret) ||
          same_key(k, cfg->jwt_previous_kid, cfg->jwt_previous_secret)) ||
        k->c.exp <= now)
        return 0;
    *out = k->c;
    out->role = arena_strdup(ar, k->c.role);
    out->org_type = k->c.org_type ? arena_strdup(ar, k->c.org_type) : NULL;
    out->jti = arena_strdup(ar, k->c.jti);
    return 1;
}

/* Keeps token, checked with (kid, secret), and its claims c; without memory, nothing. */
static void kept_put(const struct config *cfg, const char *token, const char *kid,
                     const char *secret, const struct auth_claims *c)
{
    const char *in[7] = {token, kid, secret, cfg->issuer, c->role, c->org_type ? c->org_type : "",
                         c->jti};
    size_t len[7], total = 0, len0 = strlen(token);
    struct kept_token *k = kept_slot(token, len0);
    const char *at[7];
    char *buf, *w;

    for (int i = 0; i < 7; i++)
        total += (len[i] = strlen(in[i]) + 1);
    if (!(buf = malloc(total)))
        return;
    w = buf;
    for (int i = 0; i < 7; i++) {
        at[i] = memcpy(w, in[i], len[i]);
        w += len[i];
    }
    if (k->buf)
        sodium_memzero(k->buf, strlen(k->token) + 1 + strlen(k->kid) + 1 + strlen(k->secret) + 1);
    free(k->buf);
    *k = (struct kept_token){.buf = buf,
                             .token = at[0],
                             .kid = at[1],
                             .secret = at[2],
                             .issuer = at[3],
                             .len = len0,
                             .c = *c};
    k->c.role = at[4];
    k->c.org_type = c->org_type ? at[5] : NULL;
    k->c.jti = at[6];
}

int auth_verify(struct arena *ar, const struct config *cfg, const char *token,
                struct auth_claims *out, const char **why)
{
    const char *alg = NULL, *kid, *key, *s;
    jwt_t *jwt = NULL;
    int rc = -1;
    long now = (long)time(NULL);
    char *end;

    memset(out, 0, sizeof(*out));
    if (kept_get(ar, cfg, token, now, out))
        return 0;
    kid = header_kid(ar, token, &alg);
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
    kept_put(cfg, token, kid, key, out);
out:
    jwt_free(jwt);
    return rc;
}
