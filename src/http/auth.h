/* Access tokens: HS256 JWTs through libjwt, with a key id so keys can rotate. */
#ifndef HTTP_AUTH_H
#define HTTP_AUTH_H

#include <stdint.h>

struct arena;
struct config;

struct auth_claims {
    int64_t tenant_id; /* tid */
    int64_t user_id;   /* sub */
    int64_t org_id;    /* 0: none */
    int64_t branch_id; /* 0: none */
    const char *role;
    const char *org_type; /* NULL without an org */
    long iat, exp;
    const char *jti;
};

/* Checks the configured keys (at least 32 bytes each). Returns 0, or -1 with why in err. */
int auth_check_config(const struct config *cfg, char *err, unsigned long errlen);

/* Signs c with the current key; sets iat, exp (now + access_ttl) and jti. The token lives
 * in the arena. */
const char *auth_issue(struct arena *ar, const struct config *cfg, struct auth_claims *c);

/*
 * Verifies token: HS256 only (alg none or any other is refused), a known kid (the
 * current or the previous key), a valid signature, our issuer, not expired. Returns 0
 * with the claims in out (strings in the arena), or -1 with a lower-case reason.
 */
int auth_verify(struct arena *ar, const struct config *cfg, const char *token,
                struct auth_claims *out, const char **why);

#endif
