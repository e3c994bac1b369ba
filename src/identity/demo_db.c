/* The demo tenant of seed 000's examples: every org type with a login, their network, channels. */
#include "identity/identity.h"

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "catalog/publish.h"
#include "catalog/channel.h"
#include "catalog/product.h"
#include "core/arena.h"
#include "core/flags.h"
#include "core/sb.h"
#include "core/secret.h"
#include "db/db.h"
#include "org/rel.h"
#include "pricing/book.h"
#include "service/demo_service.h"

const struct db_query Q_DEMO_TENANT = {
    "demo.tenant",
    "INSERT INTO tenants (slug, name, country_code, flags) VALUES ('demo', ?, 'DE', ?) "
    "ON DUPLICATE KEY UPDATE flags = VALUES(flags), id = LAST_INSERT_ID(id)",
    "ss",
    "",
    DBQ_GLOBAL,
};

const struct db_query Q_DEMO_ORG = {
    "demo.org",
    "INSERT INTO organizations (tenant_id, type, name, region, certifications) "
    "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
    "Lssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_USER = {
    "demo.user",
    "INSERT INTO users (tenant_id, email, password_hash, role, status) "
    "VALUES (?, ?, ?, ?, 'active') ON DUPLICATE KEY UPDATE password_hash = VALUES(password_hash), "
    "status = 'active', failed_attempts = 0, locked_until = NULL, id = LAST_INSERT_ID(id)",
    "Lsss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_MEMBERSHIP = {
    "demo.membership",
    "INSERT INTO memberships (tenant_id, user_id, org_id, role) VALUES (?, ?, ?, ?) "
    "ON DUPLICATE KEY UPDATE role = VALUES(role)",
    "LLLs",
    "",
    DBQ_TENANT,
};

static const struct demo_org {
    const char *name, *type, *region, *certs, *email;
} orgs[] = {
    {"ACME", "manufacturer", "EU", "[]", "acme@demo.test"},
    {"BioMed", "manufacturer", "EU", "[]", "biomed@demo.test"},
    {"D1", "distributor", "EU-North", "[\"acme-certified\"]", "d1@demo.test"},
    {"DL1", "dealer", "EU-North", "[\"acme-certified\"]", "dl1@demo.test"},
    {"H1", "hospital", "EU-North", "[]", "h1@demo.test"},
    {"ServiceCo", "service_provider", "EU-North", "[\"acme-certified\"]", "service@demo.test"},
    {"PartsCo", "supplier", "EU", "[]", "supplier@demo.test"},
    {"Plant C1", "customer", "EU-North", "[]", "customer@demo.test"},
};

/* The demo network, by index into orgs[]: Example A and the rest (parent, child). */
static const struct demo_rel {
    int parent, child;
    const char *type;
} rels[] = {
    {0, 2, "distributor_of"}, /* D1 distributor_of ACME */
    {2, 3, "dealer_of"},      /* DL1 dealer_of D1 */
    {1, 3, "dealer_of"},      /* DL1 dealer_of BioMed */
    {0, 6, "supplier_of"},    /* PartsCo supplier_of ACME */
    {3, 5, "partner_of"},     /* ServiceCo partner_of DL1 */
};

/* Channels by name (unique in a tenant); org -1: the tenant's own. */
static const struct demo_channel {
    const char *name, *type;
    int org;
} channels[] = {
    {"Distributor channel", "distributor", 0},
    {"Dealer channel", "dealer", -1},
};

/* Example B's price books over the SKUs S-A1 and S-B1 the catalog seed made. */
static int demo_prices(struct db *db, struct arena *ar, int64_t tid, int64_t dl1, int64_t channel)
{
    struct db_res a, b;
    int rc = db_exec(db, ar, &Q_SKU_FIND_CODE, tid, &a, "S-A1");

    if (!rc)
        rc = db_exec(db, ar, &Q_SKU_FIND_CODE, tid, &b, "S-B1");
    if (rc || a.nrows != 1 || b.nrows != 1)
        return rc ? rc : DB_ERR;
    return book_seed_demo(db, ar, tid, dl1, channel, db_at(&a, 0, SKU_COL_ID)->i,
                          db_at(&b, 0, SKU_COL_ID)->i, db_at(&a, 0, SKU_COL_PRODUCT)->i,
                          db_at(&b, 0, SKU_COL_PRODUCT)->i);
}

/* A fresh random password, readable enough to type. */
static const char *demo_password(struct arena *ar)
{
    char t[SECRET_TOKEN_LEN + 1];

    secret_token(t);
    t[16] = '\0';
    return arena_printf(ar, "demo-%s", t);
}

static int demo_user(struct db *db, struct arena *ar, int64_t tid, const char *email,
                     const char *role, const char *password, int64_t *uid)
{
    char hash[SECRET_HASH_MAX];
    struct db_res res;
    int rc;

    if (secret_hash_password(password, hash) != 0)
        return DB_ERR;
    rc = db_exec(db, ar, &Q_DEMO_USER, tid, &res, email, hash, role);
    *uid = (int64_t)res.insert_id;
    return rc;
}

int identity_seed_demo(struct db *db, struct arena *ar, FILE *out)
{
    struct sb flags, json;
    struct db_res res;
    struct audit_entry e = {0};
    int64_t tid, oid, uid, cid, dealer_cid = 0, oids[sizeof(orgs) / sizeof(orgs[0])];
    const char *pw;
    int rc;

    sb_init(&flags, ar);
    flags_format(&flags, FLAGS_ALL);
    sb_init(&json, ar);
    rc = db_begin(db);
    if (!rc)
        rc = db_exec(db, ar, &Q_DEMO_TENANT, 0, &res, "Demo Medical Devices", flags.buf);
    if (rc)
        goto fail;
    tid = (int64_t)res.insert_id;
    sb_addc(&json, '[');
    for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++) {
        const struct demo_org *o = &orgs[i];
        rc = db_exec(db, ar, &Q_DEMO_ORG, tid, &res, o->type, o->name, o->region, o->certs);
        if (rc)
            goto fail;
        oid = (int64_t)res.insert_id;
        oids[i] = oid;
        pw = demo_password(ar);
        rc = demo_user(db, ar, tid, o->email, NULL, pw, &uid); /* no tenant-wide role */
        if (!rc)
            rc = db_exec(db, ar, &Q_DEMO_MEMBERSHIP, tid, NULL, (long long)uid, (long long)oid,
                         "org_admin");
        if (rc)
            goto fail;
        sb_printf(&json,
                  "{\"tenant\": \"demo\", \"email\": \"%s\", \"password\": \"%s\", "
                  "\"org\": \"%s\", \"org_id\": %lld, \"org_type\": \"%s\", \"role\": "
                  "\"org_admin\"},\n ",
                  o->email, pw, o->name, (long long)oid, o->type);
    }
    for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
        rc = rel_seed(db, ar, tid, oids[rels[i].parent], oids[rels[i].child], rels[i].type);
        if (rc)
            goto fail;
    }
    for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
        const struct demo_channel *ch = &channels[i];
        rc = channel_seed(db, ar, tid, ch->name, ch->type, ch->org < 0 ? 0 : oids[ch->org], &cid);
        if (rc)
            goto fail;
        if (strcmp(ch->type, "dealer") == 0)
            dealer_cid = cid;
    }
    /* Example A's catalog, published down the dealer channel: ACME, BioMed, D1, DL1 */
    rc = publish_seed_demo(db, ar, tid, dealer_cid, oids[0], oids[1], oids[2], oids[3]);
    if (rc)
        goto fail;
    rc = demo_prices(db, ar, tid, oids[3], dealer_cid);
    if (rc)
        goto fail;
    {
        /* seed 000 Example C's cast: ACME, D1, DL1, H1, and ServiceCo's engineers */
        const struct demo_service_orgs so = {oids[0], oids[2], oids[3], oids[4], oids[5]};
        rc = demo_service_seed(db, ar, tid, &so);
        if (rc)
            goto fail;
    }
    pw = demo_password(ar);
    rc = demo_user(db, ar, tid, "admin@demo.test", "tenant_admin", pw, &uid);
    if (rc)
        goto fail;
    sb_printf(&json,
              "{\"tenant\": \"demo\", \"email\": \"admin@demo.test\", \"password\": \"%s\", "
              "\"org\": null, \"org_id\": null, \"org_type\": null, \"role\": \"tenant_admin\"}]",
              pw);
    e.tenant_id = tid;
    e.action = "demo.seed";
    e.entity = "tenant";
    e.entity_id = tid;
    e.after = "{\"seed\":\"demo\"}";
    rc = audit_commit(db, ar, &e, NULL, NULL);
    if (rc)
        goto fail;
    if (sb_error(&json))
        return DB_ERR;
    fprintf(out, "%s\n", json.buf);
    return 0;
fail:
    db_rollback(db);
    return rc;
}
