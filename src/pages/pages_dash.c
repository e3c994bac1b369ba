/* /dashboard: one template per organization type, global without an organization. */
#include "pages/pages_http.h"

#include <string.h>

#include <json-c/json.h>

#include "audit/audit_http.h"
#include "core/json.h"
#include "http/rbac.h"
#include "http/request.h"
#include "org/org_http.h"
#include "pages/pages.h"

/* The latest audit rows the user may read (the API keeps an org user to its org). */
static int add_activity(struct req *r, struct json_object *d)
{
    struct json_object *out, *data;
    int rc;

    if (!rbac_allows(r->ctx.role, RES_AUDIT, ACT_READ))
        return 0;
    rc = page_api(r, audit_http_list, "limit=10", NULL, &out);
    if (rc)
        return rc;
    if (json_object_object_get_ex(out, "data", &data))
        json_object_object_add(d, "activity", json_object_get(data));
    return 0;
}

int pages_http_dashboard(struct req *r)
{
    const char *type = r->ctx.org_type ? r->ctx.org_type : "global";
    struct json_object *d, *profile;
    int rc;

    d = page_data(r, r->ctx.org_id ? r->ctx.org_name : r->ctx.tenant_name);
    json_object_object_add(d, "dashboard", json_object_new_string(type));
    if (r->ctx.org_id) {
        /* the user's own organization: readable to every member, whatever the role */
        r->nparams = 1;
        r->param_names[0] = "id";
        r->param_vals[0] = arena_printf(r->ar, "%lld", (long long)r->ctx.org_id);
        rc = page_api(r, org_http_get, NULL, NULL, &profile);
        r->nparams = 0;
        if (rc)
            return page_api_problem(r);
        json_object_object_add(
            profile, "active",
            json_object_new_boolean(
                strcmp(json_object_get_string(json_object_object_get(profile, "status")),
                       "active") == 0));
        json_object_object_add(d, "profile", json_object_get(profile));
    }
    rc = add_activity(r, d);
    if (rc)
        return page_api_problem(r);
    return page_render(r, 200, arena_printf(r->ar, "dashboards/%s", type), d);
}
