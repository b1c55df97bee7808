#include "auth/jwt_verify.h"

#include <jansson.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token_mint.h"
#include "core/base64url.h"
#include "core/status.h"

#define MAX_TOKEN 8192

struct auth_verifier {
  unsigned char *key;
  size_t key_len;
  const char *alg_name; /* "RS256" or "ES256" */
  jwt_alg_t alg;
  char *issuer;
  char *audience;
};

static const char *const role_names[ROLE_COUNT] = {"national", "icb", "local_authority", "school", "pcf", "evaluator"};

const char *auth_role_name(enum auth_role role)
{
  return (unsigned)role < ROLE_COUNT ? role_names[role] : "unknown";
}

int auth_role_parse(const char *name)
{
  for (int i = 0; name && i < ROLE_COUNT; i++)
    if (strcmp(name, role_names[i]) == 0)
      return i;
  return -1;
}

void auth_verifier_free(struct auth_verifier *v)
{
  if (!v)
    return;
  free(v->key);
  free(v->issuer);
  free(v->audience);
  free(v);
}

int auth_verifier_new(struct auth_verifier **out, const char *key_path, const char *issuer, const char *audience,
                      char *err, size_t errlen)
{
  int status = PINS_EINVALID;
  FILE *f = NULL;
  struct auth_verifier *v = calloc(1, sizeof *v);
  if (!v)
    return PINS_ENOMEM;
  if (!(f = fopen(key_path, "rb"))) {
    snprintf(err, errlen, "PINS_JWT_PUBLIC_KEY_FILE: cannot open %s", key_path);
    goto done;
  }
  v->key = malloc(65536);
  if (!v->key)
    goto done;
  v->key_len = fread(v->key, 1, 65535, f);
  v->key[v->key_len] = '\0';
  if (auth_key_alg(&v->alg_name, (const char *)v->key, v->key_len, 0) != PINS_OK) {
    snprintf(err, errlen, "PINS_JWT_PUBLIC_KEY_FILE: not a PEM RSA or EC P-256 public key");
    goto done;
  }
  v->alg = strcmp(v->alg_name, "RS256") == 0 ? JWT_ALG_RS256 : JWT_ALG_ES256;
  v->issuer = strdup(issuer);
  v->audience = strdup(audience);
  if (!v->issuer || !v->audience)
    goto done;
  *out = v;
  v = NULL;
  status = PINS_OK;
done:
  if (f)
    fclose(f);
  auth_verifier_free(v);
  return status;
}

static int reject(char *why, size_t whylen, const char *reason)
{
  snprintf(why, whylen, "%s", reason);
  return PINS_EINVALID;
}

/* Reads the JOSE header before any cryptography so that the algorithm is ours, not the token's. */
static int check_header(const struct auth_verifier *v, const char *token, size_t hlen, char *why, size_t whylen)
{
  unsigned char buf[1024];
  if (hlen / 4 * 3 + 3 > sizeof buf - 1)
    return reject(why, whylen, "token header is too long");
  long n = base64url_decode(buf, sizeof buf - 1, token, hlen);
  if (n <= 0)
    return reject(why, whylen, "token header is not base64url");
  json_t *h = json_loadb((const char *)buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
  int rc = PINS_OK;
  const char *alg = json_string_value(json_object_get(h, "alg"));
  if (!json_is_object(h))
    rc = reject(why, whylen, "token header is not a JSON object");
  else if (!alg || strcmp(alg, v->alg_name) != 0)
    rc = reject(why, whylen, "token algorithm is not the one this service accepts");
  else if (json_object_get(h, "crit"))
    rc = reject(why, whylen, "token header has critical extensions");
  json_decref(h);
  return rc;
}

/* Whether a + AUTH_LEEWAY_SECONDS < b, for any two int64 values: no sum or difference that could
 * overflow (exp, nbf and iat come from the token and may be anything at all). */
static bool earlier_beyond_leeway(long long a, long long b)
{
  return a < b && (unsigned long long)b - (unsigned long long)a > AUTH_LEEWAY_SECONDS;
}

bool auth_expired(time_t exp, time_t now)
{
  return earlier_beyond_leeway(exp, now);
}

static int check_claims(struct auth_principal *out, const struct auth_verifier *v, json_t *c, time_t now, char *why,
                        size_t whylen)
{
  json_t *exp = json_object_get(c, "exp"), *nbf = json_object_get(c, "nbf"), *iat = json_object_get(c, "iat");
  if (!json_is_integer(exp))
    return reject(why, whylen, "token has no exp claim");
  if (earlier_beyond_leeway(json_integer_value(exp), now))
    return reject(why, whylen, "token has expired");
  if (nbf && (!json_is_integer(nbf) || earlier_beyond_leeway(now, json_integer_value(nbf))))
    return reject(why, whylen, "token is not valid yet");
  if (iat && (!json_is_integer(iat) || earlier_beyond_leeway(now, json_integer_value(iat))))
    return reject(why, whylen, "token was issued in the future");
  const char *iss = json_string_value(json_object_get(c, "iss"));
  if (!iss || strcmp(iss, v->issuer) != 0)
    return reject(why, whylen, "token issuer is not accepted");
  json_t *aud = json_object_get(c, "aud"), *a;
  bool aud_ok = json_is_string(aud) && strcmp(json_string_value(aud), v->audience) == 0;
  size_t i;
  json_array_foreach(aud, i, a) aud_ok = aud_ok || (json_is_string(a) && strcmp(json_string_value(a), v->audience) == 0);
  if (!aud_ok)
    return reject(why, whylen, "token audience is not this service");
  int role = auth_role_parse(json_string_value(json_object_get(c, "pins_role")));
  if (role < 0)
    return reject(why, whylen, "token has no known pins_role");
  const char *org = json_string_value(json_object_get(c, "pins_org"));
  bool needs_org = role != ROLE_NATIONAL && role != ROLE_EVALUATOR;
  if (needs_org && (!org || !*org || strlen(org) >= sizeof out->org))
    return reject(why, whylen, "token has no pins_org for an organisation role");
  /* Every write is audited under the caller's sub: a token must say who it is. */
  const char *sub = json_string_value(json_object_get(c, "sub"));
  if (!sub || !*sub || strlen(sub) >= sizeof out->sub)
    return reject(why, whylen, "token has no sub (or an empty or too long one)");
  out->role = (enum auth_role)role;
  snprintf(out->org, sizeof out->org, "%s", needs_org ? org : "");
  snprintf(out->sub, sizeof out->sub, "%s", sub);
  out->exp = (time_t)json_integer_value(exp);
  return PINS_OK;
}

/* Reads the claims from the payload segment ourselves rather than from libjwt, which parses them
 * leniently: a repeated member name (two pins_role) is refused here, not settled by the last. */
static int read_claims(json_t **out, const char *seg, size_t seglen, char *why, size_t whylen)
{
  unsigned char buf[MAX_TOKEN];
  long n = base64url_decode(buf, sizeof buf, seg, seglen);
  if (n <= 0)
    return reject(why, whylen, "token payload is not base64url");
  json_t *claims = json_loadb((const char *)buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
  if (!json_is_object(claims)) {
    json_decref(claims);
    return reject(why, whylen, "token claims are not a JSON object (or repeat a name)");
  }
  *out = claims;
  return PINS_OK;
}

/* The signature segment must be base64url too: libjwt would also take standard base64. */
static int check_signature_text(const char *seg, size_t seglen, char *why, size_t whylen)
{
  unsigned char buf[MAX_TOKEN];
  if (base64url_decode(buf, sizeof buf, seg, seglen) <= 0)
    return reject(why, whylen, "token signature is not base64url");
  return PINS_OK;
}

int auth_verify(struct auth_principal *out, const struct auth_verifier *v, const char *token, time_t now, char *why,
                size_t whylen)
{
  jwt_t *jwt = NULL;
  json_t *claims = NULL;
  int rc = PINS_EINVALID;
  size_t len = token ? strnlen(token, MAX_TOKEN + 1) : 0;
  const char *dot1 = token ? memchr(token, '.', len) : NULL;
  const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;

  if (len == 0 || len > MAX_TOKEN)
    return reject(why, whylen, "token is missing or too long");
  if (!dot1 || !dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) || dot2 + 1 == token + len)
    return reject(why, whylen, "token is not a signed JWT");
  if ((rc = check_header(v, token, (size_t)(dot1 - token), why, whylen)))
    return rc;
  if ((rc = read_claims(&claims, dot1 + 1, (size_t)(dot2 - dot1 - 1), why, whylen)))
    return rc;
  if ((rc = check_signature_text(dot2 + 1, len - (size_t)(dot2 + 1 - token), why, whylen)))
    goto done;
  if (jwt_decode(&jwt, token, v->key, (int)v->key_len) != 0 || !jwt) {
    rc = reject(why, whylen, "token signature is not valid");
    goto done;
  }
  if (jwt_get_alg(jwt) != v->alg) {
    rc = reject(why, whylen, "token algorithm is not the one this service accepts");
    goto done;
  }
  rc = check_claims(out, v, claims, now, why, whylen);
done:
  json_decref(claims);
  jwt_free(jwt);
  return rc;
}
