/* Problem types (RFC 9457): one table of status, code and title, rendered in one place. */
#ifndef HTTP_PROBLEM_H
#define HTTP_PROBLEM_H

struct req;

/* X(ENUM, status, code, title) */
#define PROBLEM_TABLE(X)                                                                           \
    X(PROB_BAD_REQUEST, 400, "bad_request", "Bad Request")                                         \
    X(PROB_BAD_ESCAPE, 400, "bad_escape", "Bad Percent-Encoding")                                  \
    X(PROB_MALFORMED_JSON, 400, "malformed_json", "Malformed JSON")                                \
    X(PROB_VALIDATION, 400, "validation_failed", "Validation Failed")                              \
    X(PROB_TRUNCATED_BODY, 400, "truncated_body", "Truncated Body")                                \
    X(PROB_UNAUTHORIZED, 401, "unauthorized", "Unauthorized")                                      \
    X(PROB_UNAUTHORIZED_CREDENTIALS, 401, "invalid_credentials", "Invalid Credentials")            \
    X(PROB_FORBIDDEN, 403, "forbidden", "Forbidden")                                               \
    X(PROB_CSRF, 403, "csrf_failed", "CSRF Check Failed")                                          \
    X(PROB_NOT_PUBLISHED_UPSTREAM, 403, "not_published_upstream", "Not Published Upstream")        \
    X(PROB_NOT_FOUND, 404, "not_found", "Not Found")                                               \
    X(PROB_FEATURE_DISABLED, 404, "feature_disabled", "Feature Disabled")                          \
    X(PROB_NO_PRICE, 404, "no_price", "No Price")                                                  \
    X(PROB_METHOD_NOT_ALLOWED, 405, "method_not_allowed", "Method Not Allowed")                    \
    X(PROB_CONFLICT, 409, "conflict", "Conflict")                                                  \
    X(PROB_BOOK_RETIRED, 409, "price_book_retired", "Price Book Retired")                          \
    X(PROB_INVALID_TRANSITION, 409, "invalid_transition", "Invalid Status Transition")             \
    X(PROB_PRECONDITION_FAILED, 412, "precondition_failed", "Precondition Failed")                 \
    X(PROB_TOO_LARGE, 413, "payload_too_large", "Payload Too Large")                               \
    X(PROB_UNSUPPORTED_MEDIA, 415, "unsupported_media_type", "Unsupported Media Type")             \
    X(PROB_UNPROCESSABLE, 422, "unprocessable", "Unprocessable Content")                           \
    X(PROB_RECIPIENT_INELIGIBLE, 422, "recipient_ineligible", "Recipient Ineligible")              \
    X(PROB_NO_TAX_RATE, 422, "no_tax_rate", "No Tax Rate")                                         \
    X(PROB_ACCOUNT_LOCKED, 423, "account_locked", "Locked")                                        \
    X(PROB_TOO_MANY, 429, "too_many_requests", "Too Many Requests")                                \
    X(PROB_HEADERS_TOO_LARGE, 431, "headers_too_large", "Request Header Fields Too Large")         \
    X(PROB_INTERNAL, 500, "internal_error", "Internal Server Error")                               \
    X(PROB_BAD_GATEWAY, 502, "bad_gateway", "Bad Gateway")                                         \
    X(PROB_DB_UNAVAILABLE, 503, "database_unavailable", "Service Unavailable")                     \
    X(PROB_UNAVAILABLE, 503, "unavailable", "Service Unavailable")                                 \
    X(PROB_GATEWAY_TIMEOUT, 504, "gateway_timeout", "Gateway Timeout")

enum problem {
#define X(e, s, c, t) e,
    PROBLEM_TABLE(X)
#undef X
        PROB__COUNT
};

struct problem_info {
    int status;
    const char *code;
    const char *title;
};

const struct problem_info *problem_info(enum problem p);

/*
 * Pages show problems as HTML pages: the pages module sets this once at start. It is
 * used for R_HTML routes (outside page_api()) and for a browser's unknown path.
 */
typedef int (*problem_page_fn)(struct req *r, const struct problem_info *pi, const char *detail);
void problem_set_page(problem_page_fn fn);

/*
 * Renders p as the response of r (problem+json, instance = the request id)
 * with detail from fmt, and returns its status. A 500's detail is logged with
 * the request id and replaced by a generic one for the client. Field errors
 * collected in r->field_errors are rendered as `errors`.
 */
int problem(struct req *r, enum problem p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Renders a DB_E* code from the data layer: DB_EUNAVAIL is 503 with Retry-After,
 * DB_ENOTFOUND 404, DB_EDUP 409, DB_EDEADLOCK 503 (retry), anything else 500
 * with `what` and the driver's message in the log only.
 */
int problem_db(struct req *r, int rc, const char *what);

/* problem_db after rolling back the open transaction: how a failed write ends. */
int problem_rollback(struct req *r, int rc, const char *what);

#endif
