/* Secrets: random tokens, SHA-256, password hashing (argon2id), constant-time compare. */
#ifndef CORE_SECRET_H
#define CORE_SECRET_H

#include <stddef.h>

#define SECRET_TOKEN_LEN  43 /* 32 random bytes, base64url without padding */
#define SECRET_SHA256_HEX 64
#define SECRET_HASH_MAX   128 /* an argon2id string fits, NUL included */

/* Initialises libsodium and the dummy hash; call once before fork. Returns 0 or -1. */
int secret_init(void);
/* out gets SECRET_TOKEN_LEN chars and a NUL. */
void secret_token(char *out);
/* out gets 64 lower-case hex chars and a NUL. */
void secret_sha256_hex(const void *p, size_t n, char *out);
/* argon2id (t=2, m=19 MiB): out gets the encoded hash. Returns 0 or -1 (out of memory). */
int secret_hash_password(const char *password, char *out);
/*
 * 1 when password matches hash. A NULL hash still does the same work against a
 * dummy hash and answers 0, so an unknown user costs what a wrong password does.
 */
int secret_check_password(const char *hash, const char *password);
int secret_equal(const char *a, const char *b); /* constant time for equal lengths */

#endif
