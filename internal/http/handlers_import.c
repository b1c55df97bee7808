#include <stdio.h>
#include <string.h>
#include <strings.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

#include "core/status.h"
#include "domain/school_import.h"
#include "http/handlers.h"
#include "http/problem.h"

/* CSV is Windows-1252 (as GIAS publishes it) unless the Content-Type says charset=utf-8. */
static bool is_csv(const char *ct, bool *cp1252)
{
  *cp1252 = !(ct && (strcasestr(ct, "charset=utf-8") || strcasestr(ct, "charset=\"utf-8\"")));
  return ct && strncasecmp(ct, "text/csv", 8) == 0;
}

void handle_schools_import(struct http_req *r)
{
  struct school_batch batch = {0};
  struct school_import_result result;
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *errors = json_array(), *body = NULL;
  char why[256];
  bool cp1252;
  int rc;

  if (is_csv(http_header(r, "Content-Type"), &cp1252)) {
    rc = school_import_parse_csv(&batch, r->u->binary_body, r->u->binary_body_length, cp1252, errors, why,
                                 sizeof why);
  } else {
    if (http_body_json(r, &body) != PINS_OK)
      goto done;
    rc = school_import_parse_json(&batch, body, errors, why, sizeof why);
  }
  if (rc == PINS_EINVALID) {
    problem_send(r, 422, why);
    goto done;
  }
  if (rc == PINS_OK)
    rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = school_import_run(&result, db, &batch, &actor, errors);
  if (rc) {
    problem_send_status(r, rc, NULL, NULL);
    goto done;
  }
  json_t *out = json_pack("{s:I, s:I, s:I, s:I, s:O, s:b}", "received", (json_int_t)result.received, "created",
                          (json_int_t)result.created, "updated", (json_int_t)result.updated, "unchanged",
                          (json_int_t)result.unchanged, "errors", errors, "errors_truncated",
                          result.errors_truncated);
  http_send_json(r, 200, out);
  json_decref(out);
done:
  school_batch_free(&batch);
  json_decref(body);
  json_decref(errors);
#ifdef __GLIBC__
  /* A JSON import of 100,000 rows is millions of small blocks (Jansson's objects); freed, they
   * stayed in the worker thread's malloc arena, and the process held ~180 MB after one import.
   * Imports are rare: give the free pages back (a few milliseconds). */
  malloc_trim(0);
#endif
}
