#include "store/migrate.h"

#include <string.h>

#include "core/embedded.h"
#include "core/log.h"
#include "core/status.h"

static struct store_stmt stmt_lock = STORE_STMT("SELECT pg_advisory_lock(7061626)");
static struct store_stmt stmt_unlock = STORE_STMT("SELECT pg_advisory_unlock(7061626)");
static struct store_stmt stmt_table = STORE_STMT("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                                 " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
static struct store_stmt stmt_seen = STORE_STMT("SELECT 1 FROM schema_migrations WHERE name = $1");
static struct store_stmt stmt_record = STORE_STMT("INSERT INTO schema_migrations (name) VALUES ($1)");

static const char prefix[] = "sql/migrations/";

static int apply_one(struct store_conn *conn, const struct embedded_file *f, int *applied)
{
  PGresult *res = NULL;
  const char *name = f->path + sizeof prefix - 1;
  int rc = store_exec(&res, conn, &stmt_seen, 1, &name);
  if (rc)
    return rc;
  int seen = PQntuples(res) > 0;
  PQclear(res);
  if (seen)
    return PINS_OK;
  if ((rc = store_begin(conn, NULL)))
    return rc;
  if ((rc = store_exec_script(conn, f->data)) || (rc = store_run(conn, &stmt_record, 1, &name))) {
    store_rollback(conn);
    log_msg(LOG_ERROR, NULL, "migration %s failed", name);
    return rc;
  }
  if ((rc = store_commit(conn)))
    return rc;
  log_msg(LOG_INFO, NULL, "applied migration %s", name);
  (*applied)++;
  return PINS_OK;
}

int store_migrate(struct store_conn *conn, int *applied)
{
  int rc;
  *applied = 0;
  if ((rc = store_run(conn, &stmt_lock, 0, NULL)))
    return rc;
  rc = store_run(conn, &stmt_table, 0, NULL);
  /* embedded_files is in name order (the Makefile sorts it). */
  for (const struct embedded_file *f = embedded_files; rc == PINS_OK && f->path; f++)
    if (strncmp(f->path, prefix, sizeof prefix - 1) == 0)
      rc = apply_one(conn, f, applied);
  int urc = store_run(conn, &stmt_unlock, 0, NULL);
  return rc ? rc : urc;
}
