#ifndef PINS_CORE_LOG_H
#define PINS_CORE_LOG_H

#include <stddef.h>

/* One JSON object per line on stderr. Each line is written with a single write(2). */
enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

void log_set_level(int level);
int log_level_parse(const char *name); /* returns -1 when unknown */
int log_enabled(int level);

/* Logs {"time","level","msg", "request_id"?}; request_id may be NULL. */
void log_msg(int level, const char *request_id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends s to buf as a JSON string body (no quotes), escaping as needed; never overflows.
 * Returns the number of bytes written (excluding the terminating NUL). */
size_t log_json_escape(char *buf, size_t cap, const char *s);

/* Writes the current UTC time as RFC 3339 with milliseconds into buf (at least 32 bytes). */
void log_time_now(char *buf, unsigned long cap);

/* Writes a complete, already formatted line (newline added) in one call. */
void log_write_line(const char *line, unsigned long len);

#endif
