#ifndef PINS_TESTS_FUZZ_JWT_KEY_H
#define PINS_TESTS_FUZZ_JWT_KEY_H

/* A fixed EC P-256 key pair for the JWT harnesses, made once with
 *   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
 * It signs nothing but fuzz inputs; the same pair signs the tokens in corpus/jwt*. */

#include <stdlib.h>
#include <unistd.h>

#include "auth/jwt_verify.h"
#include "core/status.h"

#define FUZZ_JWT_ISSUER "pins-fuzz"
#define FUZZ_JWT_AUDIENCE "pins-hub"
#define FUZZ_JWT_NOW ((time_t)1800000000) /* 2027-01-15: the corpus tokens are valid then */

static const char fuzz_jwt_private_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/z34Vt8c3hkM91IN\n"
    "qTc++8TfweuQOx1xdSF1eD1WMQuhRANCAAROE8sRrv3qLwVZDrQ2LMyfSxD+uJp2\n"
    "ztnWv0BzpqKny4mRt/5pwoF8dZTFoxzGg5wS8NhjU5i5oZfSKQwQA/86\n"
    "-----END PRIVATE KEY-----\n";

static const char fuzz_jwt_public_pem[] = "-----BEGIN PUBLIC KEY-----\n"
                                          "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEThPLEa796i8FWQ60NizMn0sQ/ria\n"
                                          "ds7Z1r9Ac6aip8uJkbf+acKBfHWUxaMcxoOcEvDYY1OYuaGX0ikMEAP/Og==\n"
                                          "-----END PUBLIC KEY-----\n";

/* The verifier reads its key from a file, as the service does: written to a temporary file once. */
static inline struct auth_verifier *fuzz_jwt_verifier(void)
{
  char path[] = "/tmp/pins-fuzz-key-XXXXXX", err[256] = "";
  struct auth_verifier *v = NULL;
  int fd = mkstemp(path);
  if (fd < 0 || write(fd, fuzz_jwt_public_pem, sizeof fuzz_jwt_public_pem - 1) !=
                    (ssize_t)(sizeof fuzz_jwt_public_pem - 1))
    abort();
  close(fd);
  if (auth_verifier_new(&v, path, FUZZ_JWT_ISSUER, FUZZ_JWT_AUDIENCE, err, sizeof err) != PINS_OK) {
    fprintf(stderr, "fuzz: %s\n", err);
    abort();
  }
  unlink(path);
  return v;
}

#endif
