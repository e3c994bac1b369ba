/* Price book pages: the books, one book with its rules, and the forms that change them. */
#ifndef PAGES_PAGES_PRICING_H
#define PAGES_PAGES_PRICING_H

struct req;

/*
 * Each page runs the API's handlers of src/pricing/book_http.h as the signed-in user, so it
 * shows and changes exactly what the API would let that user (docs/pricing.md, "Books and
 * rules over the API"). The write pages answer 303 to the book's page on success, or the
 * form again with the API's reasons (400, 403, 409, 412, 422).
 */
int pages_http_price_books(struct req *r);       /* GET /price-books */
int pages_http_price_book_new(struct req *r);    /* GET /price-books/new */
int pages_http_price_book_create(struct req *r); /* POST /price-books */
int pages_http_price_book(struct req *r);        /* GET /price-books/{id} */
int pages_http_price_book_retire(struct req *r); /* POST /price-books/{id}/retire */
int pages_http_price_rule_create(struct req *r); /* POST /price-books/{id}/rules */
int pages_http_price_rule_delete(struct req *r); /* POST /price-rules/{id}/delete */

#endif
