/* Unit tests for internal/auth/token_mint.c: key type -> alg, and the shape of minted tokens.
 * Keys are generated in memory with OpenSSL; no files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/token_mint.h"
#include "core/status.h"

#include <jansson.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* PEM text for the keys every test shares; built once in the group setup. */
struct keys {
  char *rsa_priv, *rsa_pub;
  char *ec_priv, *ec_pub;
  char *p384_priv, *p384_pub;
  char *ed25519_priv, *ed25519_pub;
};

static char *pem_of(EVP_PKEY *pkey, int is_private)
{
  BIO *bio = BIO_new(BIO_s_mem());
  char *data = NULL;
  char *copy = NULL;
  long len;

  assert_non_null(bio);
  if (is_private)
    assert_int_equal(PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL), 1);
  else
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
  len = BIO_get_mem_data(bio, &data);
  assert_true(len > 0);
  copy = calloc(1, (size_t)len + 1);
  assert_non_null(copy);
  memcpy(copy, data, (size_t)len);
  BIO_free(bio);
  return copy;
}

static void keys_make(EVP_PKEY *pkey, char **priv, char **pub)
{
  assert_non_null(pkey);
  *priv = pem_of(pkey, 1);
  *pub = pem_of(pkey, 0);
  EVP_PKEY_free(pkey);
}

static int group_setup(void **state)
{
  struct keys *k = calloc(1, sizeof *k);

  if (!k) return -1;
  keys_make(EVP_RSA_gen(2048), &k->rsa_priv, &k->rsa_pub);
  keys_make(EVP_EC_gen("P-256"), &k->ec_priv, &k->ec_pub);
  keys_make(EVP_EC_gen("P-384"), &k->p384_priv, &k->p384_pub);
  keys_make(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), &k->ed25519_priv, &k->ed25519_pub);
  *state = k;
  return 0;
}

static int group_teardown(void **state)
{
  struct keys *k = *state;

  free(k->rsa_priv);
  free(k->rsa_pub);
  free(k->ec_priv);
  free(k->ec_pub);
  free(k->p384_priv);
  free(k->p384_pub);
  free(k->ed25519_priv);
  free(k->ed25519_pub);
  free(k);
  return 0;
}

/* Splits a token on '.', requiring exactly three segments; returns them as new strings. */
static void token_split(const char *token, char *seg[3])
{
  const char *start = token;

  for (int i = 0; i < 3; i++) {
    const char *dot = strchr(start, '.');
    size_t len;

    if (i < 2)
      assert_non_null(dot);
    else
      assert_null(dot);
    len = dot ? (size_t)(dot - start) : strlen(start);
    seg[i] = strndup(start, len);
    assert_non_null(seg[i]);
    start = dot ? dot + 1 : start + len;
  }
}

static void token_split_free(char *seg[3])
{
  for (int i = 0; i < 3; i++)
    free(seg[i]);
}

/* Decodes one base64url segment (no padding) as JSON. The caller decrefs. */
static json_t *segment_json(const char *seg)
{
  size_t len = strlen(seg);
  size_t padded = (len + 3) / 4 * 4;
  char *b64 = calloc(1, padded + 1);
  unsigned char *raw = calloc(1, padded + 1);
  int raw_len;
  json_t *json;

  assert_non_null(b64);
  assert_non_null(raw);
  for (size_t i = 0; i < len; i++) {
    assert_true(seg[i] != '=' && seg[i] != '+' && seg[i] != '/'); /* url-safe, unpadded */
    b64[i] = seg[i] == '-' ? '+' : seg[i] == '_' ? '/' : seg[i];
  }
  for (size_t i = len; i < padded; i++)
    b64[i] = '=';
  raw_len = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)padded);
  assert_true(raw_len >= 0);
  raw_len -= (int)(padded - len); /* EVP_DecodeBlock counts the padding as zero bytes */
  json = json_loadb((const char *)raw, (size_t)raw_len, 0, NULL);
  assert_non_null(json);
  free(b64);
  free(raw);
  return json;
}

static struct auth_mint_params params_for(const char *key, const char *alg)
{
  struct auth_mint_params p = {
      .key = key,
      .key_len = key ? strlen(key) : 0,
      .role = "icb",
      .org = "QWE",
      .sub = "user-1",
      .iss = "pins-dev",
      .aud = "pins-hub",
      .ttl = 600,
      .alg = alg,
  };
  return p;
}

/* Mints with p, checks three segments and the header alg, and returns the decoded claims. */
static json_t *mint_and_check(const struct auth_mint_params *p, const char *want_alg, char **token_out)
{
  char *token = NULL;
  char *seg[3];
  json_t *header, *claims;

  assert_int_equal(auth_token_mint(&token, p), PINS_OK);
  assert_non_null(token);
  token_split(token, seg);
  header = segment_json(seg[0]);
  assert_string_equal(json_string_value(json_object_get(header, "alg")), want_alg);
  if (strcmp(want_alg, "none") == 0)
    assert_string_equal(seg[2], "");
  else
    assert_true(strlen(seg[2]) > 0);
  claims = segment_json(seg[1]);
  json_decref(header);
  token_split_free(seg);
  if (token_out)
    *token_out = token;
  else
    free(token);
  return claims;
}

static void test_key_alg_rsa(void **state)
{
  struct keys *k = *state;
  const char *alg = NULL;

  assert_int_equal(auth_key_alg(&alg, k->rsa_priv, strlen(k->rsa_priv), 1), PINS_OK);
  assert_string_equal(alg, "RS256");
  alg = NULL;
  assert_int_equal(auth_key_alg(&alg, k->rsa_pub, strlen(k->rsa_pub), 0), PINS_OK);
  assert_string_equal(alg, "RS256");
}

static void test_key_alg_ec(void **state)
{
  struct keys *k = *state;
  const char *alg = NULL;

  assert_int_equal(auth_key_alg(&alg, k->ec_priv, strlen(k->ec_priv), 1), PINS_OK);
  assert_string_equal(alg, "ES256");
  alg = NULL;
  assert_int_equal(auth_key_alg(&alg, k->ec_pub, strlen(k->ec_pub), 0), PINS_OK);
  assert_string_equal(alg, "ES256");
}

static void test_key_alg_refuses(void **state)
{
  struct keys *k = *state;
  static const char garbage[] = "-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n";
  const struct {
    const char *pem;
    int is_private;
  } cases[] = {
      {k->p384_priv, 1},    {k->p384_pub, 0}, /* ES256 means P-256 only */
      {k->ed25519_priv, 1}, {k->ed25519_pub, 0}, {garbage, 0}, {"", 0},
      {k->rsa_pub, 1},      {k->rsa_priv, 0}, /* public where private is asked, and back */
      {k->ec_pub, 1},
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *alg = "unset";
    assert_int_equal(auth_key_alg(&alg, cases[i].pem, strlen(cases[i].pem), cases[i].is_private),
                     PINS_EINVALID);
    assert_null(alg);
  }
}

static void test_mint_rsa(void **state)
{
  struct keys *k = *state;
  struct auth_mint_params p = params_for(k->rsa_priv, NULL);
  char *token = NULL;
  jwt_t *jwt = NULL;
  long now = (long)time(NULL);
  json_t *claims = mint_and_check(&p, "RS256", &token);

  assert_string_equal(json_string_value(json_object_get(claims, "iss")), "pins-dev");
  assert_string_equal(json_string_value(json_object_get(claims, "aud")), "pins-hub");
  assert_string_equal(json_string_value(json_object_get(claims, "sub")), "user-1");
  assert_string_equal(json_string_value(json_object_get(claims, "pins_role")), "icb");
  assert_string_equal(json_string_value(json_object_get(claims, "pins_org")), "QWE");
  assert_int_equal(strlen(json_string_value(json_object_get(claims, "jti"))), 32);
  assert_true(labs((long)json_integer_value(json_object_get(claims, "iat")) - now) <= 2);
  assert_int_equal(json_integer_value(json_object_get(claims, "nbf")),
                   json_integer_value(json_object_get(claims, "iat")));
  assert_int_equal(json_integer_value(json_object_get(claims, "exp")),
                   json_integer_value(json_object_get(claims, "iat")) + 600);
  json_decref(claims);

  /* libjwt verifies the signature with the public key. */
  assert_int_equal(jwt_decode(&jwt, token, (const unsigned char *)k->rsa_pub, (int)strlen(k->rsa_pub)), 0);
  assert_int_equal(jwt_get_alg(jwt), JWT_ALG_RS256);
  jwt_free(jwt);
  free(token);
}

static void test_mint_ec(void **state)
{
  struct keys *k = *state;
  struct auth_mint_params p = params_for(k->ec_priv, NULL);
  char *token = NULL;
  jwt_t *jwt = NULL;
  json_t *claims = mint_and_check(&p, "ES256", &token);
  char *sig = strrchr(token, '.') + 1;

  assert_int_equal(strlen(sig), 86); /* JOSE form: r || s, 64 bytes, not DER */
  json_decref(claims);
  assert_int_equal(jwt_decode(&jwt, token, (const unsigned char *)k->ec_pub, (int)strlen(k->ec_pub)), 0);
  assert_int_equal(jwt_get_alg(jwt), JWT_ALG_ES256);
  jwt_free(jwt);
  free(token);
}

static void test_mint_optional_claims(void **state)
{
  struct keys *k = *state;
  struct auth_mint_params p = params_for(k->rsa_priv, NULL);
  long now = (long)time(NULL);
  json_t *claims;

  p.role = "national";
  p.org = NULL;
  p.sub = NULL;
  p.has_exp_offset = true;
  p.exp_offset = -120;
  p.has_nbf_offset = true;
  p.nbf_offset = 300;
  p.has_iat_offset = true;
  p.iat_offset = -600;
  claims = mint_and_check(&p, "RS256", NULL);
  assert_null(json_object_get(claims, "pins_org"));
  assert_null(json_object_get(claims, "sub"));
  assert_true(labs((long)json_integer_value(json_object_get(claims, "exp")) - (now - 120)) <= 2);
  assert_true(labs((long)json_integer_value(json_object_get(claims, "nbf")) - (now + 300)) <= 2);
  assert_true(labs((long)json_integer_value(json_object_get(claims, "iat")) - (now - 600)) <= 2);
  json_decref(claims);

  p.has_exp_offset = false;
  p.omit_exp = true;
  claims = mint_and_check(&p, "RS256", NULL);
  assert_null(json_object_get(claims, "exp"));
  json_decref(claims);
}

static void test_mint_forged(void **state)
{
  struct keys *k = *state;
  struct auth_mint_params hs = params_for(k->rsa_pub, "HS256"); /* the classic alg-confusion forgery */
  struct auth_mint_params none = params_for(NULL, "none");
  json_t *claims;

  claims = mint_and_check(&hs, "HS256", NULL);
  json_decref(claims);
  claims = mint_and_check(&none, "none", NULL);
  assert_string_equal(json_string_value(json_object_get(claims, "pins_role")), "icb");
  json_decref(claims);
}

static void test_mint_refuses(void **state)
{
  struct keys *k = *state;
  struct auth_mint_params p;
  char *token = (char *)"unset";

  p = params_for(k->ec_priv, "RS256"); /* key does not fit the alg */
  assert_int_equal(auth_token_mint(&token, &p), PINS_EINVALID);
  assert_null(token);
  p = params_for(k->p384_priv, NULL); /* no default alg for P-384 */
  assert_int_equal(auth_token_mint(&token, &p), PINS_EINVALID);
  p = params_for(k->rsa_priv, "XS999");
  assert_int_equal(auth_token_mint(&token, &p), PINS_EINVALID);
  p = params_for(k->rsa_priv, NULL);
  p.role = NULL;
  assert_int_equal(auth_token_mint(&token, &p), PINS_EINVALID);
  p = params_for(k->rsa_priv, NULL);
  p.ttl = 0;
  assert_int_equal(auth_token_mint(&token, &p), PINS_EINVALID);
  assert_null(token);
}

static void test_key_generate(void **state)
{
  static const struct {
    const char *type;
    const char *alg;
  } cases[] = {{"rsa", "RS256"}, {"ec", "ES256"}};

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *priv = NULL, *pub = NULL;
    const char *alg = NULL;

    assert_int_equal(auth_key_generate(&priv, &pub, cases[i].type), PINS_OK);
    assert_int_equal(auth_key_alg(&alg, priv, strlen(priv), 1), PINS_OK);
    assert_string_equal(alg, cases[i].alg);
    assert_int_equal(auth_key_alg(&alg, pub, strlen(pub), 0), PINS_OK);
    assert_string_equal(alg, cases[i].alg);
    free(priv);
    free(pub);
  }
  {
    char *priv = (char *)"unset", *pub = (char *)"unset";
    assert_int_equal(auth_key_generate(&priv, &pub, "dsa"), PINS_EINVALID);
    assert_null(priv);
    assert_null(pub);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_key_alg_rsa),     cmocka_unit_test(test_key_alg_ec),
      cmocka_unit_test(test_key_alg_refuses), cmocka_unit_test(test_mint_rsa),
      cmocka_unit_test(test_mint_ec),         cmocka_unit_test(test_mint_optional_claims),
      cmocka_unit_test(test_mint_forged),     cmocka_unit_test(test_mint_refuses),
      cmocka_unit_test(test_key_generate),
  };
  return cmocka_run_group_tests_name("token_mint", tests, group_setup, group_teardown);
}
