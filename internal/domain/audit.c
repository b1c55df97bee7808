#include "domain/audit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "domain/project.h"
#include "store/audit.h"

#define AUDIT_MAX_TABLE 63   /* PostgreSQL's identifier length */
#define AUDIT_MAX_VALUE 255  /* record_id, sub, org */
#define AUDIT_MAX_CURSOR 18  /* digits of an audit_log id */

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

static int days_in_month(int year, int month)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

bool audit_is_timestamp(const char *s)
{
  if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':')
    return false;
  int year = digits(s, 4), month = digits(s + 5, 2), day = digits(s + 8, 2), hour = digits(s + 11, 2),
      minute = digits(s + 14, 2), second = digits(s + 17, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
    return false;
  const char *p = s + 19;
  if (*p == '.') {
    size_t n = strspn(++p, "0123456789");
    if (n < 1 || n > 9)
      return false;
    p += n;
  }
  if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
    return true;
  if ((*p != '+' && *p != '-') || strlen(p) != 6 || p[3] != ':')
    return false;
  int off_hour = digits(p + 1, 2), off_minute = digits(p + 4, 2);
  return off_hour >= 0 && off_hour <= 23 && off_minute >= 0 && off_minute <= 59;
}

/* Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF) without control
 * characters, at most max bytes. */
static bool plain_text(const char *s, size_t max)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t len = strlen(s);
  if (len > max)
    return false;
  for (size_t i = 0; i < len;) {
    unsigned c = p[i];
    int more = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (more < 0 || (more == 0 && (c < 0x20 || c == 0x7F)) || i + (size_t)more >= len)
      return false;
    unsigned cp = more == 0 ? c : c & (0x3F >> more);
    for (int k = 1; k <= more; k++) {
      if ((p[i + k] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    static const unsigned least[] = {0, 0x80, 0x800, 0x10000};
    if (cp < least[more] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp < 0xA0))
      return false;
    i += (size_t)more + 1;
  }
  return true;
}

static bool table_name(const char *s)
{
  size_t n = strlen(s);
  if (n < 1 || n > AUDIT_MAX_TABLE || !islower((unsigned char)s[0]))
    return false;
  for (size_t i = 0; i < n; i++)
    if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
      return false;
  return true;
}

/* Checks the filters; on a fault writes a sentence naming the first bad parameter into why. */
static int check_filters(const struct audit_filters *f, const char *after, char *why, size_t whylen)
{
  const char *bad = NULL, *rule = NULL;
  if (f->table && !table_name(f->table)) {
    bad = "table";
    rule = "must be a table name: lower-case letters, digits and underscores, e.g. self_assessments";
  } else if (f->record_id && !plain_text(f->record_id, AUDIT_MAX_VALUE)) {
    bad = "record_id";
    rule = "must be a record's key of at most 255 bytes of UTF-8 text";
  } else if (f->sub && !plain_text(f->sub, AUDIT_MAX_VALUE)) {
    bad = "sub";
    rule = "must be a token subject of at most 255 bytes of UTF-8 text";
  } else if (f->org && !plain_text(f->org, AUDIT_MAX_VALUE)) {
    bad = "org";
    rule = "must be an organisation code of at most 255 bytes of UTF-8 text";
  } else if (f->from && !audit_is_timestamp(f->from)) {
    bad = "from";
    rule = "must be an RFC 3339 date-time, e.g. 2025-04-01T00:00:00Z";
  } else if (f->to && !audit_is_timestamp(f->to)) {
    bad = "to";
    rule = "must be an RFC 3339 date-time, e.g. 2025-04-01T00:00:00Z";
  } else if (after && (strspn(after, "0123456789") != strlen(after) || strlen(after) > AUDIT_MAX_CURSOR)) {
    bad = "cursor";
    rule = "is not a cursor this list gave out";
  }
  if (!bad)
    return PINS_OK;
  snprintf(why, whylen, "query parameter %s %s", bad, rule);
  return PINS_EINVALID;
}

int audit_list(struct ref_page *out, struct store_conn *db, const struct audit_filters *f, const char *after,
               int limit, char *why, size_t whylen)
{
  PGresult *res = NULL;
  char lim[16];
  int rc = check_filters(f, after, why, whylen);
  if (rc)
    goto done;
  snprintf(lim, sizeof lim, "%d", limit + 1);
  struct store_audit_query q = {.table = f->table, .record_id = f->record_id, .sub = f->sub, .org = f->org,
                                .from = f->from, .to = f->to, .after = after, .limit = lim};
  if ((rc = store_audit_list(&res, db, &q)) == PINS_OK)
    rc = project_page(out, res, limit);
done:
  PQclear(res);
  return rc;
}
