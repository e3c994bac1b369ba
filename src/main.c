/* trellis-fcgi: the prefork master. Binds once, forks workers, respawns, reloads, drains. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/secret.h"
#include "http/auth.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/routes.h"
#include "identity/principal.h"
#include "pages/pages.h"
#include "sys/sys_http.h"
#include "worker.h"

#define MAX_WORKERS   256
#define QUICK_DEATH_S 5.0 /* a worker dying sooner than this counts towards a crash loop */
#define BACKOFF_MIN_S 0.1
#define BACKOFF_MAX_S 10.0

struct slot {
    pid_t pid; /* 0: empty */
    double started;
    double respawn_at; /* when empty: the earliest time to start it again */
    int crashes;       /* consecutive quick deaths */
};

static struct master {
    struct config cfg;
    const char *config_path;
    int listen_fd;
    int sfd; /* signalfd */
    int nslots;
    struct slot slots[MAX_WORKERS];
    pid_t retiring[MAX_WORKERS * 2]; /* old workers draining after a reload or shrink */
    int nretiring;
    int reload_next; /* next slot to replace during a rolling reload; -1 when none */
    int stopping;
    double stop_deadline;
    double last_nudge; /* SIGTERM is repeated each second: one may land just before accept() */
} M = {.listen_fd = -1, .reload_next = -1};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int default_workers(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    /* a libfcgi worker stays busy until nginx closes the connection: 4 per core */
    return (int)(n > 0 ? n * 4 : 4);
}

static int resolve_workers(const struct config *c)
{
    long n = c->workers > 0 ? c->workers : default_workers();
    return (int)(n > MAX_WORKERS ? MAX_WORKERS : n);
}

static int open_socket(const char *path, int backlog)
{
    struct sockaddr_un sa;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        log_msg(LOG_ERROR, "socket path '%s' is longer than %zu bytes", path,
                sizeof(sa.sun_path) - 1);
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    /* a stale socket file from a crash: nothing listens on it, since the pid file was free */
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || chmod(path, 0666) != 0 ||
        listen(fd, backlog) != 0) {
        log_msg(LOG_ERROR, "cannot listen on '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Refuses to start twice on one pid file; writes ours atomically. */
static int write_pid_file(const char *path)
{
    char tmp[4096], buf[32];
    FILE *f = fopen(path, "r");
    int fd, n;

    if (f) {
        char line[32] = "";
        long pid = fgets(line, sizeof(line), f) ? strtol(line, NULL, 10) : 0;
        if (pid > 0 && kill((pid_t)pid, 0) == 0 && pid != getpid()) {
            fclose(f);
            log_msg(LOG_ERROR, "already running as pid %ld ('%s')", pid, path);
            return -1;
        }
        fclose(f);
    }
    snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        log_msg(LOG_ERROR, "cannot write '%s': %s", tmp, strerror(errno));
        return -1;
    }
    n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (write(fd, buf, (size_t)n) != n || close(fd) != 0 || rename(tmp, path) != 0) {
        log_msg(LOG_ERROR, "cannot write '%s': %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static pid_t spawn(void)
{
    pid_t pid = fork();

    if (pid < 0) {
        log_msg(LOG_ERROR, "fork failed: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        close(M.sfd);
        _exit(worker_run(&M.cfg, M.listen_fd));
    }
    return pid;
}

static void start_slot(int i)
{
    pid_t pid = spawn();

    if (pid < 0) {
        M.slots[i].respawn_at = now() + BACKOFF_MAX_S;
        return;
    }
    M.slots[i].pid = pid;
    M.slots[i].started = now();
}

static const char *describe(int status, char *buf, size_t n)
{
    if (WIFSIGNALED(status))
        snprintf(buf, n, "killed by signal %d (%s)%s", WTERMSIG(status),
                 strsignal(WTERMSIG(status)), WCOREDUMP(status) ? ", core dumped" : "");
    else
        snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
    return buf;
}

static void retire(pid_t pid)
{
    kill(pid, SIGTERM);
    M.retiring[M.nretiring++] = pid;
    M.last_nudge = now();
}

/* A rolling reload replaces one slot at a time: the next only after the old one has gone. */
static void reload_step(void)
{
    if (M.reload_next < 0 || M.nretiring > 0 || M.stopping)
        return;
    if (M.reload_next >= M.nslots) {
        log_msg(LOG_INFO, "reload done: %d workers replaced", M.nslots);
        M.reload_next = -1;
        return;
    }
    int i = M.reload_next++;
    pid_t old = M.slots[i].pid;
    start_slot(i); /* the new one first, so capacity never drops */
    M.slots[i].crashes = 0;
    if (old > 0)
        retire(old);
}

static void reap(void)
{
    int status;
    pid_t pid;
    char why[128];

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        int k, i;
        for (k = 0; k < M.nretiring && M.retiring[k] != pid; k++)
            ;
        if (k < M.nretiring) {
            M.retiring[k] = M.retiring[--M.nretiring];
            continue;
        }
        for (i = 0; i < M.nslots && M.slots[i].pid != pid; i++)
            ;
        if (i == M.nslots)
            continue;
        struct slot *s = &M.slots[i];
        double lived = now() - s->started;
        s->pid = 0;
        if (M.stopping)
            continue;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            /* recycled after max_requests */
            s->crashes = 0;
            s->respawn_at = 0;
            log_msg(LOG_INFO, "worker %d recycled after %.1fs", (int)pid, lived);
            continue;
        }
        metrics_worker_restart();
        s->crashes = lived < QUICK_DEATH_S ? s->crashes + 1 : 1;
        if (s->crashes <= 1) {
            s->respawn_at = 0;
            log_msg(LOG_WARN, "worker %d %s after %.1fs; replacing it", (int)pid,
                    describe(status, why, sizeof(why)), lived);
        } else {
            double delay = BACKOFF_MIN_S * (double)(1 << (s->crashes > 8 ? 8 : s->crashes - 2));
            if (delay > BACKOFF_MAX_S)
                delay = BACKOFF_MAX_S;
            s->respawn_at = now() + delay;
            log_msg(LOG_ERROR,
                    "worker %d %s after %.1fs, %d quick deaths in a row: crash loop, "
                    "restarting in %.1fs",
                    (int)pid, describe(status, why, sizeof(why)), lived, s->crashes, delay);
        }
    }
}

static void reload(void)
{
    struct config nc;
    char err[512];
    int n;

    if (config_load(&nc, M.config_path, 1, err, sizeof(err)) != 0) {
        log_msg(LOG_ERROR, "reload refused, the config has an error: %s", err);
        return;
    }
    /* what workers inherit is reloaded here, before any of them is replaced */
    if (auth_check_config(&nc, err, sizeof(err)) != 0 ||
        sys_http_load(&nc, err, sizeof(err)) != 0 || pages_load(&nc, err, sizeof(err)) != 0) {
        log_msg(LOG_ERROR, "reload refused: %s", err);
        config_release(&nc);
        return;
    }
    if (strcmp(nc.socket, M.cfg.socket) != 0)
        log_msg(LOG_WARN, "reload: the socket path changes only on restart");
    free(nc.socket);
    nc.socket = strdup(M.cfg.socket);
    config_release(&M.cfg);
    M.cfg = nc;
    n = resolve_workers(&M.cfg);
    for (int i = n; i < M.nslots; i++)
        if (M.slots[i].pid > 0) {
            retire(M.slots[i].pid);
            M.slots[i].pid = 0;
        }
    for (int i = M.nslots; i < n; i++)
        memset(&M.slots[i], 0, sizeof(M.slots[i]));
    M.nslots = n;
    metrics_set_workers(n);
    log_msg(LOG_INFO, "reload: replacing %d workers one at a time", n);
    M.reload_next = 0;
}

static void begin_stop(void)
{
    if (M.stopping)
        return;
    M.stopping = 1;
    M.stop_deadline = now() + (double)M.cfg.shutdown_timeout;
    M.last_nudge = now();
    log_msg(LOG_INFO, "stopping: draining workers (up to %lds)", M.cfg.shutdown_timeout);
    /* no new connections reach us; queued ones are refused, in-flight ones finish */
    unlink(M.cfg.socket);
    for (int i = 0; i < M.nslots; i++)
        if (M.slots[i].pid > 0)
            kill(M.slots[i].pid, SIGTERM);
    for (int k = 0; k < M.nretiring; k++)
        kill(M.retiring[k], SIGTERM);
}

static int alive(void)
{
    int n = M.nretiring;

    for (int i = 0; i < M.nslots; i++)
        n += M.slots[i].pid > 0;
    return n;
}

static int run(void)
{
    for (;;) {
        double t = now(), wake = t + 1.0;
        struct pollfd pfd = {.fd = M.sfd, .events = POLLIN};

        if (t - M.last_nudge >= 1.0 && (M.nretiring || M.stopping)) {
            M.last_nudge = t;
            for (int k = 0; k < M.nretiring; k++)
                kill(M.retiring[k], SIGTERM);
            for (int i = 0; M.stopping && i < M.nslots; i++)
                if (M.slots[i].pid > 0)
                    kill(M.slots[i].pid, SIGTERM);
        }
        if (!M.stopping) {
            for (int i = 0; i < M.nslots; i++) {
                struct slot *s = &M.slots[i];
                if (s->pid == 0 && s->respawn_at <= t)
                    start_slot(i);
                if (s->pid == 0 && s->respawn_at < wake)
                    wake = s->respawn_at;
            }
            reload_step();
        } else {
            if (alive() == 0)
                return 0;
            if (t >= M.stop_deadline) {
                log_msg(LOG_WARN, "drain timed out: killing %d workers", alive());
                for (int i = 0; i < M.nslots; i++)
                    if (M.slots[i].pid > 0)
                        kill(M.slots[i].pid, SIGKILL);
                for (int k = 0; k < M.nretiring; k++)
                    kill(M.retiring[k], SIGKILL);
                M.stop_deadline = t + 5;
            }
        }
        int ms = (int)((wake - t) * 1000);
        if (poll(&pfd, 1, ms < 1 ? 1 : ms) > 0) {
            struct signalfd_siginfo si;
            while (read(M.sfd, &si, sizeof(si)) == sizeof(si)) {
                switch (si.ssi_signo) {
                case SIGCHLD:
                    break; /* reaped below */
                case SIGHUP:
                    if (!M.stopping)
                        reload();
                    break;
                case SIGTERM:
                case SIGINT:
                case SIGQUIT:
                    begin_stop();
                    break;
                default:
                    break;
                }
            }
        }
        reap();
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: trellis-fcgi [-c CONFIG] [-t]\n"
               "  -c FILE   config file (default etc/trellis.conf; TRELLIS_* env vars override)\n"
               "  -t        check the config and the queries against the database, then exit\n");
}

int main(int argc, char **argv)
{
    char err[512];
    int opt, check_only = 0, rc;
    sigset_t set;
    struct db *db;

    M.config_path = getenv("TRELLIS_CONFIG") ? getenv("TRELLIS_CONFIG") : "etc/trellis.conf";
    while ((opt = getopt(argc, argv, "c:th")) != -1) {
        switch (opt) {
        case 'c':
            M.config_path = optarg;
            break;
        case 't':
            check_only = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (config_load(&M.cfg, M.config_path, 1, err, sizeof(err)) != 0) {
        fprintf(stderr, "trellis-fcgi: %s\n", err);
        return 1;
    }
    if (log_open(M.cfg.log_file, M.cfg.log_level) != 0) {
        fprintf(stderr, "trellis-fcgi: cannot open log '%s'\n", M.cfg.log_file);
        return 1;
    }

    if (secret_init() != 0 || auth_check_config(&M.cfg, err, sizeof(err)) != 0 ||
        pages_load(&M.cfg, err, sizeof(err)) != 0) {
        log_msg(LOG_ERROR, "cannot start: %s", err);
        if (check_only)
            fprintf(stderr, "trellis-fcgi: %s\n", err);
        return 1;
    }
    /* a query that does not prepare is a bug: refuse to start rather than fail requests */
    db = db_new(&M.cfg);
    if (db_connect(db) == 0) {
        rc = db_prepare_all(db);
        if (rc == DB_EBUG) {
            log_msg(LOG_ERROR, "a registered query does not prepare: %s", db_errmsg(db));
            db_free(db);
            return 1;
        }
    } else {
        log_msg(LOG_WARN, "database unavailable at start (%s); workers will retry", db_errmsg(db));
        if (check_only) {
            db_free(db);
            return 1;
        }
    }
    db_free(db);
    if (check_only) {
        printf("config and queries ok\n");
        return 0;
    }
    char lint[256];
    if (router_lint(routes, routes_count, lint, sizeof(lint))) {
        log_msg(LOG_ERROR, "route table: %s", lint);
        return 1;
    }
    if (sys_http_load(&M.cfg, err, sizeof(err)) != 0) {
        log_msg(LOG_ERROR, "cannot start: %s", err);
        return 1;
    }

    if (write_pid_file(M.cfg.pid_file) != 0)
        return 1;
    M.listen_fd = open_socket(M.cfg.socket, (int)M.cfg.backlog);
    if (M.listen_fd < 0 || metrics_init(routes_count) != 0 || principal_init() != 0) {
        unlink(M.cfg.pid_file);
        return 1;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGQUIT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    M.sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    M.nslots = resolve_workers(&M.cfg);
    metrics_set_workers(M.nslots);
    log_msg(LOG_INFO, "listening on '%s' with %d workers (max_requests %ld)", M.cfg.socket,
            M.nslots, M.cfg.max_requests);

    rc = run();

    close(M.listen_fd);
    unlink(M.cfg.pid_file);
    log_msg(LOG_INFO, "stopped");
    sys_http_unload();
    pages_unload();
    config_release(&M.cfg);
    return rc;
}
