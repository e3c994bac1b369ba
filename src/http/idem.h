/* Idempotency-Key on POST: the same key and request within 24 h replays the stored answer. */
#ifndef HTTP_IDEM_H
#define HTTP_IDEM_H

struct req;

/*
 * Before the handler of an authenticated POST carrying Idempotency-Key. Returns 0 to
 * run the handler (the key is now reserved), or the status of what it answered: the
 * stored response (Idempotent-Replayed: true), 422 for the key reused with another
 * request, 409 while the first request still runs, 400 for a malformed key.
 */
int idem_begin(struct req *r, const char *key);

/* After the handler: stores the response (status < 500) or frees the key. */
void idem_finish(struct req *r, const char *key);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_IDEM_GET, Q_IDEM_RESERVE, Q_IDEM_STORE, Q_IDEM_DELETE;
#define IDEM_QUERIES &Q_IDEM_GET, &Q_IDEM_RESERVE, &Q_IDEM_STORE, &Q_IDEM_DELETE

#endif
