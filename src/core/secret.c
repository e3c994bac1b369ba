/* Secrets through libsodium: the only place passwords and token digests are computed. */
#include "core/secret.h"

#include <string.h>

#include <sodium.h>

/* OWASP's argon2id floor: 2 passes over 19 MiB; a worker's RSS returns after each login */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT ((size_t)19 * 1024 * 1024)

static char dummy_hash[crypto_pwhash_STRBYTES];

int secret_init(void)
{
    char pw[SECRET_TOKEN_LEN + 1];

    if (sodium_init() < 0)
        return -1;
    secret_token(pw);
    return secret_hash_password(pw, dummy_hash);
}

void secret_token(char *out)
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, SECRET_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void secret_sha256_hex(const void *p, size_t n, char *out)
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, SECRET_SHA256_HEX + 1, h, sizeof(h));
}

int secret_hash_password(const char *password, char *out)
{
    return crypto_pwhash_str_alg(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT,
                                 crypto_pwhash_ALG_ARGON2ID13) == 0
               ? 0
               : -1;
}

int secret_check_password(const char *hash, const char *password)
{
    int ok = crypto_pwhash_str_verify(hash ? hash : dummy_hash, password, strlen(password)) == 0;

    return hash ? ok : 0;
}

int secret_equal(const char *a, const char *b)
{
    size_t n = strlen(a);

    return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}
