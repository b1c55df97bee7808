#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/utf8.h"

static int min_level = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(int level)
{
  min_level = level;
}

int log_enabled(int level)
{
  return level >= min_level;
}

int log_level_parse(const char *name)
{
  for (int i = 0; i < 4; i++)
    if (strcmp(name, level_names[i]) == 0)
      return i;
  return -1;
}

size_t log_json_escape(char *buf, size_t cap, const char *s)
{
  size_t n = 0, len = s ? strlen(s) : 0, i = 0;
  const unsigned char *p = (const unsigned char *)s;
  if (cap == 0)
    return 0;
  /* Whole characters or escapes only, so that a cut string is still valid UTF-8 JSON. */
  while (i < len) {
    unsigned char c = p[i];
    char esc[8];
    const char *piece = esc;
    size_t k, step = 1;
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      k = 2;
    } else if (c < 0x20 || c == 0x7f) {
      k = (size_t)snprintf(esc, sizeof esc, "\\u%04x", c);
    } else if ((step = utf8_sequence(p + i, len - i)) > 0) {
      piece = (const char *)p + i;
      k = step;
    } else {
      piece = "\\ufffd"; /* a byte that is not UTF-8 */
      k = 6;
      step = 1;
    }
    if (n + k + 1 > cap)
      break;
    memcpy(buf + n, piece, k);
    n += k;
    i += step;
  }
  buf[n] = '\0';
  return n;
}

void log_time_now(char *buf, unsigned long cap)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void log_write_line(const char *line, unsigned long len)
{
  char stackbuf[4096];
  if (len + 1 <= sizeof stackbuf) {
    memcpy(stackbuf, line, len);
    stackbuf[len] = '\n';
    ssize_t w = write(STDERR_FILENO, stackbuf, len + 1);
    (void)w;
  } else {
    ssize_t w = write(STDERR_FILENO, line, len);
    w = write(STDERR_FILENO, "\n", 1);
    (void)w;
  }
}

void log_vmsg(int level, const char *request_id, const char *fmt, va_list ap)
{
  if (!log_enabled(level))
    return;
  char msg[1024], esc[2048], rid[300], ts[40], line[3072];
  vsnprintf(msg, sizeof msg, fmt, ap);
  log_json_escape(esc, sizeof esc, msg);
  log_time_now(ts, sizeof ts);
  int n;
  if (request_id) {
    log_json_escape(rid, sizeof rid, request_id);
    n = snprintf(line, sizeof line, "{\"time\":\"%s\",\"level\":\"%s\",\"request_id\":\"%s\",\"msg\":\"%s\"}", ts,
                 level_names[level], rid, esc);
  } else {
    n = snprintf(line, sizeof line, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\"}", ts, level_names[level], esc);
  }
  if (n > 0 && n < (int)sizeof line)
    log_write_line(line, (unsigned long)n);
}

void log_msg(int level, const char *request_id, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  log_vmsg(level, request_id, fmt, ap);
  va_end(ap);
}
