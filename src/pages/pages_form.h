/*
 * Helpers the admin, catalog and dashboard pages share: JSON answers read, form fields,
 * select options, badges, field errors and list pages, all through the API's handlers.
 * Every string and JSON object returned here lives in the request's arena or goes into
 * the page's data; nothing needs free() or json_object_put().
 */
#ifndef PAGES_PAGES_FORM_H
#define PAGES_PAGES_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "core/flags.h"
#include "http/rbac.h"
#include "http/router.h"

struct json_object;

/* A text ?done= may show after a redirect: fixed texts, never words from the URL. */
struct done_text {
    const char *key, *text;
};

/* The member key of o, or NULL (o NULL, or no such key). */
struct json_object *page_jget(struct json_object *o, const char *key);
/* The integer member key of o, or 0 when it is missing or not an integer. */
int64_t page_jint(struct json_object *o, const char *key);
/* The length of the array a, or 0 when a is NULL or not an array. */
size_t page_jlen(struct json_object *a);
/* Puts v (part of an arena-owned API answer) into d, which takes its own reference. */
void page_jshare(struct json_object *d, const char *key, struct json_object *v);

/* Whether the user's role allows act on res. */
int page_may(const struct req *r, enum rbac_resource res, unsigned act);
/* Whether the tenant has flag f on. */
int page_flag_on(const struct req *r, enum feature_flag f);
/* Whether the user may list organizations, as the route table would let it. */
int page_orgs_readable(const struct req *r);

/* A form field without surrounding blanks; NULL when absent or blank. */
const char *page_form_val(struct req *r, const char *name);
/* s, or "" for NULL. */
const char *page_or_empty(const char *s);
/*
 * A number typed into a form, as the API's integer; anything else goes as the text, so
 * the API's own validation names the field and says what it wants.
 */
struct json_object *page_int_or_text(const char *v);
/*
 * The form's field name, when sent, into body under the same name for the API: as text,
 * or with page_form_int as page_int_or_text() reads it.
 */
void page_form_text(struct req *r, struct json_object *body, const char *name);
void page_form_int(struct req *r, struct json_object *body, const char *name);
/* "a, b\nc" → ["a", "b", "c"]: the items between any of seps, trimmed, blanks dropped. */
struct json_object *page_split_list(const char *s, const char *seps);
/*
 * The page's query parameters named in keys (blank ones dropped), percent-encoded again:
 * what the API's list handler gets. cursor, when not NULL, replaces the page's own ("":
 * none), which makes the pager's links.
 */
const char *page_pass_query(struct req *r, const char *const *keys, const char *cursor);

/* Choices of a select: [{value, label, selected}], the label with spaces for underscores. */
struct json_object *page_options(const char *const *values, const char *selected);
/* Appends the choice {value, label, selected} to the array a. */
void page_option_add(struct json_object *a, int64_t value, const char *label, int selected);
/* API rows {id, name} as select options (all but except), the one selected marked. */
struct json_object *page_row_choices(struct json_object *rows, int64_t selected, int64_t except);
/*
 * The tenant's organizations (of type, when not NULL; all but except) as select options,
 * the one selected marked, or NULL when the user may not list them all (an org's user
 * sees only its own) or they do not fit one select.
 */
struct json_object *page_org_choices(struct req *r, const char *type, int64_t selected,
                                     int64_t except);

/* The class of a status's badge: "ok" (active), "warn" (on its way or held) or "off". */
const char *page_badge_of(const char *status);
/* Each row of rows gets "badge", the class of the badge of its member status_key. */
void page_add_badges(struct json_object *rows, const char *status_key);
/* d.key = the text of texts (ending {NULL, NULL}) that ?done= names, if any. */
void page_add_flash(struct req *r, struct json_object *d, const char *key,
                    const struct done_text *texts);
/*
 * The problem's field errors for a form: errors.<field> holds the messages for each of
 * fields ("territory[2]" is territory, "lockout.minutes" lockout_minutes); the others go
 * to other_errors, shown with the page's message. rename maps an API field to the form's
 * (NULL: none): [api, form, api, form, ..., NULL].
 */
void page_add_field_errors(struct req *r, struct json_object *d, struct json_object *prob,
                           const char *const *fields, const char *const *rename);

/*
 * page_api() with the path captures id and n (each when not 0) in place of the page's;
 * the page's own captures come back after.
 */
int page_api_at(struct req *r, handler_fn h, int64_t id, int64_t n, const char *query,
                struct json_object *body, struct json_object **out);
/*
 * Runs the write h at capture id (0: the page's own captures) with If-Match: the version
 * the form was filled from ("0" never matches).
 */
int page_api_if_match(struct req *r, handler_fn h, int64_t id, struct json_object *body,
                      struct json_object **out);
/* A list page whose filters the API refused: their messages, no rows. Returns 400. */
int page_filters_refused(struct req *r, struct json_object *d, const char *const *fields);
/* The pager of a list page at path: links to the first page and, with next, the next. */
void page_add_pager(struct req *r, struct json_object *d, const char *path, const char *const *keys,
                    const char *next);
/*
 * A list page's data: runs the API's list h with the page's filters (keys) and puts the
 * rows, the filters as typed and the pager (links to path) into d. Returns 200; 400 when
 * the API refused a filter (its message is in d, next to the filter's field among
 * fields); else the problem's status, for page_api_problem().
 */
int page_list_data(struct req *r, struct json_object *d, handler_fn h, const char *path,
                   const char *const *keys, const char *const *fields);

#endif
