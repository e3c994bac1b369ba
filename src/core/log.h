/* Logging: one JSON line per event to the log fd, written with one write(2). */
#ifndef CORE_LOG_H
#define CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Opens path for append ("" or "-": stderr). Returns 0 or -1. */
int log_open(const char *path, const char *level);
int log_fd(void);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes an already-built JSON object line (without the newline). */
void log_line(const char *json, unsigned long len);

#endif
