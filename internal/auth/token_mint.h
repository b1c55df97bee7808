#ifndef PINS_AUTH_TOKEN_MINT_H
#define PINS_AUTH_TOKEN_MINT_H

#include <stdbool.h>
#include <stddef.h>

/* Mints the JWTs the API accepts (bin/pins-token, the test suites). Production tokens come from the
 * identity provider; this side exists for development and for tests, which is why it can also forge
 * tokens the verifier must refuse (expired, not yet valid, alg "none", HS256 signed with a key). */

/* What goes into a token. Every pointer is borrowed for the duration of the call only.
 * Times: iat = now + iat_offset, nbf = now + nbf_offset, exp = now + exp_offset when the has_ flag is
 * set; otherwise iat = nbf = now and exp = iat + ttl. */
struct auth_mint_params {
  const char *key;     /* PEM private key (RSA or EC P-256); for an HS* alg, the HMAC secret bytes;
                        * ignored for alg "none" (may be NULL) */
  size_t key_len;      /* bytes in key; PEM need not be NUL-terminated */
  const char *role;    /* pins_role; required */
  const char *org;     /* pins_org; NULL omits the claim */
  const char *sub;     /* sub; NULL omits the claim */
  const char *iss;     /* iss; required */
  const char *aud;     /* aud (a single string); required */
  long ttl;            /* seconds from iat to exp when has_exp_offset is false; must be > 0 then */
  bool has_exp_offset; /* exp = now + exp_offset (may be negative: an expired token) */
  long exp_offset;
  bool has_nbf_offset; /* nbf = now + nbf_offset (positive: not yet valid) */
  long nbf_offset;
  bool has_iat_offset; /* iat = now + iat_offset */
  long iat_offset;
  bool omit_exp;   /* leave exp out altogether (tests: exp is required) */
  const char *alg; /* NULL: from the key type (RS256 or ES256). Otherwise a JWS alg name as
                    * libjwt spells it ("RS256", "ES256", "HS256", "none", ...) */
};

/* Mints a signed (or, for alg "none", unsigned "header.payload.") JWT with claims iss, aud, sub, iat,
 * nbf, exp, pins_role, pins_org and a random jti. On success *out is a NUL-terminated string the
 * caller frees with free(). Returns 0, PINS_EINVALID (missing field, unreadable key, unknown alg,
 * key that does not fit the alg) or PINS_ENOMEM / PINS_ERROR. *out is NULL on failure. */
int auth_token_mint(char **out, const struct auth_mint_params *p);

/* Finds the JWS alg a PEM key pins: "RS256" for RSA, "ES256" for EC on P-256. is_private selects
 * a private key (PKCS#8 or traditional) or a public key (SubjectPublicKeyInfo, "BEGIN PUBLIC KEY").
 * Encrypted private keys are refused, never prompted for. On success *alg_out points to a static
 * string (not to be freed). Returns 0, or PINS_EINVALID for anything else (other key types, other
 * curves, RSA-PSS, unparsable PEM). */
int auth_key_alg(const char **alg_out, const char *pem, size_t len, int is_private);

/* Generates a development key pair: type "rsa" (2048 bits) or "ec" (P-256). On success *priv_out
 * is a PKCS#8 PEM private key and *pub_out a SubjectPublicKeyInfo PEM public key, both
 * NUL-terminated, both freed by the caller with free(). Returns 0, PINS_EINVALID for an unknown
 * type, PINS_ENOMEM or PINS_ERROR; on failure both outputs are NULL. */
int auth_key_generate(char **priv_out, char **pub_out, const char *type);

#endif
