#ifndef PINS_HTTP_PAGINATION_H
#define PINS_HTTP_PAGINATION_H

#include "domain/refdata.h"
#include "http/request.h"

/* Cursor pagination: ?limit= (default 50, 1..500) and ?cursor= (opaque: base64url of the last
 * key seen). The next cursor goes in the body's next_cursor and a Link rel="next" header. */

#define PAGE_DEFAULT_LIMIT 50
#define PAGE_MAX_LIMIT 500

struct pagination {
  int limit;
  char after_buf[128];
  const char *after; /* NULL on the first page */
};

/* Reads limit and cursor; on a fault writes a sentence into why and returns PINS_EINVALID. */
int pagination_parse(struct pagination *pg, const struct http_req *r, char *why, size_t cap);

/* Sends 200 with {"items":[...],"next_cursor":...}. items_open is the body text up to and
 * including the items array ("{\"items\":[...]"); next_key is NULL on the last page. */
void pagination_send(struct http_req *r, const struct pagination *pg, const char *items_open, const char *next_key);

/* Fills a page of a list: PINS_EINVALID (with a sentence in why) for bad filters. */
typedef int (*page_fn)(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after, int limit,
                       char *why, size_t whylen);
/* Serves a paginated list: parses limit and cursor, calls fn, answers the page or the problem. */
void pagination_serve(struct http_req *r, page_fn fn);

/* The longest key a cursor carries, in bytes. */
#define PAGE_MAX_KEY (sizeof(((struct pagination *)0)->after_buf) - 1)

/* Encodes a key as a cursor into out (cap >= 180). PINS_EINVALID (and out empty) for a key longer
 * than PAGE_MAX_KEY, which pagination_parse could not give back. */
int pagination_cursor(char *out, size_t cap, const char *key);

#endif
