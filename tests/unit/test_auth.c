/* Access tokens: issue and verify, key rotation through the previous key, and refusals. */
#include <check.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "http/auth.h"
#include "identity/principal.h"
#include "unit.h"

static struct arena ar;
static struct config a, b, c;

static void set(struct config *cfg, const char *kid, const char *secret, const char *pkid,
                const char *psecret)
{
    char err[128];

    ck_assert_int_eq(config_load(cfg, NULL, 1, err, sizeof(err)), 0);
    config_set(cfg, "auth", "jwt_kid", kid);
    config_set(cfg, "auth", "jwt_secret", secret);
    config_set(cfg, "auth", "jwt_previous_kid", pkid);
    config_set(cfg, "auth", "jwt_previous_secret", psecret);
}

static void setup(void)
{
    arena_init(&ar, 0);
    set(&a, "k1", "0123456789abcdef0123456789abcdef-a", "", "");
    /* rotated: k2 signs, k1 still verifies */
    set(&b, "k2", "0123456789abcdef0123456789abcdef-b", "k1", "0123456789abcdef0123456789abcdef-a");
    /* rotation over: k1 forgotten */
    set(&c, "k2", "0123456789abcdef0123456789abcdef-b", "", "");
}

static void teardown(void)
{
    config_release(&a);
    config_release(&b);
    config_release(&c);
    arena_release(&ar);
}

START_TEST(test_round_trip)
{
    struct auth_claims in = {.tenant_id = 7,
                             .user_id = 42,
                             .org_id = 3,
                             .role = "org_admin",
                             .org_type = "dealer"},
                       out;
    const char *why, *tok = auth_issue(&ar, &a, &in);

    ck_assert_ptr_nonnull(tok);
    ck_assert_int_eq(auth_verify(&ar, &a, tok, &out, &why), 0);
    ck_assert_int_eq(out.tenant_id, 7);
    ck_assert_int_eq(out.user_id, 42);
    ck_assert_int_eq(out.org_id, 3);
    ck_assert_str_eq(out.role, "org_admin");
    ck_assert_str_eq(out.org_type, "dealer");
    ck_assert_int_eq(out.exp - out.iat, 900);
    ck_assert_str_eq(out.jti, in.jti);
}
END_TEST

START_TEST(test_rotation)
{
    struct auth_claims in = {.tenant_id = 1, .user_id = 2, .role = "viewer"}, out;
    const char *why, *old = auth_issue(&ar, &a, &in), *fresh = auth_issue(&ar, &b, &in);

    ck_assert_int_eq(auth_verify(&ar, &b, old, &out, &why), 0);   /* previous key */
    ck_assert_int_eq(auth_verify(&ar, &b, fresh, &out, &why), 0); /* current key */
    ck_assert_int_eq(out.org_id, 0);
    ck_assert_ptr_null(out.org_type);
    ck_assert_int_eq(auth_verify(&ar, &c, old, &out, &why), -1);
    ck_assert_str_eq(why, "unknown key id");
    ck_assert_int_eq(auth_verify(&ar, &a, fresh, &out, &why), -1);
}
END_TEST

START_TEST(test_refusals)
{
    struct auth_claims in = {.tenant_id = 1, .user_id = 2, .role = "viewer"}, out;
    const char *why, *tok = auth_issue(&ar, &a, &in);
    char *bad = arena_strdup(&ar, tok);

    bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(auth_verify(&ar, &a, tok, &out, &why), 0); /* kept by this process */
    ck_assert_int_eq(auth_verify(&ar, &a, bad, &out, &why), -1);
    ck_assert_str_eq(why, "bad signature");
    ck_assert_int_eq(auth_verify(&ar, &a, "", &out, &why), -1);
    ck_assert_int_eq(auth_verify(&ar, &a, "a.b.c", &out, &why), -1);
    /* {"alg":"none","kid":"k1"} */
    ck_assert_int_eq(auth_verify(&ar, &a, "eyJhbGciOiJub25lIiwia2lkIjoiazEifQ.e30.", &out, &why),
                     -1);
    ck_assert_str_eq(why, "only HS256 tokens are accepted");
}
END_TEST

/*
 * A token checked once is answered from what the process kept, the same claims, until it
 * expires; under another key or issuer it is checked again (and refused).
 */
START_TEST(test_kept_tokens)
{
    struct auth_claims in = {.tenant_id = 5, .user_id = 6, .role = "viewer"}, one, two;
    struct config d;
    const char *why, *tok;

    set(&d, "k1", "0123456789abcdef0123456789abcdef-a", "", "");
    config_set(&d, "auth", "access_ttl", "1");
    tok = auth_issue(&ar, &d, &in);
    ck_assert_int_eq(auth_verify(&ar, &d, tok, &one, &why), 0);
    ck_assert_int_eq(auth_verify(&ar, &d, tok, &two, &why), 0);
    ck_assert_int_eq(two.tenant_id, 5);
    ck_assert_int_eq(two.user_id, 6);
    ck_assert_str_eq(two.role, "viewer");
    ck_assert_str_eq(two.jti, one.jti);
    ck_assert_ptr_ne(two.jti, one.jti); /* each caller's copy in its arena */
    ck_assert_int_eq(two.exp, one.exp);
    /* the same key under another issuer */
    config_set(&d, "auth", "issuer", "someone-else");
    ck_assert_int_eq(auth_verify(&ar, &d, tok, &two, &why), -1);
    ck_assert_str_eq(why, "wrong issuer");
    config_set(&d, "auth", "issuer", a.issuer);
    ck_assert_int_eq(auth_verify(&ar, &c, tok, &two, &why), -1);
    ck_assert_str_eq(why, "unknown key id");
    sleep(2);
    ck_assert_int_eq(auth_verify(&ar, &d, tok, &two, &why), -1);
    ck_assert_str_eq(why, "expired");
    config_release(&d);
}
END_TEST

START_TEST(test_config_checks)
{
    char err[128];

    ck_assert_int_eq(auth_check_config(&a, err, sizeof(err)), 0);
    ck_assert_int_eq(auth_check_config(&b, err, sizeof(err)), 0);
    config_set(&a, "auth", "jwt_secret", "short");
    ck_assert_int_eq(auth_check_config(&a, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "32 bytes"));
    config_set(&b, "auth", "jwt_previous_kid", "k2");
    ck_assert_int_eq(auth_check_config(&b, err, sizeof(err)), -1);
}
END_TEST

/* A cached principal holds while its tenant's counter and the ttl hold, for its own key only. */
START_TEST(test_principal_cache)
{
    struct principal p = {"org_admin", "dealer", "a@x.test", "acme", "ACME", "DL1", 5}, got;
    uint64_t e = principal_epoch(7);

    principal_flush();
    ck_assert_int_eq(principal_get(7, 1, 3, e, 100.0, 1.0, &got), 0);
    ck_assert_int_eq(principal_put(7, 1, 3, e, 100.0, &p), 0);
    ck_assert_int_eq(principal_get(7, 1, 3, e, 100.5, 1.0, &got), 1);
    ck_assert_str_eq(got.role, "org_admin");
    ck_assert_str_eq(got.org_name, "DL1");
    ck_assert_uint_eq(got.flags, 5);
    ck_assert_int_eq(principal_get(7, 1, 0, e, 100.5, 1.0, &got), 0); /* another org */
    ck_assert_int_eq(principal_get(8, 1, 3, e, 100.5, 1.0, &got), 0); /* another tenant */
    ck_assert_int_eq(principal_get(7, 1, 3, e, 101.0, 1.0, &got), 0); /* ttl passed */
    ck_assert_int_eq(principal_get(7, 1, 3, e, 99.0, 1.0, &got), 0);  /* clock went back */
    ck_assert_int_eq(principal_get(7, 1, 3, e, 100.5, 0.0, &got), 0); /* ttl 0: never */
    principal_changed(8);
    ck_assert_uint_eq(principal_epoch(7), e);
    principal_changed(7);
    ck_assert_uint_eq(principal_epoch(7), e + 1);
    ck_assert_int_eq(principal_get(7, 1, 3, principal_epoch(7), 100.5, 1.0, &got), 0);
    /* NULL strings stay NULL; a put replaces the slot's strings */
    p.org_type = p.org_name = NULL;
    ck_assert_int_eq(principal_put(7, 1, 0, e + 1, 200.0, &p), 0);
    ck_assert_int_eq(principal_get(7, 1, 0, e + 1, 200.0, 1.0, &got), 1);
    ck_assert_ptr_null(got.org_type);
    ck_assert_ptr_null(got.org_name);
    ck_assert_str_eq(got.email, "a@x.test");
    /* memberships ride on the entry read under the same epoch, and go with it */
    ck_assert_ptr_null(principal_memberships(7, 1, 0, e + 1, 200.0, 1.0));
    ck_assert_int_eq(principal_set_memberships(7, 1, 0, e, "[]"), 0);
    ck_assert_int_eq(principal_set_memberships(7, 1, 0, e + 1, "[{\"org_id\":3}]"), 1);
    ck_assert_str_eq(principal_memberships(7, 1, 0, e + 1, 200.5, 1.0), "[{\"org_id\":3}]");
    ck_assert_ptr_null(principal_memberships(7, 1, 0, e + 2, 200.5, 1.0));
    ck_assert_ptr_null(principal_memberships(7, 1, 0, e + 1, 201.0, 1.0));
    ck_assert_int_eq(principal_put(7, 1, 0, e + 1, 300.0, &p), 0);
    ck_assert_ptr_null(principal_memberships(7, 1, 0, e + 1, 300.0, 1.0));
    principal_flush();
    ck_assert_int_eq(principal_get(7, 1, 0, e + 1, 200.0, 1.0, &got), 0);
}
END_TEST

Suite *auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("jwt");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_rotation);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_kept_tokens);
    tcase_add_test(tc, test_config_checks);
    tcase_add_test(tc, test_principal_cache);
    suite_add_tcase(s, tc);
    return s;
}
