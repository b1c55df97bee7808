#include "store/db.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/status.h"

struct store_pool {
  pthread_mutex_t mu;
  pthread_cond_t freed;
  char *url;
  unsigned size;
  unsigned nfree;
  struct store_conn **free_list; /* stack of idle connections */
  struct store_conn *conns;
};

static atomic_int next_stmt_id = 1;

int store_pool_new(struct store_pool **out, const char *url, unsigned size)
{
  int status = PINS_ENOMEM;
  struct store_pool *p = calloc(1, sizeof *p);
  if (!p)
    goto done;
  p->url = strdup(url);
  p->conns = calloc(size, sizeof *p->conns);
  p->free_list = calloc(size, sizeof *p->free_list);
  if (!p->url || !p->conns || !p->free_list)
    goto done;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->freed, NULL);
  p->size = size;
  for (unsigned i = 0; i < size; i++) {
    p->conns[i].pool = p;
    p->free_list[p->nfree++] = &p->conns[i];
  }
  *out = p;
  p = NULL;
  status = PINS_OK;
done:
  if (p) {
    free(p->url);
    free(p->conns);
    free(p->free_list);
    free(p);
  }
  return status;
}

void store_pool_free(struct store_pool *pool)
{
  if (!pool)
    return;
  for (unsigned i = 0; i < pool->size; i++)
    if (pool->conns[i].pg)
      PQfinish(pool->conns[i].pg);
  pthread_mutex_destroy(&pool->mu);
  pthread_cond_destroy(&pool->freed);
  free(pool->url);
  free(pool->conns);
  free(pool->free_list);
  free(pool);
}

static void conn_forget(struct store_conn *c)
{
  if (c->pg)
    PQfinish(c->pg);
  c->pg = NULL;
  memset(c->prepared, 0, sizeof c->prepared);
  c->in_tx = false;
  c->begin_pending = false;
}

static int conn_open(struct store_conn *c, const char *url)
{
  /* connect_timeout bounds the wait when the host is unreachable; the settings keep
   * each session predictable (UTC dates, no statement left running for ever). */
  const char *keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
  const char *vals[] = {url, "3", "pins-hub", "-c TimeZone=UTC -c statement_timeout=30000", NULL};
  conn_forget(c);
  c->pg = PQconnectdbParams(keys, vals, 1);
  if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
    log_msg(LOG_WARN, NULL, "database connection failed: %s", c->pg ? PQerrorMessage(c->pg) : "out of memory");
    conn_forget(c);
    return PINS_EUNAVAILABLE;
  }
  c->generation++;
  return PINS_OK;
}

int store_acquire(struct store_conn **out, struct store_pool *pool)
{
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 5;
  pthread_mutex_lock(&pool->mu);
  while (pool->nfree == 0) {
    if (pthread_cond_timedwait(&pool->freed, &pool->mu, &deadline) == ETIMEDOUT) {
      pthread_mutex_unlock(&pool->mu);
      log_msg(LOG_WARN, NULL, "no database connection came free within 5 s");
      return PINS_EUNAVAILABLE;
    }
  }
  struct store_conn *c = pool->free_list[--pool->nfree];
  pthread_mutex_unlock(&pool->mu);

  if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
    if (conn_open(c, pool->url) != PINS_OK) {
      store_release(pool, c);
      return PINS_EUNAVAILABLE;
    }
  }
  c->used = false;
  c->gate = NULL;
  c->gate_denied = 0;
  *out = c;
  return PINS_OK;
}

void store_release(struct store_pool *pool, struct store_conn *conn)
{
  if (!conn)
    return;
  if (conn->in_tx)
    store_rollback(conn);
  conn->gate = NULL;
  conn->gate_denied = 0;
  pthread_mutex_lock(&pool->mu);
  pool->free_list[pool->nfree++] = conn;
  pthread_cond_signal(&pool->freed);
  pthread_mutex_unlock(&pool->mu);
}

static void copy_field(char *dst, size_t cap, const PGresult *res, int field)
{
  const char *v = res ? PQresultErrorField(res, field) : NULL;
  snprintf(dst, cap, "%s", v ? v : "");
}

static int map_failure(struct store_conn *c, PGresult *res)
{
  copy_field(c->sqlstate, sizeof c->sqlstate, res, PG_DIAG_SQLSTATE);
  copy_field(c->constraint, sizeof c->constraint, res, PG_DIAG_CONSTRAINT_NAME);
  copy_field(c->message, sizeof c->message, res, PG_DIAG_MESSAGE_PRIMARY);
  if (strcmp(c->sqlstate, "PN404") == 0 || strcmp(c->sqlstate, "PN403") == 0) { /* access_gate */
    c->gate_denied = strcmp(c->sqlstate, "PN404") == 0 ? PINS_ENOTFOUND : PINS_EFORBIDDEN;
    return c->gate_denied;
  }
  if (PQstatus(c->pg) != CONNECTION_OK || strncmp(c->sqlstate, "08", 2) == 0 ||
      strncmp(c->sqlstate, "57P", 3) == 0) {
    conn_forget(c);
    return PINS_EUNAVAILABLE;
  }
  if (strcmp(c->sqlstate, "23505") == 0 || strcmp(c->sqlstate, "23503") == 0 ||
      strcmp(c->sqlstate, "40001") == 0 || strcmp(c->sqlstate, "40P01") == 0)
    return PINS_ECONFLICT;
  if (strncmp(c->sqlstate, "22", 2) == 0 || strcmp(c->sqlstate, "23514") == 0 || strcmp(c->sqlstate, "23502") == 0)
    return PINS_EINVALID;
  log_msg(LOG_ERROR, NULL, "database error %s: %s", c->sqlstate, c->message);
  return PINS_ERROR;
}

static int stmt_id(struct store_stmt *stmt)
{
  int id = atomic_load_explicit(&stmt->id, memory_order_acquire);
  if (id)
    return id;
  int fresh = atomic_fetch_add(&next_stmt_id, 1);
  int expected = 0;
  if (atomic_compare_exchange_strong(&stmt->id, &expected, fresh))
    return fresh;
  return expected;
}

enum { TEXT_OID = 25, MAX_PARAMS = 32 };

static int exec_once(PGresult **out, struct store_conn *c, struct store_stmt *stmt, int n, const char *const *params)
{
  if (!c->pg)
    return PINS_EUNAVAILABLE;
  if (n > MAX_PARAMS) {
    log_msg(LOG_ERROR, NULL, "a statement with %d parameters (at most %d)", n, MAX_PARAMS);
    return PINS_ERROR;
  }
  Oid types[MAX_PARAMS];
  for (int i = 0; i < n; i++)
    types[i] = TEXT_OID;
  const Oid *declared = stmt->text_params ? types : NULL;
  int id = stmt_id(stmt);
  char name[16];
  snprintf(name, sizeof name, "s%d", id);
  PGresult *res;
  if (id >= STORE_MAX_STMTS) { /* more statements than the per-connection table: run unprepared */
    res = PQexecParams(c->pg, stmt->sql, n, declared, params, NULL, NULL, 0);
  } else {
    if (!c->prepared[id]) {
      PGresult *pr = PQprepare(c->pg, name, stmt->sql, declared ? n : 0, declared);
      if (PQresultStatus(pr) != PGRES_COMMAND_OK) {
        int rc = map_failure(c, pr);
        if (rc != PINS_EUNAVAILABLE)
          log_msg(LOG_ERROR, NULL, "prepare failed: %s", c->message);
        PQclear(pr);
        return rc;
      }
      PQclear(pr);
      c->prepared[id] = 1;
    }
    res = PQexecPrepared(c->pg, name, n, params, NULL, NULL, 0);
  }
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    int rc = map_failure(c, res);
    PQclear(res);
    return rc;
  }
  *out = res;
  return PINS_OK;
}

int store_exec(PGresult **out, struct store_conn *c, struct store_stmt *stmt, int n, const char *const *params)
{
  if (c->gate_denied)
    return c->gate_denied;
  if (c->begin_pending || c->gate)
    return store_pipeline(c, &(struct store_step){stmt, n, params, out}, 1);
  bool first = !c->used && !c->in_tx;
  c->used = true;
  int rc = exec_once(out, c, stmt, n, params);
  /* A connection that died while idle in the pool (PostgreSQL restarted) is only noticed on use.
   * Nothing has run on it yet for this request, so reconnecting and retrying is safe. */
  if (rc == PINS_EUNAVAILABLE && first && conn_open(c, c->pool->url) == PINS_OK)
    rc = exec_once(out, c, stmt, n, params);
  return rc;
}

static pthread_mutex_t filtered_mu = PTHREAD_MUTEX_INITIALIZER;

/* Builds the text of one variant once; it lives as long as the process. */
static struct store_stmt *filtered_variant(struct store_filtered *f, unsigned mask)
{
  struct store_stmt *v = &f->variants[mask];
  if (atomic_load_explicit(&f->built[mask], memory_order_acquire))
    return v;
  pthread_mutex_lock(&filtered_mu);
  if (!atomic_load_explicit(&f->built[mask], memory_order_relaxed)) {
    size_t len = strlen(f->head) + strlen(f->tail) + 1;
    for (unsigned i = 0; f->clauses[i]; i++)
      if (mask & (1u << i))
        len += 5 + strlen(f->clauses[i]);
    char *sql = malloc(len);
    if (sql) {
      char *o = stpcpy(sql, f->head);
      for (unsigned i = 0; f->clauses[i]; i++)
        if (mask & (1u << i))
          o = stpcpy(stpcpy(o, " AND "), f->clauses[i]);
      strcpy(o, f->tail);
      v->sql = sql;
      v->text_params = true;
      atomic_store_explicit(&f->built[mask], true, memory_order_release);
    }
  }
  pthread_mutex_unlock(&filtered_mu);
  return atomic_load_explicit(&f->built[mask], memory_order_acquire) ? v : NULL;
}

int store_exec_filtered(PGresult **out, struct store_conn *c, struct store_filtered *f, int n,
                        const char *const *params)
{
  unsigned mask = 0;
  for (unsigned i = 0; f->clauses[i]; i++) {
    int k = f->first - 1 + (int)i;
    if (k < n && params[k])
      mask |= 1u << i;
  }
  struct store_stmt *v = filtered_variant(f, mask);
  return v ? store_exec(out, c, v, n, params) : PINS_ENOMEM;
}

int store_run(struct store_conn *c, struct store_stmt *stmt, int n, const char *const *params)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, c, stmt, n, params);
  PQclear(res);
  return rc;
}

static struct store_stmt stmt_begin = STORE_STMT("BEGIN");
static struct store_stmt stmt_actor =
    STORE_STMT("SELECT set_config('pins.actor_role', coalesce($1, ''), true),"
               " set_config('pins.actor_org', coalesce($2, ''), true),"
               " set_config('pins.actor_sub', coalesce($3, ''), true),"
               " set_config('pins.request_id', coalesce($4, ''), true),"
               " set_config('pins.client_request_id', coalesce($5, ''), true)");
static struct store_stmt stmt_notify = STORE_STMT("NOTIFY pins_outbox");
static struct store_stmt stmt_commit = STORE_STMT("COMMIT");
static struct store_stmt stmt_rollback = STORE_STMT("ROLLBACK");

/* What one message of a pipeline was: the step it belongs to, and whether it prepares it. */
struct sent {
  int step;
  int prepare_id; /* > 0: the Prepare of statement s<id> */
};

/* Sends the steps, then reads their results in order: each message's results, a NULL, and at the
 * end the sync. A broken connection gives an error and then only NULLs. *first_ok is set when the
 * first step ran and succeeded. */
static int pipeline_once(struct store_conn *c, const struct store_step *steps, int n, bool *first_ok)
{
  if (!c->pg)
    return PINS_EUNAVAILABLE;
  if (n < 1 || n > STORE_MAX_STEPS + STORE_DEFERRED_STEPS || PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF ||
      !PQenterPipelineMode(c->pg)) {
    log_msg(LOG_ERROR, NULL, "cannot pipeline %d statements: %s", n, PQerrorMessage(c->pg));
    return PINS_ERROR;
  }
  struct sent sent[2 * (STORE_MAX_STEPS + STORE_DEFERRED_STEPS)] = {{0, 0}};
  int nsent = 0;
  bool ok = true;
  Oid types[MAX_PARAMS];
  for (int i = 0; i < MAX_PARAMS; i++)
    types[i] = TEXT_OID;
  for (int i = 0; ok && i < n; i++) {
    const struct store_step *s = &steps[i];
    const Oid *declared = s->stmt->text_params ? types : NULL;
    int id = stmt_id(s->stmt);
    char name[16];
    snprintf(name, sizeof name, "s%d", id);
    if (s->nparams > MAX_PARAMS) {
      ok = false;
    } else if (id >= STORE_MAX_STMTS) {
      ok = PQsendQueryParams(c->pg, s->stmt->sql, s->nparams, declared, s->params, NULL, NULL, 0);
      sent[nsent++] = (struct sent){i, 0};
    } else {
      if (!c->prepared[id]) {
        ok = PQsendPrepare(c->pg, name, s->stmt->sql, declared ? s->nparams : 0, declared);
        sent[nsent++] = (struct sent){i, id};
      }
      ok = ok && PQsendQueryPrepared(c->pg, name, s->nparams, s->params, NULL, NULL, 0);
      sent[nsent++] = (struct sent){i, 0};
    }
  }
  ok = ok && PQpipelineSync(c->pg);
  PGresult *failed = NULL, *res;
  for (int k = 0; ok && k < nsent; k++) {
    while ((res = PQgetResult(c->pg))) {
      ExecStatusType st = PQresultStatus(res);
      PGresult **out = steps[sent[k].step].out;
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (sent[k].prepare_id)
          c->prepared[sent[k].prepare_id] = 1;
        else if (sent[k].step == 0)
          *first_ok = true;
        if (!sent[k].prepare_id && out && !*out) {
          *out = res;
          res = NULL;
        }
      } else if (!failed && st != PGRES_PIPELINE_ABORTED) {
        failed = res;
        res = NULL;
      }
      PQclear(res);
    }
  }
  if (ok) {
    res = PQgetResult(c->pg);
    ok = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
    PQclear(res);
  }
  int rc = PINS_OK;
  if (failed || !ok)
    rc = map_failure(c, failed); /* forgets a broken connection */
  PQclear(failed);
  if (c->pg && !PQexitPipelineMode(c->pg)) {
    log_msg(LOG_ERROR, NULL, "database pipeline left unfinished: %s", PQerrorMessage(c->pg));
    conn_forget(c);
    rc = rc ? rc : PINS_ERROR;
  }
  c->in_tx = c->pg && (PQtransactionStatus(c->pg) == PQTRANS_INTRANS || PQtransactionStatus(c->pg) == PQTRANS_INERROR);
  if (rc)
    for (int i = 0; i < n; i++)
      if (steps[i].out) {
        PQclear(*steps[i].out);
        *steps[i].out = NULL;
      }
  return rc;
}

/* The steps that go first: a staged access check (store_gate), then a deferred BEGIN
 * (store_begin) and its actor settings. */
static int deferred_steps(struct store_conn *c, struct store_step *out)
{
  int k = 0;
  if (c->gate)
    out[k++] = (struct store_step){c->gate, c->gate_n, c->gate_params, NULL};
  if (c->begin_pending)
    out[k++] = (struct store_step){&stmt_begin, 0, NULL, NULL};
  if (c->begin_pending && c->begin_actor)
    out[k++] = (struct store_step){&stmt_actor, 5, c->actor, NULL};
  return k;
}

int store_pipeline(struct store_conn *c, const struct store_step *steps, int n)
{
  struct store_step all[STORE_MAX_STEPS + STORE_DEFERRED_STEPS];
  if (c->gate_denied)
    return c->gate_denied;
  if (n < 0 || n > STORE_MAX_STEPS)
    return PINS_ERROR;
  bool first = !c->used && (!c->in_tx || c->begin_pending);
  int k = deferred_steps(c, all);
  for (int i = 0; i < n; i++)
    all[k + i] = steps[i];
  struct store_stmt *gate = c->gate;
  bool gate_ok = false;
  c->begin_pending = false;
  c->gate = NULL;
  c->used = true;
  if (k + n == 0)
    return PINS_OK;
  int rc = pipeline_once(c, all, k + n, &gate_ok);
  /* As store_exec: a connection that died idle in the pool is reconnected when nothing ran yet. */
  if (rc == PINS_EUNAVAILABLE && first && conn_open(c, c->pool->url) == PINS_OK) {
    gate_ok = false;
    rc = pipeline_once(c, all, k + n, &gate_ok);
  }
  /* A check that neither passed nor refused (the pipeline failed before or at it in another way:
   * a cancelled statement, a lost connection) stays staged, so that nothing runs unchecked. */
  if (rc && gate && !gate_ok && !c->gate_denied)
    c->gate = gate;
  return rc;
}

int store_result_text(char **out, PGresult *res)
{
  int rc = PINS_OK;
  *out = NULL;
  if (!res || PQntuples(res) == 0 || PQgetisnull(res, 0, 0))
    rc = PINS_ENOTFOUND;
  else if (!(*out = strdup(PQgetvalue(res, 0, 0))))
    rc = PINS_ENOMEM;
  PQclear(res);
  return rc;
}

/* Copies n parameters into buf (cap bytes) and points dst at the copies; NULL stays NULL. */
static int copy_params(const char **dst, char *buf, size_t cap, const char *const *src, int n)
{
  size_t used = 0;
  for (int i = 0; i < n; i++) {
    dst[i] = NULL;
    if (!src[i])
      continue;
    size_t len = strlen(src[i]) + 1;
    if (len > cap - used)
      return PINS_EINVALID; /* the callers' values are bounded far below this */
    dst[i] = memcpy(buf + used, src[i], len);
    used += len;
  }
  return PINS_OK;
}

int store_gate(struct store_conn *c, struct store_stmt *stmt, int n, const char *const *params)
{
  if (c->gate || n > STORE_GATE_PARAMS) {
    log_msg(LOG_ERROR, NULL, "an access gate staged twice, or with %d parameters", n);
    return PINS_ERROR;
  }
  int rc = copy_params(c->gate_params, c->gate_buf, sizeof c->gate_buf, params, n);
  if (rc == PINS_OK) {
    c->gate = stmt;
    c->gate_n = n;
  }
  return rc;
}

int store_gate_settle(struct store_conn *c)
{
  if (c->gate_denied)
    return c->gate_denied;
  return c->gate ? store_pipeline(c, NULL, 0) : PINS_OK;
}

int store_begin(struct store_conn *c, const struct store_actor *actor)
{
  if (c->in_tx) {
    log_msg(LOG_ERROR, NULL, "a transaction begun inside another");
    return PINS_ERROR;
  }
  const char *v[5] = {actor ? actor->role : NULL, actor ? actor->org : NULL, actor ? actor->sub : NULL,
                      actor ? actor->request_id : NULL, actor ? actor->client_request_id : NULL};
  int rc = copy_params(c->actor, c->actor_buf, sizeof c->actor_buf, v, 5);
  if (rc)
    return rc;
  c->begin_actor = actor != NULL;
  c->begin_pending = true;
  c->in_tx = true;
  c->announce = false;
  return PINS_OK;
}

static _Atomic long long announced_ms; /* when this process's last NOTIFY was committed */

static long long now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void store_announce(struct store_conn *c)
{
  c->announce = true;
}

int store_commit_after(struct store_conn *c, const struct store_step *steps, int n)
{
  struct store_step all[STORE_MAX_STEPS];
  if (n < 0 || n > STORE_MAX_STEPS - 2)
    return PINS_ERROR;
  if (n == 0 && c->begin_pending) { /* nothing ran: nothing to commit */
    store_rollback(c);
    return PINS_OK;
  }
  for (int i = 0; i < n; i++)
    all[i] = steps[i];
  /* Within STORE_NOTIFY_EVERY_MS of the last NOTIFY the relay is still reading (LINGER_MS). */
  bool notify = c->announce && now_ms() - atomic_load(&announced_ms) >= STORE_NOTIFY_EVERY_MS;
  if (notify)
    all[n++] = (struct store_step){&stmt_notify, 0, NULL, NULL};
  all[n++] = (struct store_step){&stmt_commit, 0, NULL, NULL};
  int rc = store_pipeline(c, all, n);
  if (rc == PINS_OK && notify)
    atomic_store(&announced_ms, now_ms());
  if (rc == PINS_OK)
    c->announce = false;
  return rc;
}

int store_commit(struct store_conn *c)
{
  return store_commit_after(c, NULL, 0);
}

void store_rollback(struct store_conn *c)
{
  if (c->pg && PQstatus(c->pg) == CONNECTION_OK && !c->begin_pending)
    (void)store_run(c, &stmt_rollback, 0, NULL);
  c->in_tx = false;
  c->begin_pending = false;
  c->announce = false;
}

int store_exec_script(struct store_conn *c, const char *sql)
{
  int begun = store_pipeline(c, NULL, 0); /* a deferred BEGIN first */
  if (begun)
    return begun;
  PGresult *res = PQexec(c->pg, sql);
  ExecStatusType st = PQresultStatus(res);
  int rc = PINS_OK;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    rc = map_failure(c, res);
    log_msg(LOG_ERROR, NULL, "script failed: %s", c->message);
  }
  PQclear(res);
  return rc;
}

bool store_fk_field(const struct store_conn *c, char *buf, unsigned long cap)
{
  const char *name = c->constraint;
  size_t n = strlen(name);
  if (strcmp(c->sqlstate, "23503") != 0 || n < 6 || strcmp(name + n - 5, "_fkey") != 0)
    return false;
  /* <table>_<field>_fkey where table has no underscore-free guarantee: fields are the part after
   * the table name, which the constraint repeats; our migrations name FKs fk_<table>__<field>. */
  const char *sep = strstr(name, "__");
  if (!sep)
    return false;
  snprintf(buf, cap, "%.*s", (int)(name + n - 5 - (sep + 2)), sep + 2);
  return true;
}

int store_query_text(char **out, struct store_conn *c, struct store_stmt *stmt, int n, const char *const *params)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, c, stmt, n, params);
  return rc ? rc : store_result_text(out, res);
}

int store_query_bool(bool *out, struct store_conn *c, struct store_stmt *stmt, int n, const char *const *params)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, c, stmt, n, params);
  if (rc)
    return rc;
  *out = PQntuples(res) > 0 && PQgetvalue(res, 0, 0)[0] == 't';
  PQclear(res);
  return PINS_OK;
}

int store_affected(struct store_conn *c, struct store_stmt *stmt, int n, const char *const *params, long *rows)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, c, stmt, n, params);
  if (rc)
    return rc;
  *rows = atol(PQcmdTuples(res));
  PQclear(res);
  return PINS_OK;
}

int store_query_doc(char **doc, long long *version, struct store_conn *c, struct store_stmt *stmt, int n,
                    const char *const *params)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, c, stmt, n, params);
  if (rc)
    return rc;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) > 0) {
    *doc = strdup(PQgetvalue(res, 0, 0));
    if (version)
      *version = atoll(PQgetvalue(res, 0, 1));
    rc = *doc ? PINS_OK : PINS_ENOMEM;
  }
  PQclear(res);
  return rc;
}

int store_copy_text(char *dst, size_t cap, const char *src)
{
  size_t len = strlen(src);
  if (cap == 0)
    return PINS_ERROR;
  if (len >= cap) {
    dst[0] = '\0';
    return PINS_ERROR;
  }
  memcpy(dst, src, len + 1);
  return PINS_OK;
}

int store_query_id(char *id, struct store_conn *c, struct store_stmt *stmt, int n, const char *const *params)
{
  char *text = NULL;
  int rc = store_query_text(&text, c, stmt, n, params);
  if (rc == PINS_OK)
    rc = store_copy_text(id, STORE_ID_LEN, text);
  free(text);
  return rc;
}
