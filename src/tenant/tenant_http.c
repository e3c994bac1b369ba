/* Settings handlers: GET and PUT /v1/settings of the caller's tenant, with ETag and If-Match. */
#include "tenant/tenant_http.h"

#include <string.h>

#include <json-c/json.h>

#include "core/flags.h"
#include "core/sb.h"
#include "db/db.h"
#include "http/list.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "tenant/tenant.h"

/* A row of the TENANT_COL_* columns as the API shows the settings; the caller owns it. */
static struct json_object *settings_json(const struct db_res *res)
{
    struct json_object *o = json_object_new_object(), *flags = json_object_new_object(), *lock;
    unsigned bits = flags_parse(db_at(res, 0, TENANT_COL_FLAGS)->s);

    for (int f = 0; f < FLAG__COUNT; f++)
        json_object_object_add(flags, flag_name((enum feature_flag)f),
                               json_object_new_boolean(!!(bits & FLAG_BIT(f))));
    json_object_object_add(o, "flags", flags);
    json_object_object_add(o, "timezone",
                           json_object_new_string(db_at(res, 0, TENANT_COL_TIMEZONE)->s));
    json_object_object_add(o, "currency",
                           json_object_new_string(db_at(res, 0, TENANT_COL_CURRENCY)->s));
    json_object_object_add(o, "locale",
                           json_object_new_string(db_at(res, 0, TENANT_COL_LOCALE)->s));
    json_object_object_add(o, "rounding",
                           json_object_new_string(db_at(res, 0, TENANT_COL_ROUNDING)->s));
    lock = json_object_new_object();
    json_object_object_add(lock, "threshold",
                           json_object_new_int64(db_at(res, 0, TENANT_COL_LOCKOUT_THRESHOLD)->i));
    json_object_object_add(lock, "minutes",
                           json_object_new_int64(db_at(res, 0, TENANT_COL_LOCKOUT_MINUTES)->i));
    json_object_object_add(o, "lockout", lock);
    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, 0, TENANT_COL_VERSION)->i));
    return o;
}

int tenant_http_settings_get(struct req *r)
{
    struct db_res res;
    int rc = db_exec(r->db, r->ar, &Q_TENANT_SETTINGS_GET, 0, &res, (long long)r->ctx.tenant_id);

    if (rc)
        return problem_db(r, rc, "settings get");
    if (res.nrows != 1)
        return problem(r, PROB_INTERNAL, "tenant %lld has no row", (long long)r->ctx.tenant_id);
    resp_etag(r, db_at(&res, 0, TENANT_COL_VERSION)->i);
    return resp_json(r, 200, json_arena_own(r->ar, settings_json(&res)));
}

/* What a PUT asked for: has_* for each setting given; flags_set/flags_clear name the bits. */
struct settings_input {
    const char *timezone, *locale, *currency, *rounding;
    int64_t threshold, minutes;
    unsigned flags_set, flags_clear;
    int has_flags, has_timezone, has_locale, has_currency, has_rounding, has_lockout;
    int has_threshold, has_minutes;
};

/* Field errors of a nested object get its name in front: "lockout.minutes". */
static void prefix_errors(struct req *r, size_t from, const char *prefix)
{
    for (size_t i = from; i < r->field_errors.n; i++)
        r->field_errors.v[i].field =
            arena_printf(r->ar, "%s.%s", prefix, r->field_errors.v[i].field);
}

static void read_flags(struct req *r, struct json_object *flags, struct settings_input *in)
{
    json_object_object_foreach(flags, name, val)
    {
        int f = flag_parse_name(name);

        if (f < 0)
            field_errors_add(r->ar, &r->field_errors, arena_printf(r->ar, "flags.%s", name),
                             "is not a feature flag");
        else if (!json_object_is_type(val, json_type_boolean))
            field_errors_add(r->ar, &r->field_errors, arena_printf(r->ar, "flags.%s", name),
                             "must be a boolean");
        else if (json_object_get_boolean(val))
            in->flags_set |= FLAG_BIT(f);
        else
            in->flags_clear |= FLAG_BIT(f);
    }
}

static int read_input(struct req *r, struct settings_input *in)
{
    struct json_object *body, *flags = NULL, *lockout = NULL;
    const char *why;
    size_t before;
    int rc;
    struct jfield f[] = {
        {"flags", JF_OBJECT, 0, &flags, &in->has_flags, 0},
        {"timezone", JF_STRING, 0, &in->timezone, &in->has_timezone, 64},
        {"locale", JF_STRING, 0, &in->locale, &in->has_locale, 16},
        {"currency", JF_STRING, 0, &in->currency, &in->has_currency, 3},
        {"rounding", JF_STRING, 0, &in->rounding, &in->has_rounding, 0},
        {"lockout", JF_OBJECT, 0, &lockout, &in->has_lockout, 0},
    };
    struct jfield lf[] = {
        {"threshold", JF_INT, 0, &in->threshold, &in->has_threshold, 0},
        {"minutes", JF_INT, 0, &in->minutes, &in->has_minutes, 0},
    };

    memset(in, 0, sizeof(*in));
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors) == 0 &&
        !(in->has_flags || in->has_timezone || in->has_locale || in->has_currency ||
          in->has_rounding || in->has_lockout))
        field_errors_add(r->ar, &r->field_errors, "", "must name at least one setting");
    if (flags)
        read_flags(r, flags, in);
    before = r->field_errors.n;
    if (lockout && json_read_fields(r->ar, lockout, lf, 2, &r->field_errors))
        prefix_errors(r, before, "lockout");
    if (in->has_timezone && (why = tenant_check_timezone(TENANT_ZONEINFO, in->timezone)))
        field_errors_add(r->ar, &r->field_errors, "timezone", "%s", why);
    if (in->has_locale && (why = tenant_check_locale(in->locale)))
        field_errors_add(r->ar, &r->field_errors, "locale", "%s", why);
    if (in->has_currency && (why = tenant_check_currency(in->currency)))
        field_errors_add(r->ar, &r->field_errors, "currency", "%s", why);
    if (in->has_rounding && (why = tenant_check_rounding(in->rounding)))
        field_errors_add(r->ar, &r->field_errors, "rounding", "%s", why);
    if (in->has_threshold && (why = tenant_check_lockout_threshold(in->threshold)))
        field_errors_add(r->ar, &r->field_errors, "lockout.threshold", "%s", why);
    if (in->has_minutes && (why = tenant_check_lockout_minutes(in->minutes)))
        field_errors_add(r->ar, &r->field_errors, "lockout.minutes", "%s", why);
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    return 0;
}

int tenant_http_settings_put(struct req *r)
{
    struct settings_input in;
    struct db_res cur, row;
    struct json_object *out;
    const char *before, *after;
    int64_t tid = r->ctx.tenant_id;
    unsigned bits;
    struct sb flags;
    int rc;

    rc = read_input(r, &in);
    if (rc)
        return rc;
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_TENANT_SETTINGS_LOCK, 0, &cur, (long long)tid);
    if (!rc && cur.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    rc = check_if_match(r, db_at(&cur, 0, TENANT_COL_VERSION)->i);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    before = json_text(r->ar, json_arena_own(r->ar, settings_json(&cur)));
    bits = (flags_parse(db_at(&cur, 0, TENANT_COL_FLAGS)->s) | in.flags_set) & ~in.flags_clear;
    sb_init(&flags, r->ar);
    flags_format(&flags, bits);
    rc = db_exec(
        r->db, r->ar, &Q_TENANT_SETTINGS_SET, 0, NULL, flags.len ? flags.buf : "",
        in.has_timezone ? in.timezone : db_at(&cur, 0, TENANT_COL_TIMEZONE)->s,
        in.has_locale ? in.locale : db_at(&cur, 0, TENANT_COL_LOCALE)->s,
        in.has_currency ? in.currency : db_at(&cur, 0, TENANT_COL_CURRENCY)->s,
        in.has_rounding ? in.rounding : db_at(&cur, 0, TENANT_COL_ROUNDING)->s,
        (int)(in.has_threshold ? in.threshold : db_at(&cur, 0, TENANT_COL_LOCKOUT_THRESHOLD)->i),
        (int)(in.has_minutes ? in.minutes : db_at(&cur, 0, TENANT_COL_LOCKOUT_MINUTES)->i),
        (long long)tid);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_TENANT_SETTINGS_GET, 0, &row, (long long)tid);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, settings_json(&row));
    after = json_text(r->ar, out);
    rc =
        write_commit(r, tid, "settings.update", "settings.updated", "settings", tid, before, after);
    if (rc)
        goto dberr;
    resp_etag(r, db_at(&row, 0, TENANT_COL_VERSION)->i);
    return resp_json(r, 200, out);
dberr:
    return problem_rollback(r, rc, "settings update");
}
