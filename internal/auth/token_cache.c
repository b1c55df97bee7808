/* A per-thread cache of verified tokens. Verifying an RS256 signature (libjwt parses the key
 * each time too) costs far more than the rest of a small request, and a client sends the same
 * token many times until it expires. Each worker thread keeps its own table, so there is no lock;
 * an entry is used only for the exact same token text and only until the token's own exp (with
 * the leeway), after which it is verified afresh.
 *
 * The table is 4-way set-associative (256 sets), least recently used replaced: with the first
 * design, 64 direct-mapped slots, 42 tokens in turn (one per ICB) kept evicting each other and a
 * third of a write's CPU went on verifying signatures again (bench/README.md). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt_verify.h"
#include "core/status.h"

#define CACHE_SETS 256
#define CACHE_WAYS 4
#define CACHE_SLOTS (CACHE_SETS * CACHE_WAYS)

struct cache_slot {
  char *token;
  size_t len;
  unsigned long used; /* the table's clock when last used: the smallest in a set goes first */
  struct auth_principal principal;
  const struct auth_verifier *verifier;
};

struct cache_table {
  unsigned long clock;
  unsigned long misses; /* full verifications through the cache */
  struct cache_slot slots[CACHE_SLOTS];
};

/* Each thread's table, freed when the thread ends (the HTTP workers end at shutdown). */
static pthread_key_t table_key;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_free(void *p)
{
  struct cache_table *t = p;
  for (int i = 0; t && i < CACHE_SLOTS; i++)
    free(t->slots[i].token);
  free(t);
}

static void table_key_make(void)
{
  pthread_key_create(&table_key, table_free);
}

static struct cache_table *table(void)
{
  pthread_once(&table_once, table_key_make);
  struct cache_table *t = pthread_getspecific(table_key);
  if (!t && (t = calloc(1, sizeof *t)))
    pthread_setspecific(table_key, t);
  return t;
}

static unsigned long hash_of(const char *s, size_t len)
{
  unsigned long h = 1469598103934665603UL; /* FNV-1a */
  /* the signature part varies the most: hash the last 32 bytes and the length */
  for (size_t i = len > 32 ? len - 32 : 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211UL;
  return h ^ len;
}

int auth_verify_cached(struct auth_principal *out, const struct auth_verifier *v, const char *token, time_t now,
                       char *why, size_t whylen)
{
  size_t len = token ? strnlen(token, 8193) : 0;
  if (len == 0 || len > 8192)
    return auth_verify(out, v, token, now, why, whylen);
  struct cache_table *t = table();
  if (!t)
    return auth_verify(out, v, token, now, why, whylen);
  struct cache_slot *set = &t->slots[(hash_of(token, len) % CACHE_SETS) * CACHE_WAYS], *victim = set;
  t->clock++;
  for (int w = 0; w < CACHE_WAYS; w++) {
    struct cache_slot *slot = &set[w];
    if (slot->token && slot->verifier == v && slot->len == len && memcmp(slot->token, token, len) == 0) {
      if (auth_expired(slot->principal.exp, now))
        break; /* expired: verify afresh, which refuses it */
      slot->used = t->clock;
      *out = slot->principal;
      return PINS_OK;
    }
    if (slot->used < victim->used)
      victim = slot;
  }
  t->misses++;
  int rc = auth_verify(out, v, token, now, why, whylen);
  if (rc == PINS_OK) {
    char *copy = malloc(len + 1);
    if (copy) {
      memcpy(copy, token, len + 1);
      free(victim->token);
      victim->token = copy;
      victim->len = len;
      victim->used = t->clock;
      victim->principal = *out;
      victim->verifier = v;
    }
  }
  return rc;
}

unsigned long auth_cache_misses(void)
{
  struct cache_table *t = table();
  return t ? t->misses : 0;
}

void auth_cache_clear(void)
{
  pthread_once(&table_once, table_key_make);
  table_free(pthread_getspecific(table_key));
  pthread_setspecific(table_key, NULL);
}
