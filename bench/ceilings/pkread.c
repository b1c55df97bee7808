/* One-read ceiling: GET /v1/schools/{urn} answered by one prepared primary-key SELECT over libpq,
 * on a connection per pool worker (opened lazily, thread-local; CEIL_DATABASE_URL), the row
 * written out as JSON. No authentication, no logging: the cheapest a database-backed read can be. */
#include <libpq-fe.h>
#include <pthread.h>

#include "common.h"

static const char *dburl;
static __thread PGconn *conn;

static PGconn *worker_conn(void)
{
  if (conn && PQstatus(conn) == CONNECTION_OK)
    return conn;
  if (conn)
    PQfinish(conn);
  conn = PQconnectdb(dburl);
  if (PQstatus(conn) != CONNECTION_OK) {
    fprintf(stderr, "pkread: %s", PQerrorMessage(conn));
    return NULL;
  }
  PGresult *r = PQprepare(conn, "get",
                          "SELECT urn, name, la_code, phase, establishment_type, is_mainstream, status, valid_from,"
                          " valid_to FROM schools WHERE urn = $1::integer",
                          1, NULL);
  if (PQresultStatus(r) != PGRES_COMMAND_OK)
    fprintf(stderr, "pkread: prepare: %s", PQerrorMessage(conn));
  PQclear(r);
  return conn;
}

/* Appends s as a JSON string (quotes and backslashes escaped; control characters dropped). */
static size_t put_str(char *out, size_t n, size_t cap, const char *s)
{
  if (n < cap)
    out[n++] = '"';
  for (; *s && n + 2 < cap; s++) {
    if (*s == '"' || *s == '\\')
      out[n++] = '\\';
    if ((unsigned char)*s >= 0x20)
      out[n++] = *s;
  }
  if (n < cap)
    out[n++] = '"';
  return n;
}

static int get_school(const struct _u_request *req, struct _u_response *resp, void *data)
{
  (void)data;
  const char *p = req->url_path, *prefix = "/v1/schools/";
  if (strncmp(p, prefix, strlen(prefix)) != 0) {
    ulfius_set_string_body_response(resp, 404, "{}");
    return U_CALLBACK_COMPLETE;
  }
  const char *urn = p + strlen(prefix);
  PGconn *c = worker_conn();
  if (!c) {
    ulfius_set_string_body_response(resp, 503, "{}");
    return U_CALLBACK_COMPLETE;
  }
  const char *params[1] = {urn};
  PGresult *r = PQexecPrepared(c, "get", 1, params, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
    ulfius_set_string_body_response(resp, PQresultStatus(r) == PGRES_TUPLES_OK ? 404 : 500, "{}");
    PQclear(r);
    return U_CALLBACK_COMPLETE;
  }
  char out[2048];
  size_t n = (size_t)snprintf(out, sizeof out, "{\"urn\":%s,\"name\":", PQgetvalue(r, 0, 0));
  n = put_str(out, n, sizeof out, PQgetvalue(r, 0, 1));
  n += (size_t)snprintf(out + n, sizeof out - n, ",\"la_code\":\"%s\",\"phase\":\"%s\",\"establishment_type\":",
                        PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3));
  n = put_str(out, n, sizeof out, PQgetvalue(r, 0, 4));
  n += (size_t)snprintf(out + n, sizeof out - n,
                        ",\"is_mainstream\":%s,\"status\":\"%s\",\"valid_from\":\"%s\",\"valid_to\":%s%s%s}",
                        PQgetvalue(r, 0, 5)[0] == 't' ? "true" : "false", PQgetvalue(r, 0, 6), PQgetvalue(r, 0, 7),
                        PQgetisnull(r, 0, 8) ? "" : "\"", PQgetisnull(r, 0, 8) ? "null" : PQgetvalue(r, 0, 8),
                        PQgetisnull(r, 0, 8) ? "" : "\"");
  PQclear(r);
  if (n >= sizeof out)
    n = sizeof out - 1;
  ulfius_set_binary_body_response(resp, 200, out, n);
  u_map_put(resp->map_header, "Content-Type", "application/json");
  return U_CALLBACK_COMPLETE;
}

int main(int argc, char **argv)
{
  dburl = getenv("CEIL_DATABASE_URL");
  if (!dburl) {
    fprintf(stderr, "pkread: CEIL_DATABASE_URL is not set\n");
    return 2;
  }
  return ceiling_run(argc, argv, get_school);
}
