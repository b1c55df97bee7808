#include "http/edge.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/status.h"
#include "core/utf8.h"
#include "http/exchange.h"
#include "http/listen.h"
#include "http/router.h"
#include "http/server.h"

enum { SWEEP_EVERY_MS = 100, IP_BUCKETS = 1024, QUIESCE_WAIT_MS = 10000 };

/* A chunked body that passes its route's limit is no longer kept; the rest is read and dropped, up
 * to this many bytes more (and within the request's deadline), so that a client still sending
 * can finish and read the 413. Past it, the 413 goes straight to the socket and the connection is
 * closed (the client may then see a reset instead). */
#define DRAIN_MAX_BYTES ((size_t)4 << 20)

/* Where a connection's current request is. The MHD thread moves it HEAD -> WORK (first call of
 * the access handler) -> BODY (reading the body) -> WORK (answering) -> HEAD (next request); the
 * sweeper moves HEAD or BODY to CUT. Both use compare-and-swap, so exactly one of them answers. */
enum phase { PHASE_HEAD, PHASE_BODY, PHASE_WORK, PHASE_CUT };

struct ip_count {
  unsigned char addr[16];
  unsigned count;
  struct ip_count *next;
};

struct edge_req;

/* One client connection, from accept to close (MHD's socket context). */
struct edge_conn {
  MHD_socket fd;
  struct ip_count *ip;
  struct edge_conn *prev, *next; /* every open connection; guarded by edge.lock */
  struct edge_req *req;          /* the request between its request line and completion; guarded by edge.lock */
  atomic_int phase;
  atomic_llong deadline_us;
  long long head_us; /* when the current request's time began (written by the MHD thread in HEAD/WORK) */
};

/* One request, from its request line to its completion (MHD's request context). */
struct edge_req {
  struct exchange x;
  struct edge_conn *conn;
  size_t body_cap;
  size_t drained; /* bytes dropped after the body passed its limit */
  bool begun, ended, over;
};

struct edge {
  struct server *srv;
  struct MHD_Daemon **daemons;
  unsigned daemon_count;
  atomic_int requests_open; /* between a request line and its completion: shutdown waits for these */
  pthread_mutex_t lock;     /* the connection list, the per-address counts, each conn's req */
  struct edge_conn *conns;
  struct ip_count *ips[IP_BUCKETS];
  pthread_t sweeper;
  bool sweeper_running;
  bool stopping; /* guarded by lock; the sweeper's signal to end */
  unsigned long refused;        /* guarded by lock: connections refused over the per-address limit */
  long long refused_logged_us;  /* and when that was last logged (at most once a second) */
  pthread_cond_t wake;
};

static long long now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long timeout_us(const struct edge *e)
{
  return (long long)e->srv->cfg->request_timeout * 1000000;
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
    msg[--n] = '\0';
  log_msg(LOG_DEBUG, NULL, "libmicrohttpd: %s", msg);
}

/* ---- raw answers: written straight to the socket where libmicrohttpd cannot queue one ---- */

/* Writes resp as a complete HTTP/1.1 response with Connection: close (best effort: the socket is
 * closed next either way). */
static void send_raw(MHD_socket fd, const struct _u_response *resp)
{
  char head[4096];
  long status = resp->status ? resp->status : 500;
  const char *reason = MHD_get_reason_phrase_for((unsigned)status);
  size_t n = (size_t)snprintf(head, sizeof head, "HTTP/1.1 %ld %s\r\n", status, reason ? reason : "");
  const char **keys = resp->map_header ? u_map_enum_keys(resp->map_header) : NULL;
  /* Headers that do not fit are left out; 64 bytes stay for the two below. */
  for (size_t i = 0; keys && keys[i] && sizeof head - n > 64; i++) {
    const char *v = u_map_get(resp->map_header, keys[i]);
    size_t room = sizeof head - n - 64;
    int w = snprintf(head + n, room, "%s: %s\r\n", keys[i], v ? v : "");
    if (w > 0 && (size_t)w < room)
      n += (size_t)w;
    else
      head[n] = '\0';
  }
  n += (size_t)snprintf(head + n, sizeof head - n, "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                        resp->binary_body ? resp->binary_body_length : 0);
  struct iovec iov[2] = {{head, n}, {resp->binary_body, resp->binary_body ? resp->binary_body_length : 0}};
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
  ssize_t sent = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)sent;
}

/* ---- per-address connection counts ---- */

static void ip_key(unsigned char out[16], const struct sockaddr *sa)
{
  memset(out, 0, 16);
  if (sa && sa->sa_family == AF_INET) {
    out[10] = out[11] = 0xff; /* as an IPv4-mapped IPv6 address */
    memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
  } else if (sa && sa->sa_family == AF_INET6) {
    memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
  }
}

static unsigned ip_hash(const unsigned char addr[16])
{
  unsigned h = 2166136261u;
  for (int i = 0; i < 16; i++)
    h = (h ^ addr[i]) * 16777619u;
  return h % IP_BUCKETS;
}

/* Counts one more connection from addr (lock held). Returns its entry, or NULL when out of memory. */
static struct ip_count *ip_add(struct edge *e, const unsigned char addr[16])
{
  unsigned b = ip_hash(addr);
  struct ip_count *c = e->ips[b];
  while (c && memcmp(c->addr, addr, 16) != 0)
    c = c->next;
  if (!c) {
    c = calloc(1, sizeof *c);
    if (!c)
      return NULL;
    memcpy(c->addr, addr, 16);
    c->next = e->ips[b];
    e->ips[b] = c;
  }
  c->count++;
  return c;
}

static void ip_remove(struct edge *e, struct ip_count *c)
{
  if (!c || --c->count > 0)
    return;
  struct ip_count **p = &e->ips[ip_hash(c->addr)];
  while (*p != c)
    p = &(*p)->next;
  *p = c->next;
  free(c);
}

static const char too_many_connections[] =
    "{\"type\":\"/problems/too-many-requests\",\"title\":\"Too many requests\",\"status\":429,"
    "\"detail\":\"too many open connections from your address; close some and retry\",\"instance\":\"\"}";

static void refuse_connection(struct edge_conn *c)
{
  struct _u_response resp = {.status = 429, .binary_body = (void *)too_many_connections,
                             .binary_body_length = sizeof too_many_connections - 1};
  struct _u_map headers;
  u_map_init(&headers);
  u_map_put(&headers, "Content-Type", "application/problem+json");
  u_map_put(&headers, "Retry-After", "1");
  resp.map_header = &headers;
  send_raw(c->fd, &resp);
  u_map_clean(&headers);
  shutdown(c->fd, SHUT_RDWR);
}

/* ---- connection and request lifecycle (MHD callbacks) ---- */

static void connection_notified(void *cls, struct MHD_Connection *con, void **socket_context,
                                enum MHD_ConnectionNotificationCode code)
{
  struct edge *e = cls;
  struct edge_conn *c = *socket_context;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *fd = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *addr = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    unsigned char key[16];
    c = calloc(1, sizeof *c);
    if (!c || !fd) {
      free(c);
      return; /* untracked: no deadline, not counted */
    }
    c->fd = fd->connect_fd;
    c->head_us = now_us();
    atomic_init(&c->phase, PHASE_HEAD);
    atomic_init(&c->deadline_us, c->head_us + timeout_us(e));
    ip_key(key, addr ? addr->client_addr : NULL);
    pthread_mutex_lock(&e->lock);
    c->ip = ip_add(e, key);
    c->next = e->conns;
    if (e->conns)
      e->conns->prev = c;
    e->conns = c;
    unsigned long to_log = 0;
    if (c->ip && c->ip->count > e->srv->cfg->max_connections_per_ip) {
      atomic_store(&c->phase, PHASE_CUT);
      refuse_connection(c);
      e->refused++;
      if (c->head_us - e->refused_logged_us >= 1000000) { /* a flood logs a line a second */
        to_log = e->refused;
        e->refused = 0;
        e->refused_logged_us = c->head_us;
      }
    }
    pthread_mutex_unlock(&e->lock);
    if (to_log) {
      char text[INET6_ADDRSTRLEN] = "";
      inet_ntop(AF_INET6, key, text, sizeof text);
      log_msg(LOG_WARN, NULL,
              "refused %lu connection%s over PINS_MAX_CONNECTIONS_PER_IP (%u), the last from %s", to_log,
              to_log == 1 ? "" : "s", e->srv->cfg->max_connections_per_ip, text);
    }
    *socket_context = c;
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && c) {
    /* libmicrohttpd closes the socket after this, so the sweeper never shuts down a reused fd. */
    pthread_mutex_lock(&e->lock);
    if (c->prev)
      c->prev->next = c->next;
    else
      e->conns = c->next;
    if (c->next)
      c->next->prev = c->prev;
    ip_remove(e, c->ip);
    pthread_mutex_unlock(&e->lock);
    free(c);
    *socket_context = NULL;
  }
}

static struct edge_conn *conn_of(struct MHD_Connection *con)
{
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? ci->socket_context : NULL;
}

static void req_free(struct edge_req *q)
{
  if (!q)
    return;
  ulfius_clean_request(&q->x.u);
  ulfius_clean_response(&q->x.resp);
  free(q);
}

/* Called by libmicrohttpd with the raw request target as soon as the request line is in (before
 * the headers); its result is the request's context. */
static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *con)
{
  struct edge *e = cls;
  struct edge_req *q = calloc(1, sizeof *q);
  atomic_fetch_add(&e->requests_open, 1);
  if (!q)
    return NULL;
  if (ulfius_init_request(&q->x.u) != U_OK) {
    free(q);
    return NULL;
  }
  if (ulfius_init_response(&q->x.resp) != U_OK) {
    ulfius_clean_request(&q->x.u);
    free(q);
    return NULL;
  }
  const char *qmark = strchr(uri, '?');
  q->x.u.http_url = strdup(uri);
  q->x.u.url_path = qmark ? strndup(uri, (size_t)(qmark - uri)) : strdup(uri);
  q->x.started_us = now_us();
  if (!q->x.u.http_url || !q->x.u.url_path) {
    req_free(q);
    return NULL;
  }
  q->conn = conn_of(con);
  if (q->conn) {
    pthread_mutex_lock(&e->lock);
    q->conn->req = q;
    pthread_mutex_unlock(&e->lock);
  }
  return q;
}

static void request_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
  struct edge *e = cls;
  struct edge_req *q = *con_cls;
  struct edge_conn *c = q ? q->conn : conn_of(con);
  if (c) {
    pthread_mutex_lock(&e->lock);
    c->req = NULL;
    pthread_mutex_unlock(&e->lock);
    /* The next request's time starts now. */
    int expect = PHASE_WORK;
    c->head_us = now_us();
    atomic_store(&c->deadline_us, c->head_us + timeout_us(e));
    if (!atomic_compare_exchange_strong(&c->phase, &expect, PHASE_HEAD)) {
      expect = PHASE_BODY; /* the client went away during its body */
      atomic_compare_exchange_strong(&c->phase, &expect, PHASE_HEAD);
    }
  }
  if (q && q->begun && !q->ended)
    server_exchange_end(&q->x); /* never answered (the client went away): no log line */
  req_free(q);
  *con_cls = NULL;
  atomic_fetch_sub(&e->requests_open, 1);
}

/* ---- the access handler ---- */

/* Copies request headers or query parameters into a ulfius map, as ulfius did (a repeated name
 * joins its values with commas), measuring them and noting the first that is not UTF-8. */
struct fill {
  struct _u_map *map;
  size_t bytes;
  const char *bad; /* the first bad name, or NULL */
};

static enum MHD_Result fill_one(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                const char *value, size_t value_size)
{
  struct fill *f = cls;
  f->bytes += key_size + value_size + 4;
  bool ok = strlen(key) == key_size && utf8_valid(key, key_size) &&
            (!value || (strlen(value) == value_size && utf8_valid(value, value_size)));
  if (!ok) {
    if (!f->bad)
      f->bad = key;
    return MHD_YES;
  }
  const char *prior = u_map_get(f->map, key);
  if (!prior) {
    u_map_put(f->map, key, value ? value : "");
    return MHD_YES;
  }
  size_t n = strlen(prior) + value_size + 2;
  char *joined = malloc(n);
  if (joined) {
    snprintf(joined, n, "%s,%s", prior, value ? value : "");
    u_map_put(f->map, key, joined);
    free(joined);
  }
  return MHD_YES;
}

/* The checks of the raw request made before server.c sees it; 0 when it passes, else the status
 * answered (the detail written into why). */
static int check_raw(struct exchange *x, struct MHD_Connection *con, char *why, size_t cap)
{
  struct fill headers = {.map = x->u.map_header}, query = {.map = x->u.map_url};
  MHD_get_connection_values_n(con, MHD_HEADER_KIND, fill_one, &headers);
  MHD_get_connection_values_n(con, MHD_GET_ARGUMENT_KIND, fill_one, &query);
  const char *path = x->u.url_path;
  if (strlen(x->u.http_url) > EDGE_MAX_URL) {
    snprintf(why, cap, "the request target is longer than %d bytes", EDGE_MAX_URL);
    return 414;
  }
  if (headers.bytes > EDGE_MAX_HEADERS) {
    snprintf(why, cap, "the request's header fields are larger than %d bytes", EDGE_MAX_HEADERS);
    return 431;
  }
  if (!utf8_valid(path, strlen(path))) {
    snprintf(why, cap, "the path is not valid UTF-8");
    return 400;
  }
  if (query.bad) {
    snprintf(why, cap, "the query parameter \"%.64s\" is not valid UTF-8 or holds a NUL byte", query.bad);
    return 400;
  }
  if (headers.bad) {
    snprintf(why, cap, "the header \"%.64s\" is not valid UTF-8 or holds a NUL byte", headers.bad);
    return 400;
  }
  return 0;
}

/* Sends the exchange's response through libmicrohttpd (which closes the connection afterwards
 * when the body was not read). */
static enum MHD_Result answer(struct MHD_Connection *con, struct edge_req *q)
{
  struct _u_response *resp = &q->x.resp;
  server_exchange_end(&q->x);
  q->ended = true;
  struct MHD_Response *mr = NULL;
  if (resp->binary_body && resp->binary_body_length > 0) {
    mr = MHD_create_response_from_buffer_with_free_callback(resp->binary_body_length, resp->binary_body, free);
    if (mr) {
      resp->binary_body = NULL; /* libmicrohttpd frees it */
      resp->binary_body_length = 0;
    }
  } else {
    mr = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
  }
  if (!mr)
    return MHD_NO;
  const char **keys = u_map_enum_keys(resp->map_header);
  for (size_t i = 0; keys && keys[i]; i++)
    MHD_add_response_header(mr, keys[i], u_map_get(resp->map_header, keys[i]));
  enum MHD_Result rc = MHD_queue_response(con, (unsigned)resp->status, mr);
  MHD_destroy_response(mr);
  return rc;
}

/* Answers on the socket itself, mid-body, where libmicrohttpd can no longer queue a response;
 * the caller then returns MHD_NO and libmicrohttpd closes the connection. */
static enum MHD_Result answer_raw(struct edge_req *q)
{
  server_exchange_end(&q->x);
  q->ended = true;
  if (q->conn) {
    send_raw(q->conn->fd, &q->x.resp);
    shutdown(q->conn->fd, SHUT_WR);
  }
  return MHD_NO;
}

static bool phase_move(struct edge_conn *c, int from, int to)
{
  return !c || atomic_compare_exchange_strong(&c->phase, &from, to);
}

/* The first call, once the headers are in: everything decided before the body is read. */
static enum MHD_Result on_headers(struct edge *e, struct MHD_Connection *con, struct edge_req *q, const char *method,
                                  const char *version)
{
  struct exchange *x = &q->x;
  char why[160];
  if (!phase_move(q->conn, PHASE_HEAD, PHASE_WORK))
    return MHD_NO; /* the sweeper answered */
  x->u.http_verb = strdup(method);
  x->u.http_protocol = strdup(version);
  if (!x->u.http_verb || !x->u.http_protocol)
    return MHD_NO;
  int status = check_raw(x, con, why, sizeof why);
  server_exchange_begin(x, e->srv);
  q->begun = true;
  if (status) {
    server_exchange_refuse(x, status, why);
    return answer(con, q);
  }
  if (!server_exchange_head(x))
    return answer(con, q);
  /* The body's allowance at the minimum rate: for its length, or the route's limit when chunked. */
  if (q->conn) {
    const char *cl = u_map_get_case(x->u.map_header, "Content-Length");
    const char *te = u_map_get_case(x->u.map_header, "Transfer-Encoding");
    size_t expect = cl ? (size_t)strtoull(cl, NULL, 10) : te && strcasestr(te, "chunked") ? x->max_body : 0;
    long long allowance = (long long)(expect / EDGE_MIN_BODY_RATE) * 1000000;
    atomic_store(&q->conn->deadline_us, q->conn->head_us + timeout_us(e) + allowance);
    atomic_store(&q->conn->phase, PHASE_BODY);
  }
  return MHD_YES;
}

static enum MHD_Result on_body(struct edge_req *q, const char *data, size_t *size)
{
  struct _u_request *u = &q->x.u;
  if (q->conn && atomic_load(&q->conn->phase) != PHASE_BODY)
    return MHD_NO; /* the sweeper answered */
  if (q->over || u->binary_body_length + *size > q->x.max_body) {
    if (!q->over) { /* the body is cut off here: what came is let go at once */
      q->over = true;
      free(u->binary_body);
      u->binary_body = NULL;
      u->binary_body_length = 0;
      q->body_cap = 0;
    }
    q->drained += *size;
    *size = 0;
    if (q->drained <= DRAIN_MAX_BYTES)
      return MHD_YES;
    if (!phase_move(q->conn, PHASE_BODY, PHASE_WORK))
      return MHD_NO;
    server_exchange_refuse(&q->x, 413, NULL);
    return answer_raw(q);
  }
  if (u->binary_body_length + *size > q->body_cap) {
    size_t cap = q->body_cap ? q->body_cap : 16384;
    while (cap < u->binary_body_length + *size)
      cap *= 2;
    if (cap > q->x.max_body)
      cap = q->x.max_body;
    void *body = realloc(u->binary_body, cap);
    if (!body)
      return MHD_NO;
    u->binary_body = body;
    q->body_cap = cap;
  }
  memcpy((char *)u->binary_body + u->binary_body_length, data, *size);
  u->binary_body_length += *size;
  *size = 0;
  return MHD_YES;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                      const char *version, const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
  struct edge *e = cls;
  struct edge_req *q = *con_cls;
  if (!q)
    return MHD_NO; /* out of memory at the request line */
  if (!q->begun)
    return on_headers(e, con, q, method, version);
  if (*upload_data_size > 0)
    return on_body(q, upload_data, upload_data_size);
  if (!phase_move(q->conn, PHASE_BODY, PHASE_WORK))
    return MHD_NO; /* the sweeper answered */
  if (q->over)
    server_exchange_refuse(&q->x, 413, NULL);
  else
    server_exchange_run(&q->x);
  return answer(con, q);
}

/* ---- the sweeper: requests past their deadline ---- */

/* Answers 408 for a request whose time ran out (lock held, phase already moved to CUT by us). */
static void cut(struct edge *e, struct edge_conn *c, int was)
{
  struct edge_req *q = c->req;
  if (q && !q->ended && (was == PHASE_BODY || !q->begun)) {
    struct exchange *x = &q->x;
    if (!q->begun) {
      server_exchange_begin(x, e->srv); /* the headers never came: no method, no Origin */
      q->begun = true;
    }
    server_exchange_refuse(x, 408, "the request did not arrive in time: the server waits "
                                   "PINS_REQUEST_TIMEOUT_SECONDS, and longer for a body in proportion to its size");
    server_exchange_end(x);
    q->ended = true;
    send_raw(c->fd, &x->resp);
  }
  shutdown(c->fd, SHUT_RDWR);
}

static void *sweep(void *arg)
{
  struct edge *e = arg;
  pthread_mutex_lock(&e->lock);
  while (!e->stopping) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += SWEEP_EVERY_MS * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&e->wake, &e->lock, &until);
    long long now = now_us();
    for (struct edge_conn *c = e->conns; c && !e->stopping; c = c->next) {
      if (atomic_load(&c->deadline_us) > now)
        continue;
      int was = PHASE_HEAD;
      if (atomic_compare_exchange_strong(&c->phase, &was, PHASE_CUT)) {
        cut(e, c, PHASE_HEAD);
        continue;
      }
      was = PHASE_BODY;
      if (atomic_compare_exchange_strong(&c->phase, &was, PHASE_CUT))
        cut(e, c, PHASE_BODY);
    }
  }
  pthread_mutex_unlock(&e->lock);
  return NULL;
}

/* ---- start and stop ---- */

static struct MHD_Daemon *start_daemon(struct edge *e, int fd, unsigned connection_limit)
{
  struct MHD_OptionItem ops[] = {
      {MHD_OPTION_LISTEN_SOCKET, fd, NULL},
      {MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL}, /* inactivity; the whole request has its deadline */
      {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)connection_limit, NULL},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, EDGE_MHD_MEMORY, NULL},
      {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)connection_notified, e},
      {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, e},
      {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_logged, e},
      {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, NULL},
      {MHD_OPTION_END, 0, NULL},
  };
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  return MHD_start_daemon(flags, (uint16_t)e->srv->cfg->listen_port, NULL, NULL, access_handler, e,
                          MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
}

static void edge_free(struct edge *e)
{
  if (e->sweeper_running) {
    pthread_mutex_lock(&e->lock);
    e->stopping = true;
    pthread_cond_signal(&e->wake);
    pthread_mutex_unlock(&e->lock);
    pthread_join(e->sweeper, NULL);
  }
  for (unsigned b = 0; b < IP_BUCKETS; b++) {
    while (e->ips[b]) {
      struct ip_count *c = e->ips[b];
      e->ips[b] = c->next;
      free(c);
    }
  }
  pthread_cond_destroy(&e->wake);
  pthread_mutex_destroy(&e->lock);
  free(e->daemons);
  free(e);
}

int edge_start(struct edge **out, struct server *srv, char *err, size_t errlen)
{
  const struct config *cfg = srv->cfg;
  unsigned n = cfg->workers;
  int *fds = NULL;
  int status = PINS_ERROR;
  struct edge *e = calloc(1, sizeof *e);
  *out = NULL;
  if (!e) {
    snprintf(err, errlen, "out of memory");
    return PINS_ENOMEM;
  }
  e->srv = srv;
  atomic_init(&e->requests_open, 0);
  pthread_mutex_init(&e->lock, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&e->wake, &ca);
  pthread_condattr_destroy(&ca);
  fds = calloc(n, sizeof *fds);
  e->daemons = calloc(n, sizeof *e->daemons);
  if (!fds || !e->daemons) {
    snprintf(err, errlen, "out of memory");
    status = PINS_ENOMEM;
    goto done;
  }
  if (listen_open(fds, n, cfg->listen_address, cfg->listen_port, err, errlen) != 0)
    goto done;
  unsigned per_worker = cfg->max_connections / n > 0 ? cfg->max_connections / n : 1;
  for (unsigned i = 0; i < n; i++) {
    e->daemons[i] = start_daemon(e, fds[i], per_worker);
    if (!e->daemons[i]) {
      snprintf(err, errlen, "cannot start HTTP worker %u of %u", i + 1, n);
      for (unsigned j = i; j < n; j++)
        close(fds[j]);
      goto done;
    }
    e->daemon_count++;
  }
  if (pthread_create(&e->sweeper, NULL, sweep, e) != 0) {
    snprintf(err, errlen, "cannot start the request deadline thread");
    goto done;
  }
  e->sweeper_running = true;
  status = PINS_OK;
done:
  free(fds);
  if (status == PINS_OK) {
    *out = e;
  } else {
    for (unsigned i = 0; i < e->daemon_count; i++)
      MHD_stop_daemon(e->daemons[i]);
    edge_free(e);
  }
  return status;
}

void edge_stop(struct edge *e)
{
  if (!e)
    return;
  for (unsigned i = 0; i < e->daemon_count; i++) {
    MHD_socket fd = MHD_quiesce_daemon(e->daemons[i]);
    if (fd != MHD_INVALID_SOCKET)
      close(fd);
  }
  for (int waited = 0; waited < QUIESCE_WAIT_MS &&
                       (atomic_load(&e->requests_open) > 0 || atomic_load(&e->srv->inflight) > 0);
       waited += 10)
    usleep(10000);
  for (unsigned i = 0; i < e->daemon_count; i++)
    MHD_stop_daemon(e->daemons[i]);
  edge_free(e);
}
