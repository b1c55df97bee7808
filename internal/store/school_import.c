#include "store/school_import.h"

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

/* Appends s to buf in COPY text format (backslash, tab, newline and CR escaped). */
static size_t copy_escape(char *buf, const char *s)
{
  size_t n = 0;
  for (; *s; s++) {
    switch (*s) {
    case '\\': buf[n++] = '\\'; buf[n++] = '\\'; break;
    case '\t': buf[n++] = '\\'; buf[n++] = 't'; break;
    case '\n': buf[n++] = '\\'; buf[n++] = 'n'; break;
    case '\r': buf[n++] = '\\'; buf[n++] = 'r'; break;
    default: buf[n++] = *s;
    }
  }
  return n;
}

static int copy_rows(struct store_conn *db, const struct school_batch *b)
{
  int begun = store_pipeline(db, NULL, 0); /* a deferred BEGIN (store_begin) goes first */
  if (begun)
    return begun;
  PGresult *res = PQexec(db->pg, "COPY import_rows FROM STDIN");
  int ok = PQresultStatus(res) == PGRES_COPY_IN;
  PQclear(res);
  if (!ok)
    return PQstatus(db->pg) == CONNECTION_OK ? PINS_ERROR : PINS_EUNAVAILABLE;
  char *line = malloc(4096);
  for (size_t i = 0; ok && line && i < b->n; i++) {
    const struct school_row *r = &b->rows[i];
    /* every text field is at most 200 characters (checked), 4 bytes each, doubled by escaping */
    size_t n = (size_t)snprintf(line, 64, "%ld\t%d\t", r->row, r->urn);
    const char *texts[] = {r->name, r->la_code, r->phase, r->type};
    for (int t = 0; t < 4; t++) {
      n += copy_escape(line + n, texts[t]);
      line[n++] = '\t';
    }
    n += (size_t)sprintf(line + n, "%s\t", r->mainstream ? "t" : "f");
    n += copy_escape(line + n, r->status);
    n += (size_t)sprintf(line + n, "\t%s\t%s\n", r->valid_from, r->valid_to ? r->valid_to : "\\N");
    ok = PQputCopyData(db->pg, line, (int)n) == 1;
  }
  free(line);
  if (PQputCopyEnd(db->pg, ok && line ? NULL : "import aborted") != 1)
    ok = 0;
  while ((res = PQgetResult(db->pg))) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
      ok = 0;
    PQclear(res);
  }
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
  for (int i = 0; i < PQntuples(res); i++)
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
