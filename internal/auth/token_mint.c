#include "auth/token_mint.h"

#include "core/status.h"

#include <errno.h>
#include <jwt.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MINT_JTI_BYTES 16

/* OpenSSL asks for a passphrase when a PEM is encrypted; we never have one, and must never prompt. */
static int key_no_passphrase(char *buf, int size, int rwflag, void *u)
{
  return 0;
}

/* True when an EC key lies on P-256 (prime256v1, secp256r1): the only curve ES256 allows. */
static bool key_is_p256(const EVP_PKEY *pkey)
{
  char name[80];
  size_t name_len = 0;

  if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &name_len) != 1) return false;
  return OBJ_txt2nid(name) == NID_X9_62_prime256v1;
}

int auth_key_alg(const char **alg_out, const char *pem, size_t len, int is_private)
{
  int status = PINS_EINVALID;
  BIO *bio = NULL;
  EVP_PKEY *pkey = NULL;

  *alg_out = NULL;
  if (!pem || len == 0 || len > INT_MAX) goto done;
  bio = BIO_new_mem_buf(pem, (int)len);
  if (!bio) {
    status = PINS_ENOMEM;
    goto done;
  }
  pkey = is_private ? PEM_read_bio_PrivateKey(bio, NULL, key_no_passphrase, NULL)
                    : PEM_read_bio_PUBKEY(bio, NULL, key_no_passphrase, NULL);
  if (!pkey) goto done;
  switch (EVP_PKEY_get_base_id(pkey)) {
  case EVP_PKEY_RSA:
    *alg_out = "RS256";
    status = PINS_OK;
    break;
  case EVP_PKEY_EC:
    if (key_is_p256(pkey)) {
      *alg_out = "ES256";
      status = PINS_OK;
    }
    break;
  default:
    break;
  }

done:
  EVP_PKEY_free(pkey);
  BIO_free(bio);
  ERR_clear_error(); /* leave no stale errors for the next OpenSSL caller (libjwt reads the queue) */
  return status;
}

/* Fills hex (size >= 2 * MINT_JTI_BYTES + 1) with random lowercase hex and a NUL. */
static int mint_random_hex(char *hex, size_t size)
{
  static const char digits[] = "0123456789abcdef";
  unsigned char raw[MINT_JTI_BYTES];
  int status = PINS_ERROR;

  if (size < 2 * sizeof raw + 1 || RAND_bytes(raw, (int)sizeof raw) != 1) goto done;
  for (size_t i = 0; i < sizeof raw; i++) {
    hex[2 * i] = digits[raw[i] >> 4];
    hex[2 * i + 1] = digits[raw[i] & 0x0f];
  }
  hex[2 * sizeof raw] = '\0';
  status = PINS_OK;

done:
  return status;
}

/* Adds every claim of p to jwt, with the times already worked out. */
static int mint_add_claims(jwt_t *jwt, const struct auth_mint_params *p, long iat, long nbf, long exp)
{
  int status = PINS_ERROR;
  char jti[2 * MINT_JTI_BYTES + 1];

  if (mint_random_hex(jti, sizeof jti) != PINS_OK) goto done;
  if (jwt_add_grant(jwt, "iss", p->iss) || jwt_add_grant(jwt, "aud", p->aud)) goto done;
  if (p->sub && jwt_add_grant(jwt, "sub", p->sub)) goto done;
  if (jwt_add_grant_int(jwt, "iat", iat) || jwt_add_grant_int(jwt, "nbf", nbf)) goto done;
  if (!p->omit_exp && jwt_add_grant_int(jwt, "exp", exp)) goto done;
  if (jwt_add_grant(jwt, "pins_role", p->role)) goto done;
  if (p->org && jwt_add_grant(jwt, "pins_org", p->org)) goto done;
  if (jwt_add_grant(jwt, "jti", jti)) goto done;
  status = PINS_OK;

done:
  return status;
}

int auth_token_mint(char **out, const struct auth_mint_params *p)
{
  int status = PINS_EINVALID;
  jwt_t *jwt = NULL;
  char *token = NULL;
  const char *alg_name = p->alg;
  jwt_alg_t alg;
  long now, iat, nbf, exp;
  int rc;

  *out = NULL;
  if (!p->role || !p->iss || !p->aud) goto done;
  if (!p->has_exp_offset && !p->omit_exp && p->ttl <= 0) goto done;
  if (!alg_name && (status = auth_key_alg(&alg_name, p->key, p->key_len, 1)) != PINS_OK) goto done;
  status = PINS_EINVALID;
  alg = jwt_str_alg(alg_name);
  if (alg == JWT_ALG_INVAL) goto done;
  if (alg != JWT_ALG_NONE && (!p->key || p->key_len == 0 || p->key_len > INT_MAX)) goto done;

  if (jwt_new(&jwt) != 0) {
    status = PINS_ENOMEM;
    goto done;
  }
  rc = alg == JWT_ALG_NONE ? jwt_set_alg(jwt, alg, NULL, 0)
                           : jwt_set_alg(jwt, alg, (const unsigned char *)p->key, (int)p->key_len);
  if (rc != 0) {
    status = rc == ENOMEM ? PINS_ENOMEM : PINS_EINVALID;
    goto done;
  }

  now = (long)time(NULL);
  iat = now + (p->has_iat_offset ? p->iat_offset : 0);
  nbf = now + (p->has_nbf_offset ? p->nbf_offset : 0);
  exp = p->has_exp_offset ? now + p->exp_offset : iat + p->ttl;
  if ((status = mint_add_claims(jwt, p, iat, nbf, exp)) != PINS_OK) goto done;

  /* libjwt signs here; a key that does not fit the alg (an EC key for RS256) fails with EINVAL. */
  token = jwt_encode_str(jwt);
  if (!token) {
    status = errno == ENOMEM ? PINS_ENOMEM : PINS_EINVALID;
    goto done;
  }
  *out = token;
  token = NULL;
  status = PINS_OK;

done:
  free(token);
  jwt_free(jwt);
  ERR_clear_error();
  return status;
}

/* Copies what a memory BIO holds into a new NUL-terminated string the caller frees. */
static int mint_bio_string(char **out, BIO *bio)
{
  int status = PINS_ERROR;
  char *data = NULL;
  long len = BIO_get_mem_data(bio, &data);
  char *copy = NULL;

  *out = NULL;
  if (len <= 0 || !data) goto done;
  copy = malloc((size_t)len + 1);
  if (!copy) {
    status = PINS_ENOMEM;
    goto done;
  }
  memcpy(copy, data, (size_t)len);
  copy[len] = '\0';
  *out = copy;
  status = PINS_OK;

done:
  return status;
}

int auth_key_generate(char **priv_out, char **pub_out, const char *type)
{
  int status = PINS_EINVALID;
  EVP_PKEY *pkey = NULL;
  BIO *priv_bio = NULL;
  BIO *pub_bio = NULL;
  char *priv = NULL;
  char *pub = NULL;

  *priv_out = NULL;
  *pub_out = NULL;
  if (!type) goto done;
  if (strcmp(type, "rsa") == 0)
    pkey = EVP_RSA_gen(2048);
  else if (strcmp(type, "ec") == 0)
    pkey = EVP_EC_gen("P-256");
  else
    goto done;

  status = PINS_ERROR;
  if (!pkey) goto done;
  priv_bio = BIO_new(BIO_s_mem());
  pub_bio = BIO_new(BIO_s_mem());
  if (!priv_bio || !pub_bio) {
    status = PINS_ENOMEM;
    goto done;
  }
  if (PEM_write_bio_PrivateKey(priv_bio, pkey, NULL, NULL, 0, NULL, NULL) != 1 ||
      PEM_write_bio_PUBKEY(pub_bio, pkey) != 1)
    goto done;
  if ((status = mint_bio_string(&priv, priv_bio)) != PINS_OK ||
      (status = mint_bio_string(&pub, pub_bio)) != PINS_OK)
    goto done;
  *priv_out = priv;
  *pub_out = pub;
  priv = NULL;
  pub = NULL;
  status = PINS_OK;

done:
  if (priv) OPENSSL_cleanse(priv, strlen(priv));
  free(priv);
  free(pub);
  BIO_free(priv_bio);
  BIO_free(pub_bio);
  EVP_PKEY_free(pkey);
  ERR_clear_error();
  return status;
}
