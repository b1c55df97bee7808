/* Cursor decoding and encoding (internal/http/pagination.c). The input (up to its first NUL) is
 * tried as ?cursor=, as ?after= and as ?limit=, then as a key to encode: a cursor is either
 * refused with a sentence or gives a NUL-free key that encodes back to a cursor giving the same
 * key; a limit is accepted only as 1..500; any key of up to 127 bytes without a NUL (the most a
 * cursor carries) round-trips through pagination_cursor and pagination_parse. */
#include "fuzz.h"

#include <ulfius.h>

#include "core/status.h"
#include "http/pagination.h"
#include "http/request.h"

static int parse(struct pagination *pg, const char *name, const char *value, char *why, size_t cap)
{
  struct _u_map query;
  struct _u_request u;
  memset(&u, 0, sizeof u);
  u_map_init(&query);
  u_map_put(&query, name, value);
  u.map_url = &query;
  struct http_req r = {.u = &u};
  why[0] = '\0';
  int rc = pagination_parse(pg, &r, why, cap);
  u_map_clean(&query);
  FUZZ_ASSERT(rc == PINS_OK || (rc == PINS_EINVALID && why[0]));
  return rc;
}

/* The cursor for key, decoded again, gives key back. */
static void round_trip(const char *key)
{
  char cursor[200], why[256];
  struct pagination pg;
  pagination_cursor(cursor, sizeof cursor, key);
  FUZZ_ASSERT(parse(&pg, "cursor", cursor, why, sizeof why) == PINS_OK);
  FUZZ_ASSERT(pg.after && strcmp(pg.after, key) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = fuzz_strndup(data, size), why[256];
  struct pagination pg;
  if (*s) {
    for (int i = 0; i < 2; i++) {
      if (parse(&pg, i ? "after" : "cursor", s, why, sizeof why) == PINS_OK) {
        FUZZ_ASSERT(pg.after == pg.after_buf && strlen(pg.after) < sizeof pg.after_buf);
        FUZZ_ASSERT(pg.limit == PAGE_DEFAULT_LIMIT);
        char key[sizeof pg.after_buf];
        memcpy(key, pg.after_buf, sizeof key);
        round_trip(key);
      }
    }
    if (parse(&pg, "limit", s, why, sizeof why) == PINS_OK)
      FUZZ_ASSERT(pg.limit >= 1 && pg.limit <= PAGE_MAX_LIMIT && pg.after == NULL);
  }
  char cursor[200];
  pagination_cursor(cursor, sizeof cursor, s); /* any key: no write or read out of bounds */
  FUZZ_ASSERT(memchr(cursor, '\0', sizeof cursor) != NULL);
  if (*s && strlen(s) < sizeof pg.after_buf) round_trip(s);
  free(s);
  return 0;
}
