/* Price book and rule endpoints: /v1/price-books and /v1/price-rules (docs/pricing.md). */
#ifndef PRICING_BOOK_HTTP_H
#define PRICING_BOOK_HTTP_H

struct req;

/*
 * A caller without an organization in the token works on every book of the tenant (RBAC
 * permitting). With an organization of type manufacturer or distributor it sees and
 * changes only the books its organization owns (others are 404) and creates books owned
 * by it; any other organization type gets 403 on every route here. Each change to a book
 * or one of its rules raises the book's version, writes an audit row and the outbox event
 * price.updated in one transaction.
 */
int book_http_list(struct req *r);
int book_http_create(struct req *r);
int book_http_get(struct req *r);
int book_http_patch(struct req *r);
int book_http_retire(struct req *r);
int book_http_rule_list(struct req *r);
int book_http_rule_create(struct req *r);
int book_http_rule_get(struct req *r);
int book_http_rule_patch(struct req *r);
int book_http_rule_delete(struct req *r);

#endif
