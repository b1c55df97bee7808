/* A per-thread cache of verified tokens. Verifying an RS256 signature costs far more than the
 * rest of a small request, and a client sends the same token many times until it expires. Each
 * worker thread keeps its own small table, so there is no lock; an entry is used only for the
 * exact same token text and only until the token's own exp (with the leeway), after which it is
 * verified afresh. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt_verify.h"
#include "core/status.h"

#define CACHE_SLOTS 64

struct cache_slot {
  char *token;
  size_t len;
  struct auth_principal principal;
  const struct auth_verifier *verifier;
};

/* Each thread's table, freed when the thread ends (the HTTP workers end at shutdown). */
static pthread_key_t table_key;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_free(void *p)
{
  struct cache_slot *slots = p;
  for (int i = 0; slots && i < CACHE_SLOTS; i++)
    free(slots[i].token);
  free(slots);
}

static void table_key_make(void)
{
  pthread_key_create(&table_key, table_free);
}

static struct cache_slot *table(void)
{
  pthread_once(&table_once, table_key_make);
  struct cache_slot *slots = pthread_getspecific(table_key);
  if (!slots && (slots = calloc(CACHE_SLOTS, sizeof *slots)))
    pthread_setspecific(table_key, slots);
  return slots;
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
  struct cache_slot *slots = table();
  if (!slots)
    return auth_verify(out, v, token, now, why, whylen);
  struct cache_slot *slot = &slots[hash_of(token, len) % CACHE_SLOTS];
  if (slot->token && slot->verifier == v && slot->len == len && memcmp(slot->token, token, len) == 0 &&
      now - AUTH_LEEWAY_SECONDS <= slot->principal.exp) {
    *out = slot->principal;
    return PINS_OK;
  }
  int rc = auth_verify(out, v, token, now, why, whylen);
  if (rc == PINS_OK) {
    char *copy = malloc(len + 1);
    if (copy) {
      memcpy(copy, token, len + 1);
      free(slot->token);
      slot->token = copy;
      slot->len = len;
      slot->principal = *out;
      slot->verifier = v;
    }
  }
  return rc;
}

void auth_cache_clear(void)
{
  pthread_once(&table_once, table_key_make);
  table_free(pthread_getspecific(table_key));
  pthread_setspecific(table_key, NULL);
}
