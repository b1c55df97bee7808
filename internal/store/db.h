#ifndef PINS_STORE_DB_H
#define PINS_STORE_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

/* A PostgreSQL connection pool. Each connection prepares a statement the first time it runs it
 * and keeps it for its life; a reconnect forgets them. Checkout never holds a lock while talking
 * to the database. */

#define STORE_MAX_STMTS 2048

/* A statement: SQL text next to the function that runs it, prepared lazily per connection.
 * Declare as `static struct store_stmt X = STORE_STMT("SELECT ...");` */
struct store_stmt {
  const char *sql;
  _Atomic int id;    /* assigned on first use; 0 = not yet */
  bool text_params;  /* every parameter is declared text (so one may go unused); else inferred */
};
#define STORE_STMT(text) {.sql = (text), .id = 0, .text_params = false}

/* A list statement with optional filters. A catch-all "($n IS NULL OR col = $n)" statement has
 * one cached generic plan for every combination, which cannot use the index a given filter
 * needs (bench/README.md, finding 3); so each combination of filters present is a statement of
 * its own, built and prepared on first use: head, then " AND " + the clause of each filter whose
 * parameter is not NULL, then tail. Parameters are all sent as text: clauses cast them.
 * Declare as `static struct store_filtered X = STORE_FILTERED(head, first, tail, clause1, ...);`
 * where first is the (1-based) number of the parameter clause1 uses, clause2 uses first + 1... */
#define STORE_MAX_FILTERS 8
struct store_filtered {
  const char *head;
  const char *tail;
  int first;
  const char *clauses[STORE_MAX_FILTERS + 1]; /* NULL-terminated */
  struct store_stmt variants[1 << STORE_MAX_FILTERS];
  _Atomic bool built[1 << STORE_MAX_FILTERS];
};
#define STORE_FILTERED(h, f, t, ...) {.head = (h), .tail = (t), .first = (f), .clauses = {__VA_ARGS__, NULL}}

struct store_pool;

#define STORE_GATE_PARAMS 6

struct store_conn {
  struct store_pool *pool;
  PGconn *pg;
  unsigned char prepared[STORE_MAX_STMTS];
  bool in_tx;
  bool used;          /* a statement has run since checkout */
  bool announce;      /* this transaction added outbox rows: see store_announce */
  bool begin_pending; /* store_begin has not been sent yet: it goes with the first statement */
  bool begin_actor;   /* ... with the actor settings, whose values are copied here: */
  const char *actor[5];
  char actor_buf[1024];
  /* store_gate: an access check staged to go first with the next statements */
  struct store_stmt *gate;
  int gate_n;
  const char *gate_params[STORE_GATE_PARAMS];
  char gate_buf[512];
  int gate_denied; /* 0, or PINS_ENOTFOUND / PINS_EFORBIDDEN once the check has failed */
  unsigned long generation; /* bumped by every (re)connect: session state such as locks is gone */
  char sqlstate[6];    /* of the last failed statement */
  char constraint[64]; /* constraint name of the last failed statement, if any */
  char message[256];   /* primary message of the last failed statement */
};

/* Creates a pool of size connections to url. Connections open lazily, so this succeeds while
 * PostgreSQL is down. *out is freed with store_pool_free. */
int store_pool_new(struct store_pool **out, const char *url, unsigned size);
void store_pool_free(struct store_pool *pool);

/* Takes a connection, (re)connecting it if needed. PINS_EUNAVAILABLE when PostgreSQL cannot be
 * reached or no connection came free within a few seconds. Give it back with store_release. */
int store_acquire(struct store_conn **out, struct store_pool *pool);
/* Returns a connection; rolls back a transaction left open. NULL-safe. */
void store_release(struct store_pool *pool, struct store_conn *conn);

/* Runs a prepared statement with text parameters (NULL = SQL NULL). On success *out holds the
 * result (PGRES_TUPLES_OK or PGRES_COMMAND_OK), which the caller PQclears. Failures map to:
 * PINS_EUNAVAILABLE (connection lost), PINS_ECONFLICT (unique or foreign key violation: see
 * conn->sqlstate / conn->constraint), PINS_EINVALID (bad data: check or cast), PINS_ERROR. */
int store_exec(PGresult **out, struct store_conn *conn, struct store_stmt *stmt, int nparams,
               const char *const *params);
/* Runs the variant of a filtered list statement for the filters present in params (n in all). */
int store_exec_filtered(PGresult **out, struct store_conn *conn, struct store_filtered *f, int n,
                        const char *const *params);
/* As store_exec, discarding the result. */
int store_run(struct store_conn *conn, struct store_stmt *stmt, int nparams, const char *const *params);

/* The first column of the first row as a new string (free); PINS_ENOTFOUND for no row or NULL. */
int store_query_text(char **out, struct store_conn *conn, struct store_stmt *stmt, int nparams,
                     const char *const *params);
/* A new record's id (the first column of the first row, e.g. INSERT ... RETURNING id) into id,
 * which holds STORE_ID_LEN bytes. */
#define STORE_ID_LEN 40
/* Sizes, with the NUL, of the short values a statement hands back into a caller's array. Each
 * such array is declared with one of these names and every copy into it uses the same name, so a
 * size is stated once. */
#define STORE_STATUS_LEN 32 /* a status or kind name, e.g. open_proposed_to_close */
#define STORE_URN_LEN 8     /* a six-digit unique reference number */
#define STORE_CODE_LEN 8    /* an LA or ICB code */
#define STORE_QUARTER_LEN 16 /* a financial quarter, e.g. 2025-26-Q1 */
/* Copies src into dst, which holds cap bytes. PINS_ERROR, with dst "", when src does not fit:
 * a value cut short would mean another one (another status, another URN), so it is never cut. */
int store_copy_text(char *dst, size_t cap, const char *src);
int store_query_id(char *id, struct store_conn *conn, struct store_stmt *stmt, int nparams, const char *const *params);
/* A document and its version: column 0 of the first row as a new string (free), column 1 as a
 * number into *version (when not NULL). PINS_ENOTFOUND for no row. */
int store_query_doc(char **doc, long long *version, struct store_conn *conn, struct store_stmt *stmt, int nparams,
                    const char *const *params);
/* The first column of the first row as a boolean (false when there is no row). */
int store_query_bool(bool *out, struct store_conn *conn, struct store_stmt *stmt, int nparams,
                     const char *const *params);
/* Runs a statement and reports how many rows it changed. */
int store_affected(struct store_conn *conn, struct store_stmt *stmt, int nparams, const char *const *params,
                   long *rows);

/* One statement of a pipeline: out, when not NULL, receives its result (PQclear it). */
struct store_step {
  struct store_stmt *stmt;
  int nparams;
  const char *const *params;
  PGresult **out;
};
#define STORE_MAX_STEPS 8
#define STORE_DEFERRED_STEPS 3 /* what goes first: an access gate, BEGIN, the actor settings */
/* Runs up to STORE_MAX_STEPS statements in one round trip (libpq pipeline mode), preparing on the
 * way any this connection has not prepared yet. Each round trip costs both processes a wake-up on
 * a busy machine (bench/README.md). Stops at the first failure and returns its status (as
 * store_exec): the steps after it do not run, and a transaction it was in is failed. */
int store_pipeline(struct store_conn *conn, const struct store_step *steps, int n);
/* The first column of the first row of res as a new string (free); PINS_ENOTFOUND for no row or
 * NULL. Clears res. */
int store_result_text(char **out, PGresult *res);

/* Transactions. store_begin also records who acts (for the audit trigger): role, org, sub, the
 * server's request id and the one the client sent are set as transaction-local settings
 * pins.actor_role, pins.actor_org, pins.actor_sub, pins.request_id, pins.client_request_id. Any
 * may be NULL. */
struct store_actor {
  const char *role;
  const char *org;
  const char *sub;
  const char *request_id;
  const char *client_request_id;
};
/* store_begin sends nothing: BEGIN and the actor settings go with the transaction's first
 * statement, in one round trip (a transaction with none costs none). Errors reaching the
 * database therefore surface from that statement. */
int store_begin(struct store_conn *conn, const struct store_actor *actor);
int store_commit(struct store_conn *conn);
/* The transaction's last statements and its COMMIT in one round trip (n may be 0). */
int store_commit_after(struct store_conn *conn, const struct store_step *steps, int n);
void store_rollback(struct store_conn *conn);

/* Access gates. A record route's access check (router, internal/http/server.c) is a statement
 * that raises SQLSTATE PN404 when the caller may not see the record and PN403 when they may see it
 * but not do what the route does (SQL function access_gate, migration 015). store_gate stages it:
 * nothing is sent, and it goes first in the next round trip, ahead of a deferred BEGIN, so the
 * check and the handler's first statements cost one wake-up. A failed check makes PostgreSQL skip
 * the statements sent with it; the call that sent them returns PINS_ENOTFOUND or PINS_EFORBIDDEN,
 * and so does every later statement on the connection until it is released: nothing runs for a
 * caller the check refused. The parameters are copied. */
int store_gate(struct store_conn *conn, struct store_stmt *stmt, int nparams, const char *const *params);
/* Sends a staged check that no statement took along (the answer was made without the database).
 * PINS_OK when it passed or none was staged; PINS_ENOTFOUND / PINS_EFORBIDDEN when it failed. */
int store_gate_settle(struct store_conn *conn);

/* Says that this transaction added outbox rows, so that the relay hears of them (LISTEN
 * pins_outbox). A NOTIFY makes PostgreSQL serialise commits through their disk sync, so it goes
 * with a commit at most once every STORE_NOTIFY_EVERY_MS in this process, and the relay keeps
 * reading for a while after rows come (internal/events/relay.c, LINGER_MS). */
#define STORE_NOTIFY_EVERY_MS 20
void store_announce(struct store_conn *conn);

/* Runs plain SQL text (migrations only: no parameters). */
int store_exec_script(struct store_conn *conn, const char *sql);

/* True when the statement failed on a foreign key named <table>__<field>_fkey (the migrations'
 * convention); writes field into buf. */
bool store_fk_field(const struct store_conn *conn, char *buf, unsigned long cap);

#endif
