/* Raw bytes as a bearer token (internal/auth/jwt_verify.c and the per-thread cache in
 * token_cache.c), against the fixed EC P-256 key. Nothing mutated from the corpus carries a valid
 * signature, so this reaches the token's shape, its base64url, its JOSE header and libjwt's
 * parsing and signature check; fuzz_jwt_claims.c signs its inputs to reach the claim checks.
 * A token is refused with a reason, and the cache answers as the verifier does. */
#include "fuzz.h"

#include "auth/jwt_verify.h"
#include "core/status.h"
#include "fuzz_jwt_key.h"

/* Issue 11: a signature in standard base64 ('+', '/', '=' padding) was accepted
 * (corpus/jwt/std_base64_sig). */

static const char b64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

static struct auth_verifier *verifier;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  verifier = fuzz_jwt_verifier();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *token = fuzz_strndup(data, size), why[128] = "", why_cached[128] = "";
  struct auth_principal p, pc;
  memset(&p, 0, sizeof p);
  memset(&pc, 0, sizeof pc);
  int rc = auth_verify(&p, verifier, token, FUZZ_JWT_NOW, why, sizeof why);
  FUZZ_ASSERT(rc == PINS_OK || (rc == PINS_EINVALID && why[0]));
  int rc_cached = auth_verify_cached(&pc, verifier, token, FUZZ_JWT_NOW, why_cached, sizeof why_cached);
  FUZZ_ASSERT(rc_cached == rc);
  if (rc == PINS_OK) {
    FUZZ_ASSERT(pc.role == p.role && strcmp(pc.org, p.org) == 0 && strcmp(pc.sub, p.sub) == 0);
    FUZZ_ASSERT(p.role < ROLE_COUNT);
    FUZZ_ASSERT(strspn(token, b64url_alphabet) == strlen(token)); /* RFC 7515: base64url, no padding */
  }
  auth_cache_clear();
  free(token);
  return 0;
}
