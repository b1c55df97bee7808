#ifndef PINS_CORE_LOG_H
#define PINS_CORE_LOG_H

#include <stdarg.h>
#include <stddef.h>

/* One JSON object per line on stderr, always valid UTF-8. Each line is written with a single write(2). */
enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

void log_set_level(int level);
int log_level_parse(const char *name); /* returns -1 when unknown */
int log_enabled(int level);

/* Logs {"time","level","msg", "request_id"?}; request_id may be NULL. */
void log_msg(int level, const char *request_id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same with a va_list (e.g. for a library's logger). */
void log_vmsg(int level, const char *request_id, const char *fmt, va_list ap);

/* Writes s into buf as a JSON string body (no quotes), escaping as needed; never overflows. The
 * result is valid UTF-8 whatever s holds: a byte that is not part of well-formed UTF-8 becomes
 * \ufffd, and a string cut to fit cap is cut between characters. Returns the number of bytes
 * written (excluding the terminating NUL). */
size_t log_json_escape(char *buf, size_t cap, const char *s);

/* Writes the current UTC time as RFC 3339 with milliseconds into buf (at least 32 bytes). */
void log_time_now(char *buf, unsigned long cap);

/* Writes a complete, already formatted line (newline added) in one call. */
void log_write_line(const char *line, unsigned long len);

#endif
