/* Baseline responder for bench/baseline: bare libfcgi, a fixed body or one prepared PK SELECT.
   PASSWORD "-" reads it from $TRELLIS_DB_PASSWORD, so it does not show in the process list. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <mysql.h>

static const char fixed[] = "{\"status\":\"ok\"}";

static void respond(FCGX_Request *fr, const char *body, size_t n)
{
    char head[128];
    int h = snprintf(
        head, sizeof(head),
        "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n", n);
    FCGX_PutStr(head, h, fr->out);
    FCGX_PutStr(body, (int)n, fr->out);
}

static int serve(int fd, int use_db, const char *dbsock, const char *user, const char *pass,
                 const char *name)
{
    FCGX_Request fr;
    MYSQL *my = NULL;
    MYSQL_STMT *st = NULL;
    MYSQL_BIND pb, rb[2];
    long long id = 0, rid = 0;
    char rname[64];
    unsigned long rlen = 0;
    unsigned long served = 0;
    static const char sql[] = "SELECT id, name FROM bench_rows WHERE id = ?";

    FCGX_Init();
    FCGX_InitRequest(&fr, fd, 0);
    if (use_db) {
        my = mysql_init(NULL);
        if (!mysql_real_connect(my, NULL, user, pass, name, 0, dbsock, 0)) {
            fprintf(stderr, "bare-fcgi: connect: %s\n", mysql_error(my));
            return 1;
        }
        st = mysql_stmt_init(my);
        if (mysql_stmt_prepare(st, sql, sizeof(sql) - 1)) {
            fprintf(stderr, "bare-fcgi: prepare: %s\n", mysql_stmt_error(st));
            return 1;
        }
        memset(&pb, 0, sizeof(pb));
        pb.buffer_type = MYSQL_TYPE_LONGLONG;
        pb.buffer = &id;
        memset(rb, 0, sizeof(rb));
        rb[0].buffer_type = MYSQL_TYPE_LONGLONG;
        rb[0].buffer = &rid;
        rb[1].buffer_type = MYSQL_TYPE_STRING;
        rb[1].buffer = rname;
        rb[1].buffer_length = sizeof(rname);
        rb[1].length = &rlen;
        mysql_stmt_bind_param(st, &pb);
        mysql_stmt_bind_result(st, rb);
    }
    while (FCGX_Accept_r(&fr) >= 0) {
        if (!use_db) {
            respond(&fr, fixed, sizeof(fixed) - 1);
            continue;
        }
        char body[160];
        int n;
        id = (long long)(served++ % 1000) + 1;
        if (mysql_stmt_execute(st) || mysql_stmt_store_result(st) || mysql_stmt_fetch(st)) {
            FCGX_PutS("Status: 500 Internal Server Error\r\n\r\n", fr.out);
            mysql_stmt_free_result(st);
            continue;
        }
        mysql_stmt_free_result(st);
        n = snprintf(body, sizeof(body), "{\"id\":%lld,\"name\":\"%.*s\"}", rid, (int)rlen, rname);
        respond(&fr, body, (size_t)n);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un sa;
    int fd, workers;

    if (argc != 4 && argc != 8) {
        fprintf(stderr, "usage: bare-fcgi SOCKET WORKERS fixed\n"
                        "       bare-fcgi SOCKET WORKERS select DBSOCKET USER PASSWORD DBNAME\n"
                        "       (PASSWORD - reads $TRELLIS_DB_PASSWORD)\n");
        return 2;
    }
    workers = (int)strtol(argv[2], NULL, 10);
    if (argc == 8 && strcmp(argv[6], "-") == 0) {
        argv[6] = getenv("TRELLIS_DB_PASSWORD");
        if (!argv[6]) {
            fprintf(stderr, "bare-fcgi: PASSWORD is - but TRELLIS_DB_PASSWORD is not set\n");
            return 2;
        }
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
    unlink(argv[1]);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(argv[1], 0666) ||
        listen(fd, 1024)) {
        fprintf(stderr, "bare-fcgi: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    for (int i = 0; i < workers; i++) {
        if (fork() == 0) {
            int use_db = strcmp(argv[3], "select") == 0;
            _exit(serve(fd, use_db, use_db ? argv[4] : NULL, use_db ? argv[5] : NULL,
                        use_db ? argv[6] : NULL, use_db ? argv[7] : NULL));
        }
    }
    /* the parent only waits; SIGTERM to the process group ends all */
    while (wait(NULL) > 0)
        ;
    return 0;
}
