#ifndef PINS_AUTH_JWT_VERIFY_H
#define PINS_AUTH_JWT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Verifies bearer tokens. Debian's libjwt 1.10 checks only the signature, so this wrapper also
 * pins the algorithm to the configured key's type (RS256 for RSA, ES256 for EC P-256; none and
 * HS* are refused before libjwt sees the token), requires exp, honours nbf and iat with 60 s
 * leeway, and requires iss and aud to match. */

enum auth_role { ROLE_NATIONAL, ROLE_ICB, ROLE_LOCAL_AUTHORITY, ROLE_SCHOOL, ROLE_PCF, ROLE_EVALUATOR, ROLE_COUNT };

struct auth_principal {
  enum auth_role role;
  char org[72]; /* empty for national and evaluator */
  char sub[128];
  time_t exp;
};

struct auth_verifier;

#define AUTH_LEEWAY_SECONDS 60

/* Reads the PEM public key at path. *out is freed with auth_verifier_free. Returns PINS_EINVALID
 * (with a reason in err) for an unreadable key or an unsupported key type. */
int auth_verifier_new(struct auth_verifier **out, const char *key_path, const char *issuer, const char *audience,
                      char *err, size_t errlen);
void auth_verifier_free(struct auth_verifier *v);

/* Verifies token at time now. On success fills *out. PINS_EINVALID otherwise, with a short reason
 * (safe to show the caller: it never echoes the token) in why. */
int auth_verify(struct auth_principal *out, const struct auth_verifier *v, const char *token, time_t now, char *why,
                size_t whylen);

/* As auth_verify, through the calling thread's cache of tokens already verified (until their
 * exp). Tokens are cached per thread; auth_cache_clear frees the calling thread's entries. */
int auth_verify_cached(struct auth_principal *out, const struct auth_verifier *v, const char *token, time_t now,
                       char *why, size_t whylen);
void auth_cache_clear(void);
/* How many tokens the calling thread's cache has had to verify in full (tests, diagnostics). */
unsigned long auth_cache_misses(void);

/* Whether a token with this exp has expired at now, beyond the leeway. Exact for every value of
 * both (no overflow at the ends of the range). */
bool auth_expired(time_t exp, time_t now);

const char *auth_role_name(enum auth_role role);
/* Returns the role for name, or -1. */
int auth_role_parse(const char *name);

#endif
