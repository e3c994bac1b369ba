/* JSON-lines logging: each event is one write(2), so lines from workers never interleave. */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/utf8.h"

#define LOG_LINE_MAX 4096

static int log_out = STDERR_FILENO;
static enum log_level log_min = LOG_INFO;

static const char *const log_names[] = {"debug", "info", "warn", "error"};

int log_open(const char *path, const char *level)
{
    enum log_level lvl = LOG_INFO;
    int fd = STDERR_FILENO;
    size_t i;

    if (level && *level) {
        for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++)
            if (strcmp(level, log_names[i]) == 0)
                break;
        if (i == sizeof(log_names) / sizeof(log_names[0]))
            return -1;
        lvl = (enum log_level)i;
    }
    if (path && *path && strcmp(path, "-") != 0) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0)
            return -1;
    }
    /* Reopened on SIGHUP: the old file goes once the new one is in place. */
    if (log_out != STDERR_FILENO && log_out != fd)
        close(log_out);
    log_out = fd;
    log_min = lvl;
    return 0;
}

int log_fd(void)
{
    return log_out;
}

/* Escapes s as a JSON string body into out[0..cap); stops before an escape
   or a character that would not fit whole. Returns the bytes written. */
static size_t log_escape(char *out, size_t cap, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, o = 0;

    while (i < n) {
        unsigned char c = u[i];
        char esc[7];
        const char *src = (const char *)u + i;
        size_t in = 1, len = 1;

        if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : (char)c;
            src = esc;
            len = 2;
        } else if (c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            src = esc;
            len = 6;
        } else if (c >= 0x80) {
            in = len = utf8_len(u + i, n - i);
            if (!in) {
                src = "\\ufffd";
                in = 1;
                len = 6;
            }
        }
        if (cap - o < len)
            break;
        memcpy(out + o, src, len);
        o += len;
        i += in;
    }
    return o;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
    char msg[LOG_LINE_MAX - 128], line[LOG_LINE_MAX];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    size_t n;
    int saved = errno;

    if (lvl < log_min || lvl > LOG_ERROR)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(line, sizeof(line), "{\"ts\":\"%Y-%m-%dT%H:%M:%S", &tm);
    n += (size_t)snprintf(line + n, sizeof(line) - n,
                          ".%03ldZ\",\"level\":\"%s\",\"pid\":%ld,\"msg\":\"", ts.tv_nsec / 1000000,
                          log_names[lvl], (long)getpid());
    /* The header is well under 128 bytes; 3 are kept for the closing "}\n. */
    n += log_escape(line + n, sizeof(line) - n - 3, msg);
    memcpy(line + n, "\"}\n", 3);
    n += 3;
    while (write(log_out, line, n) < 0 && errno == EINTR)
        ;
    errno = saved;
}

void log_line(const char *json, unsigned long len)
{
    struct iovec iov[2] = {
        {.iov_base = (void *)json, .iov_len = len},
        {.iov_base = (void *)"\n", .iov_len = 1},
    };
    int saved = errno;

    while (writev(log_out, iov, 2) < 0 && errno == EINTR)
        ;
    errno = saved;
}
