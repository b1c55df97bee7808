/* JWT claim checks (internal/auth/jwt_verify.c) through validly signed tokens. The input is the
 * token's payload (the claims JSON, as bytes); when it holds a newline, the bytes before it are
 * the JOSE header instead of {"alg":"ES256","typ":"JWT"}. The harness signs header.payload with
 * the fixed EC P-256 key (tests/fuzz/fuzz_jwt_key.h), so libjwt's parsing and every claim check
 * see hostile claims: missing, repeated, mistyped, huge, at INT64's ends. A token accepted must
 * say exactly what its claims say. When the claims are an object with a string pins_role, the
 * harness also mints a token from them with auth_token_mint (internal/auth/token_mint.c) and checks
 * the verifier accepts it exactly when iss, aud, pins_role and pins_org make it acceptable. */
#include "fuzz.h"

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdint.h>

#include "auth/jwt_verify.h"
#include "auth/token_mint.h"
#include "core/base64url.h"
#include "core/status.h"
#include "fuzz_jwt_key.h"

/* Issue 11 found here too: a repeated claim name was accepted with the last value, and nbf/iat
 * arithmetic overflowed at INT64's ends (UBSan: signed-integer-overflow). */

#define MAX_PART 2048

static struct auth_verifier *verifier;
static EVP_PKEY *signing_key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  verifier = fuzz_jwt_verifier();
  BIO *bio = BIO_new_mem_buf(fuzz_jwt_private_pem, (int)sizeof fuzz_jwt_private_pem - 1);
  signing_key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
  BIO_free(bio);
  if (!signing_key) abort();
  return 0;
}

/* Appends the ES256 signature of token[0..len) (r || s, 64 bytes, base64url) after a '.'. */
static void sign_es256(char *token, size_t len, size_t cap)
{
  unsigned char der[128], raw[64];
  size_t der_len = sizeof der;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, signing_key) != 1 ||
      EVP_DigestSign(ctx, der, &der_len, (const unsigned char *)token, len) != 1)
    abort();
  EVP_MD_CTX_free(ctx);
  const unsigned char *p = der;
  ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
  if (!sig || BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32) != 32)
    abort();
  ECDSA_SIG_free(sig);
  token[len] = '.';
  base64url_encode(token + len + 1, cap - len - 1, raw, sizeof raw);
}

/* A token accepted says what its claims say. */
static void check_accepted(const struct auth_principal *p, const char *payload, size_t len)
{
  json_t *c = json_loadb(payload, len, JSON_REJECT_DUPLICATES, NULL);
  FUZZ_ASSERT(json_is_object(c));
  FUZZ_ASSERT(p->role < ROLE_COUNT);
  FUZZ_ASSERT(strcmp(json_string_value(json_object_get(c, "pins_role")), auth_role_name(p->role)) == 0);
  json_t *exp = json_object_get(c, "exp");
  FUZZ_ASSERT(json_is_integer(exp) && json_integer_value(exp) >= FUZZ_JWT_NOW - AUTH_LEEWAY_SECONDS);
  FUZZ_ASSERT(p->exp == (time_t)json_integer_value(exp));
  FUZZ_ASSERT(strcmp(json_string_value(json_object_get(c, "iss")), FUZZ_JWT_ISSUER) == 0);
  const char *sub = json_string_value(json_object_get(c, "sub")); /* required, whole, never cut */
  FUZZ_ASSERT(sub && *sub && strcmp(sub, p->sub) == 0);
  if (p->role != ROLE_NATIONAL && p->role != ROLE_EVALUATOR)
    FUZZ_ASSERT(p->org[0] && strcmp(json_string_value(json_object_get(c, "pins_org")), p->org) == 0);
  else
    FUZZ_ASSERT(p->org[0] == '\0');
  json_decref(c);
}

static void signed_claims(const uint8_t *data, size_t size)
{
  static const char default_header[] = "{\"alg\":\"ES256\",\"typ\":\"JWT\"}";
  const uint8_t *nl = memchr(data, '\n', size);
  const char *header = nl ? (const char *)data : default_header;
  size_t hlen = nl ? (size_t)(nl - data) : sizeof default_header - 1;
  const char *payload = nl ? (const char *)nl + 1 : (const char *)data;
  size_t plen = nl ? size - hlen - 1 : size;
  /* libjwt reads the decoded payload as a C string: what follows a NUL is not seen */
  size_t clen = strnlen(payload, plen);
  if (hlen > MAX_PART || plen > MAX_PART) return;
  size_t cap = (hlen + plen) * 4 / 3 + 200;
  char *token = malloc(cap), why[128] = "";
  if (!token) abort();
  size_t n = base64url_encode(token, cap, (const unsigned char *)header, hlen);
  token[n++] = '.';
  n += base64url_encode(token + n, cap - n, (const unsigned char *)payload, plen);
  sign_es256(token, n, cap);
  struct auth_principal p;
  memset(&p, 0, sizeof p);
  int rc = auth_verify(&p, verifier, token, FUZZ_JWT_NOW, why, sizeof why);
  FUZZ_ASSERT(rc == PINS_OK || (rc == PINS_EINVALID && why[0]));
  if (rc == PINS_OK) check_accepted(&p, payload, clen);
  free(token);
}

/* Mints a token from the claims' strings and checks the verifier's verdict on it. */
static void minted(const uint8_t *data, size_t size)
{
  json_t *c = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
  const char *role = json_string_value(json_object_get(c, "pins_role"));
  if (!role) {
    json_decref(c);
    return;
  }
  struct auth_mint_params mp = {
      .key = fuzz_jwt_private_pem,
      .key_len = sizeof fuzz_jwt_private_pem - 1,
      .role = role,
      .org = json_string_value(json_object_get(c, "pins_org")),
      .sub = json_string_value(json_object_get(c, "sub")),
      .iss = json_string_value(json_object_get(c, "iss")),
      .aud = json_string_value(json_object_get(c, "aud")),
      .ttl = 3600,
  };
  char *token = NULL, why[128] = "";
  int rc = auth_token_mint(&token, &mp);
  FUZZ_ASSERT(rc == PINS_OK || (!mp.iss || !mp.aud));
  if (rc == PINS_OK) {
    struct auth_principal p;
    memset(&p, 0, sizeof p);
    int verdict = auth_verify(&p, verifier, token, time(NULL), why, sizeof why);
    int r = auth_role_parse(role);
    bool org_role = r >= 0 && r != ROLE_NATIONAL && r != ROLE_EVALUATOR;
    bool acceptable =
        r >= 0 && strcmp(mp.iss, FUZZ_JWT_ISSUER) == 0 && strcmp(mp.aud, FUZZ_JWT_AUDIENCE) == 0 &&
        (!org_role || (mp.org && *mp.org && strlen(mp.org) < sizeof p.org)) &&
        (mp.sub && *mp.sub && strlen(mp.sub) < sizeof p.sub) && strlen(token) <= 8192;
    FUZZ_ASSERT((verdict == PINS_OK) == acceptable);
    if (verdict == PINS_OK) {
      FUZZ_ASSERT((int)p.role == r);
      FUZZ_ASSERT(strcmp(p.org, org_role ? mp.org : "") == 0);
      FUZZ_ASSERT(strcmp(p.sub, mp.sub) == 0);
    }
  }
  free(token);
  json_decref(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  signed_claims(data, size);
  minted(data, size);
  return 0;
}
