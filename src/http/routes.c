/* The route table: method, pattern, handler, what the dispatcher checks, and who owns it. */
#include "http/routes.h"

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "sys/sys_http.h"

const struct route routes[] = {
    {HTTP_GET, "/healthz", sys_http_healthz, R_PUBLIC | R_JSON, "sys"},
    {HTTP_GET, "/readyz", sys_http_readyz, R_PUBLIC | R_JSON | R_DB, "sys"},
    {HTTP_GET, "/metrics", sys_http_metrics, R_PUBLIC | R_TEXT, "sys"},
    {HTTP_GET, "/v1/openapi.json", sys_http_openapi, R_PUBLIC | R_JSON, "sys"},
#ifdef TRELLIS_TEST_ROUTES
    {HTTP_POST | HTTP_PUT, "/v1/_test/echo", sys_http_echo, R_PUBLIC | R_JSON, "sys"},
    {HTTP_GET, "/v1/_test/sleep", sys_http_sleep, R_PUBLIC | R_JSON, "sys"},
#endif
};

const int routes_count = (int)(sizeof(routes) / sizeof(routes[0]));
