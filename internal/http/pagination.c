#include "http/pagination.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base64url.h"
#include "core/status.h"
#include "http/problem.h"

static const char cursor_tag[] = "k1:";

/* A cursor carries the tag and a key of up to PAGE_MAX_KEY bytes (what after_buf holds). */
#define CURSOR_RAW (sizeof cursor_tag - 1 + PAGE_MAX_KEY)

int pagination_cursor(char *out, size_t cap, const char *key)
{
  char raw[CURSOR_RAW + 1];
  size_t n = strlen(key);
  out[0] = '\0';
  if (n > PAGE_MAX_KEY)
    return PINS_EINVALID;
  n = (size_t)snprintf(raw, sizeof raw, "%s%s", cursor_tag, key);
  base64url_encode(out, cap, (const unsigned char *)raw, n);
  return PINS_OK;
}

int pagination_parse(struct pagination *pg, const struct http_req *r, char *why, size_t cap)
{
  /* ?after= is the event feed's name for the same opaque cursor */
  const char *limit = http_query(r, "limit"), *cursor = http_query(r, "cursor");
  if (!cursor)
    cursor = http_query(r, "after");
  pg->limit = PAGE_DEFAULT_LIMIT;
  pg->after = NULL;
  if (limit) {
    bool digits = strlen(limit) <= 4;
    for (const char *p = limit; digits && *p; p++)
      digits = isdigit((unsigned char)*p);
    int v = digits ? atoi(limit) : 0;
    if (v < 1 || v > PAGE_MAX_LIMIT) {
      snprintf(why, cap, "query parameter limit must be a whole number from 1 to %d", PAGE_MAX_LIMIT);
      return PINS_EINVALID;
    }
    pg->limit = v;
  }
  if (cursor) {
    unsigned char raw[CURSOR_RAW + 1];
    long n = strlen(cursor) < 180 ? base64url_decode(raw, sizeof raw - 1, cursor, strlen(cursor)) : -1;
    if (n <= (long)(sizeof cursor_tag - 1) || memcmp(raw, cursor_tag, sizeof cursor_tag - 1) != 0 ||
        memchr(raw, '\0', (size_t)n)) {
      snprintf(why, cap, "query parameter cursor is not a cursor this list gave out");
      return PINS_EINVALID;
    }
    memcpy(pg->after_buf, raw + sizeof cursor_tag - 1, (size_t)n - (sizeof cursor_tag - 1));
    pg->after_buf[(size_t)n - (sizeof cursor_tag - 1)] = '\0';
    pg->after = pg->after_buf;
  }
  return PINS_OK;
}

/* Rebuilds this request's URL with cursor replaced, for the Link header. */
static void next_link(char *out, size_t cap, const struct http_req *r, const char *cursor)
{
  size_t n = (size_t)snprintf(out, cap, "<%s?", r->u->url_path);
  const char **keys = u_map_enum_keys(r->u->map_url);
  for (int i = 0; keys && keys[i] && n < cap; i++) {
    if (strcmp(keys[i], "cursor") == 0 || strcmp(keys[i], "after") == 0)
      continue;
    char *k = ulfius_url_encode(keys[i]), *v = ulfius_url_encode(u_map_get(r->u->map_url, keys[i]));
    n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s=%s&", k ? k : "", v ? v : "");
    u_free(k);
    u_free(v);
  }
  if (n < cap)
    snprintf(out + n, cap - n, "cursor=%s>; rel=\"next\"", cursor);
}

void pagination_send(struct http_req *r, const struct pagination *pg, const char *items_open, const char *next_key)
{
  char cursor[200] = "", tail[256], link[2048];
  (void)pg;
  if (next_key) {
    if (pagination_cursor(cursor, sizeof cursor, next_key) != PINS_OK) {
      problem_send(r, 500, "the next page cannot be named by a cursor");
      return;
    }
    next_link(link, sizeof link, r, cursor);
    http_set_header(r, "Link", link);
    snprintf(tail, sizeof tail, ",\"next_cursor\":\"%s\"}", cursor);
  } else {
    snprintf(tail, sizeof tail, ",\"next_cursor\":null}");
  }
  size_t a = strlen(items_open), b = strlen(tail);
  char *body = malloc(a + b + 1);
  if (!body) {
    http_send(r, 500, "application/problem+json", "{\"type\":\"/problems/internal\",\"status\":500}", 41);
    return;
  }
  memcpy(body, items_open, a);
  memcpy(body + a, tail, b + 1);
  http_send(r, 200, "application/json", body, a + b);
  free(body);
}

void pagination_serve(struct http_req *r, page_fn fn)
{
  struct pagination pg;
  struct ref_page page = {0};
  struct store_conn *db = NULL;
  char why[256] = "";
  int rc = pagination_parse(&pg, r, why, sizeof why);
  if (rc == PINS_OK && (rc = http_db(r, &db)) == PINS_OK)
    rc = fn(&page, r, db, pg.after, pg.limit, why, sizeof why);
  if (rc == PINS_EINVALID)
    problem_send(r, 400, why);
  else if (rc)
    problem_send_status(r, rc, NULL, NULL);
  else
    pagination_send(r, &pg, page.body, page.next_key);
  refdata_page_free(&page);
}
