/* The route table: every endpoint, its handler and what the dispatcher checks first. */
#ifndef HTTP_ROUTES_H
#define HTTP_ROUTES_H

#include "http/router.h"

extern const struct route routes[];
extern const int routes_count;

#endif
