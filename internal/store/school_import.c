#include "store/school_import.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

static struct store_stmt stmt_temp = STORE_STMT(
    "CREATE TEMP TABLE import_rows (row_no integer, urn integer, name text, la_code text, phase text,"
    " establishment_type text, is_mainstream boolean, status text, valid_from date, valid_to date) ON COMMIT DROP");
static struct store_stmt stmt_unknown_la = STORE_STMT(
    "SELECT row_no, la_code FROM import_rows i WHERE NOT EXISTS"
    " (SELECT 1 FROM local_authorities l WHERE l.code = i.la_code) ORDER BY row_no");
static struct store_stmt stmt_upsert = STORE_STMT(
    "INSERT INTO schools AS s (urn, name, la_code, phase, establishment_type, is_mainstream, status, valid_from,"
    " valid_to)"
    " SELECT urn, name, la_code, phase, establishment_type, is_mainstream, status, valid_from, valid_to"
    " FROM import_rows i WHERE EXISTS (SELECT 1 FROM local_authorities l WHERE l.code = i.la_code)"
    " ON CONFLICT (urn) DO UPDATE SET name = EXCLUDED.name, la_code = EXCLUDED.la_code, phase = EXCLUDED.phase,"
    " establishment_type = EXCLUDED.establishment_type, is_mainstream = EXCLUDED.is_mainstream,"
    " status = EXCLUDED.status, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,"
    " version = s.version + 1"
    " WHERE (s.name, s.la_code, s.phase, s.establishment_type, s.is_mainstream, s.status, s.valid_from, s.valid_to)"
    " IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.la_code, EXCLUDED.phase, EXCLUDED.establishment_type,"
    " EXCLUDED.is_mainstream, EXCLUDED.status, EXCLUDED.valid_from, EXCLUDED.valid_to)"
    " RETURNING (xmax = 0)");

/* One COPY line, built in a buffer that grows to fit it: the line's size comes from the values
 * themselves, never from what the validation is believed to allow. */
struct copy_line {
  char *p;
  size_t n, cap;
};

/* Makes room for extra more bytes. */
static int line_reserve(struct copy_line *l, size_t extra)
{
  if (extra <= l->cap - l->n)
    return PINS_OK;
  if (extra > SIZE_MAX / 2 - l->n)
    return PINS_ENOMEM;
  size_t cap = l->cap ? l->cap : 512;
  while (cap - l->n < extra)
    cap *= 2;
  char *p = realloc(l->p, cap);
  if (!p)
    return PINS_ENOMEM;
  l->p = p;
  l->cap = cap;
  return PINS_OK;
}

static int line_add(struct copy_line *l, const char *s, size_t len)
{
  int rc = line_reserve(l, len);
  if (rc == PINS_OK) {
    memcpy(l->p + l->n, s, len);
    l->n += len;
  }
  return rc;
}

/* Appends s in COPY text format (backslash, tab, newline and CR escaped: at most two bytes each)
 * and then sep. */
static int line_text(struct copy_line *l, const char *s, char sep)
{
  size_t len = strlen(s);
  int rc = len > SIZE_MAX / 2 - 1 ? PINS_ENOMEM : line_reserve(l, 2 * len + 1);
  if (rc)
    return rc;
  for (; *s; s++) {
    const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;
    if (esc) {
      memcpy(l->p + l->n, esc, 2);
      l->n += 2;
    } else {
      l->p[l->n++] = *s;
    }
  }
  l->p[l->n++] = sep;
  return PINS_OK;
}

static int line_row(struct copy_line *l, const struct school_row *r)
{
  char num[48]; /* two integers: long and int, at most 20 and 11 characters, and two tabs */
  int rc, len = snprintf(num, sizeof num, "%ld\t%d\t", r->row, r->urn);
  l->n = 0;
  if (len < 0 || (size_t)len >= sizeof num)
    return PINS_ERROR;
  if ((rc = line_add(l, num, (size_t)len)) || (rc = line_text(l, r->name, '\t')) ||
      (rc = line_text(l, r->la_code, '\t')) || (rc = line_text(l, r->phase, '\t')) ||
      (rc = line_text(l, r->type, '\t')) || (rc = line_text(l, r->mainstream ? "t" : "f", '\t')) ||
      (rc = line_text(l, r->status, '\t')) || (rc = line_text(l, r->valid_from, '\t')))
    return rc;
  if (r->valid_to)
    return line_text(l, r->valid_to, '\n');
  return line_add(l, "\\N\n", 3);
}

static int copy_rows(struct store_conn *db, const struct school_batch *b)
{
  struct copy_line line = {0};
  int begun = store_pipeline(db, NULL, 0); /* a deferred BEGIN (store_begin) goes first */
  if (begun)
    return begun;
  PGresult *res = PQexec(db->pg, "COPY import_rows FROM STDIN");
  int ok = PQresultStatus(res) == PGRES_COPY_IN, built = PINS_OK;
  PQclear(res);
  if (!ok)
    return PQstatus(db->pg) == CONNECTION_OK ? PINS_ERROR : PINS_EUNAVAILABLE;
  for (size_t i = 0; ok && i < b->n; i++) {
    built = line_row(&line, &b->rows[i]);
    if (built == PINS_OK && line.n > INT_MAX) /* PQputCopyData takes an int */
      built = PINS_ERROR;
    if (built != PINS_OK)
      break;
    ok = PQputCopyData(db->pg, line.p, (int)line.n) == 1;
  }
  free(line.p);
  if (built != PINS_OK)
    ok = 0;
  if (PQputCopyEnd(db->pg, ok ? NULL : "import aborted") != 1)
    ok = 0;
  while ((res = PQgetResult(db->pg))) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
      ok = 0;
    PQclear(res);
  }
  if (built != PINS_OK)
    return built;
  if (!ok)
    return PQstatus(db->pg) == CONNECTION_OK ? PINS_ERROR : PINS_EUNAVAILABLE;
  return PINS_OK;
}

int store_school_import(struct school_import_result *out, struct store_conn *db, const struct school_batch *b,
                        json_t *errors)
{
  PGresult *res = NULL;
  int rc;
  if ((rc = store_run(db, &stmt_temp, 0, NULL)) || (rc = copy_rows(db, b)))
    return rc;
  if ((rc = store_exec(&res, db, &stmt_unknown_la, 0, NULL)))
    return rc;
  long unknown = PQntuples(res);
  for (int i = 0; i < PQntuples(res) && !school_import_errors_full(errors); i++)
    json_array_append_new(errors, json_pack("{s:I, s:s, s:s+}", "row", (json_int_t)atol(PQgetvalue(res, i, 0)),
                                            "pointer", "/la_code", "detail", "names no local authority: ",
                                            PQgetvalue(res, i, 1)));
  PQclear(res);
  if ((rc = store_exec(&res, db, &stmt_upsert, 0, NULL)))
    return rc;
  for (int i = 0; i < PQntuples(res); i++) {
    if (PQgetvalue(res, i, 0)[0] == 't')
      out->created++;
    else
      out->updated++;
  }
  out->unchanged = (long)b->n - unknown - out->created - out->updated;
  PQclear(res);
  return PINS_OK;
}
