/* A worker: the accept loop and one request's lifecycle. */
#ifndef WORKER_H
#define WORKER_H

struct config;
struct req;

/* Serves requests on listen_fd until told to stop or max_requests; returns the exit status. */
int worker_run(const struct config *cfg, int listen_fd);

/* Routes and runs one parsed request, leaving the response in r. Returns the status. */
int worker_dispatch(struct req *r);

#endif
