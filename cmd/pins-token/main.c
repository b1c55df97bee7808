/* pins-token: mints a development JWT, or generates a development key pair.
 *
 *   pins-token --role R [--org CODE] [--ttl SECONDS] [--sub S] --key PRIVATE.pem [--iss ISS] [--aud AUD]
 *              [--exp-offset N] [--nbf-offset N] [--iat-offset N] [--alg ALG] [--secret-file F]
 *              [--no-exp] [--any-role]
 *   pins-token --gen-key FILE [--type rsa|ec]
 *
 * --sub defaults to dev-ROLE[-ORG]. Prints the token and a newline. Exit 0 on success, 2 on bad arguments (one line on stderr), 1 when
 * a file cannot be read or written or the key cannot sign. */
#include "auth/token_mint.h"
#include "core/status.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOKEN_MAX_KEY_FILE (1024 * 1024)
#define TOKEN_EXIT_FAIL 1
#define TOKEN_EXIT_USAGE 2

static const char token_usage[] =
    "usage: pins-token --role R [--org CODE] [--ttl SECONDS] [--sub S] --key FILE [--iss ISS] [--aud AUD] "
    "[--exp-offset N] [--nbf-offset N] [--iat-offset N] [--alg ALG] [--secret-file F] [--no-exp] "
    "[--any-role] | pins-token --gen-key FILE [--type rsa|ec]";

static const char *const token_algs[] = {"RS256", "RS384", "RS512", "ES256", "ES384",
                                         "ES512", "HS256", "HS384", "HS512", "none"};

static const char *const token_roles[] = {"national", "icb", "local_authority", "school", "pcf", "evaluator"};

enum token_opt {
  OPT_ROLE = 'r',
  OPT_ORG = 'o',
  OPT_TTL = 't',
  OPT_SUB = 's',
  OPT_KEY = 'k',
  OPT_HELP = 'h',
  OPT_ISS = 256,
  OPT_AUD,
  OPT_EXP_OFFSET,
  OPT_NBF_OFFSET,
  OPT_IAT_OFFSET,
  OPT_ALG,
  OPT_SECRET_FILE,
  OPT_NO_EXP,
  OPT_ANY_ROLE,
  OPT_GEN_KEY,
  OPT_TYPE,
};

static const struct option token_options[] = {
    {"role", required_argument, NULL, OPT_ROLE},
    {"org", required_argument, NULL, OPT_ORG},
    {"ttl", required_argument, NULL, OPT_TTL},
    {"sub", required_argument, NULL, OPT_SUB},
    {"key", required_argument, NULL, OPT_KEY},
    {"iss", required_argument, NULL, OPT_ISS},
    {"aud", required_argument, NULL, OPT_AUD},
    {"exp-offset", required_argument, NULL, OPT_EXP_OFFSET},
    {"nbf-offset", required_argument, NULL, OPT_NBF_OFFSET},
    {"iat-offset", required_argument, NULL, OPT_IAT_OFFSET},
    {"alg", required_argument, NULL, OPT_ALG},
    {"secret-file", required_argument, NULL, OPT_SECRET_FILE},
    {"no-exp", no_argument, NULL, OPT_NO_EXP},
    {"any-role", no_argument, NULL, OPT_ANY_ROLE},
    {"gen-key", required_argument, NULL, OPT_GEN_KEY},
    {"type", required_argument, NULL, OPT_TYPE},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

struct token_cli {
  struct auth_mint_params mint; /* strings borrowed from argv / the environment */
  const char *key_file;
  const char *secret_file;
  const char *gen_key_file;
  const char *key_type;
  bool any_role;
  bool help;
  int token_opts; /* how many token options were given (they do not mix with --gen-key) */
};

/* Prints one usage line naming the problem; returns the usage exit code. */
static int token_usage_error(const char *what, const char *arg)
{
  fprintf(stderr, "pins-token: %s%s%s; %s\n", what, arg ? ": " : "", arg ? arg : "", token_usage);
  return TOKEN_EXIT_USAGE;
}

/* Parses a whole decimal long (sign allowed) into *out. */
static int token_parse_long(long *out, const char *s)
{
  char *end = NULL;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0') return PINS_EINVALID;
  *out = v;
  return PINS_OK;
}

static bool token_name_in(const char *name, const char *const *names, size_t count)
{
  for (size_t i = 0; i < count; i++)
    if (strcmp(name, names[i]) == 0) return true;
  return false;
}

static const char *token_env_or(const char *name, const char *fallback)
{
  const char *v = getenv(name);
  return v && *v ? v : fallback;
}

/* Fills cli from argv. Returns 0 or the exit code for a usage error (already reported). */
static int token_parse_args(struct token_cli *cli, int argc, char **argv)
{
  int opt;

  opterr = 0;
  while ((opt = getopt_long(argc, argv, ":h", token_options, NULL)) != -1) {
    long *offset = NULL;
    bool *has = NULL;

    if (opt != OPT_GEN_KEY && opt != OPT_TYPE && opt != OPT_HELP && opt != '?' && opt != ':')
      cli->token_opts++;
    switch (opt) {
    case OPT_ROLE:
      cli->mint.role = optarg;
      break;
    case OPT_ORG:
      cli->mint.org = optarg;
      break;
    case OPT_SUB:
      cli->mint.sub = optarg;
      break;
    case OPT_KEY:
      cli->key_file = optarg;
      break;
    case OPT_ISS:
      cli->mint.iss = optarg;
      break;
    case OPT_AUD:
      cli->mint.aud = optarg;
      break;
    case OPT_ALG:
      cli->mint.alg = optarg;
      break;
    case OPT_SECRET_FILE:
      cli->secret_file = optarg;
      break;
    case OPT_NO_EXP:
      cli->mint.omit_exp = true;
      break;
    case OPT_ANY_ROLE:
      cli->any_role = true;
      break;
    case OPT_GEN_KEY:
      cli->gen_key_file = optarg;
      break;
    case OPT_TYPE:
      cli->key_type = optarg;
      break;
    case OPT_HELP:
      cli->help = true;
      break;
    case OPT_TTL:
      if (token_parse_long(&cli->mint.ttl, optarg) != PINS_OK || cli->mint.ttl <= 0)
        return token_usage_error("--ttl must be a positive number of seconds", optarg);
      break;
    case OPT_EXP_OFFSET:
      offset = &cli->mint.exp_offset;
      has = &cli->mint.has_exp_offset;
      break;
    case OPT_NBF_OFFSET:
      offset = &cli->mint.nbf_offset;
      has = &cli->mint.has_nbf_offset;
      break;
    case OPT_IAT_OFFSET:
      offset = &cli->mint.iat_offset;
      has = &cli->mint.has_iat_offset;
      break;
    case ':':
      return token_usage_error("option needs a value", argv[optind - 1]);
    default:
      return token_usage_error("unknown option", argv[optind - 1]);
    }
    if (offset) {
      if (token_parse_long(offset, optarg) != PINS_OK)
        return token_usage_error("offsets are whole seconds, possibly negative", optarg);
      *has = true;
    }
  }
  if (optind < argc) return token_usage_error("unexpected argument", argv[optind]);
  return PINS_OK;
}

/* Checks the combination of options for minting. Returns 0 or the usage exit code (reported). */
static int token_check_mint_args(const struct token_cli *cli)
{
  const char *alg = cli->mint.alg;
  bool hmac = alg && strncmp(alg, "HS", 2) == 0;
  bool none = alg && strcmp(alg, "none") == 0;

  if (cli->key_type) return token_usage_error("--type goes with --gen-key", NULL);
  if (!cli->mint.role) return token_usage_error("--role is required", NULL);
  if (!cli->any_role && !token_name_in(cli->mint.role, token_roles, sizeof token_roles / sizeof *token_roles))
    return token_usage_error(
        "--role must be one of national, icb, local_authority, school, pcf, evaluator (or add --any-role)",
        cli->mint.role);
  if (alg && !token_name_in(alg, token_algs, sizeof token_algs / sizeof *token_algs))
    return token_usage_error(
        "--alg must be one of RS256 RS384 RS512 ES256 ES384 ES512 HS256 HS384 HS512 none", alg);
  if (cli->secret_file && !hmac)
    return token_usage_error("--secret-file needs --alg HS256, HS384 or HS512", NULL);
  if (!cli->key_file && !none && !(hmac && cli->secret_file))
    return token_usage_error("--key is required", NULL);
  if (cli->mint.omit_exp && cli->mint.has_exp_offset)
    return token_usage_error("--no-exp and --exp-offset contradict each other", NULL);
  return PINS_OK;
}

/* Reads a whole (small) file. On success *out is a NUL-terminated copy the caller frees. */
static int token_read_file(char **out, size_t *len_out, const char *path)
{
  int status = PINS_ERROR;
  FILE *f = NULL;
  char *buf = NULL;
  size_t len = 0;

  *out = NULL;
  *len_out = 0;
  f = fopen(path, "rb");
  if (!f) goto done;
  buf = malloc(TOKEN_MAX_KEY_FILE + 1);
  if (!buf) {
    status = PINS_ENOMEM;
    goto done;
  }
  len = fread(buf, 1, TOKEN_MAX_KEY_FILE + 1, f);
  if (ferror(f) || len > TOKEN_MAX_KEY_FILE) {
    errno = ferror(f) ? errno : EFBIG;
    goto done;
  }
  buf[len] = '\0';
  *out = buf;
  *len_out = len;
  buf = NULL;
  status = PINS_OK;

done:
  if (f) fclose(f);
  free(buf);
  return status;
}

/* Writes data to path atomically (a temporary file in the same folder, then rename) with mode. */
static int token_write_file(const char *path, const char *data, mode_t mode)
{
  int status = PINS_ERROR;
  char tmp[PATH_MAX];
  int fd = -1;
  size_t len = strlen(data);
  size_t done_len = 0;

  if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    goto done;
  }
  fd = mkstemp(tmp); /* created 0600, so a private key is never readable by others, even briefly */
  if (fd < 0) goto done;
  while (done_len < len) {
    ssize_t n = write(fd, data + done_len, len - done_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) goto done;
    done_len += (size_t)n;
  }
  if (fchmod(fd, mode) != 0 || fsync(fd) != 0) goto done;
  if (close(fd) != 0) {
    fd = -1;
    goto done;
  }
  fd = -1;
  if (rename(tmp, path) != 0) goto done;
  tmp[0] = '\0';
  status = PINS_OK;

done:
  if (fd >= 0) close(fd);
  if (tmp[0]) unlink(tmp);
  return status;
}

/* --gen-key FILE [--type rsa|ec]: FILE (0600) gets the private key, FILE.pub (0644) the public one. */
static int token_gen_key(const struct token_cli *cli)
{
  int code = TOKEN_EXIT_FAIL;
  char *priv = NULL;
  char *pub = NULL;
  char pub_path[PATH_MAX];
  const char *type = cli->key_type ? cli->key_type : "rsa";

  if (cli->token_opts > 0) {
    code = token_usage_error("--gen-key takes only --type", NULL);
    goto done;
  }
  if (strcmp(type, "rsa") != 0 && strcmp(type, "ec") != 0) {
    code = token_usage_error("--type must be rsa or ec", type);
    goto done;
  }
  if (snprintf(pub_path, sizeof pub_path, "%s.pub", cli->gen_key_file) >= (int)sizeof pub_path) {
    code = token_usage_error("path too long", cli->gen_key_file);
    goto done;
  }
  if (auth_key_generate(&priv, &pub, type) != PINS_OK) {
    fprintf(stderr, "pins-token: could not generate a %s key\n", type);
    goto done;
  }
  if (token_write_file(cli->gen_key_file, priv, 0600) != PINS_OK) {
    fprintf(stderr, "pins-token: cannot write %s: %s\n", cli->gen_key_file, strerror(errno));
    goto done;
  }
  if (token_write_file(pub_path, pub, 0644) != PINS_OK) {
    fprintf(stderr, "pins-token: cannot write %s: %s\n", pub_path, strerror(errno));
    goto done;
  }
  code = 0;

done:
  if (priv) OPENSSL_cleanse(priv, strlen(priv));
  free(priv);
  free(pub);
  return code;
}

/* Mints and prints a token as cli describes. */
static int token_mint_print(struct token_cli *cli)
{
  int code = TOKEN_EXIT_FAIL;
  const char *key_path = cli->secret_file ? cli->secret_file : cli->key_file;
  char *key = NULL;
  size_t key_len = 0;
  char *token = NULL;
  char default_sub[128];
  int status;

  if ((code = token_check_mint_args(cli)) != 0) goto done;
  code = TOKEN_EXIT_FAIL;
  if (!cli->mint.alg || strcmp(cli->mint.alg, "none") != 0) {
    if (token_read_file(&key, &key_len, key_path) != PINS_OK) {
      fprintf(stderr, "pins-token: cannot read %s: %s\n", key_path, strerror(errno));
      goto done;
    }
    cli->mint.key = key;
    cli->mint.key_len = key_len;
  }
  if (!cli->mint.has_exp_offset && cli->mint.ttl == 0) cli->mint.ttl = 3600;
  if (!cli->mint.iss) cli->mint.iss = token_env_or("PINS_JWT_ISSUER", "pins-dev");
  if (!cli->mint.aud) cli->mint.aud = token_env_or("PINS_JWT_AUDIENCE", "pins-hub");
  /* The service refuses a token without sub (its audit trail names who): say who by default. */
  if (!cli->mint.sub) {
    snprintf(default_sub, sizeof default_sub, "dev-%s%s%.64s", cli->mint.role, cli->mint.org ? "-" : "",
             cli->mint.org ? cli->mint.org : "");
    cli->mint.sub = default_sub;
  }

  status = auth_token_mint(&token, &cli->mint);
  if (status == PINS_EINVALID)
    fprintf(stderr, "pins-token: cannot sign with %s: not an RSA or EC P-256 private key PEM%s\n", key_path,
            cli->mint.alg ? ", or it does not fit --alg" : "");
  else if (status != PINS_OK)
    fprintf(stderr, "pins-token: minting failed (status %d)\n", status);
  if (status != PINS_OK) goto done;
  if (printf("%s\n", token) < 0 || fflush(stdout) != 0) goto done;
  code = 0;

done:
  if (key) OPENSSL_cleanse(key, key_len);
  free(key);
  free(token);
  return code;
}

int main(int argc, char **argv)
{
  struct token_cli cli = {0};
  int code = token_parse_args(&cli, argc, argv);

  if (code != 0) return code;
  if (cli.help) {
    printf("%s\n", token_usage);
    return 0;
  }
  if (cli.gen_key_file) return token_gen_key(&cli);
  return token_mint_print(&cli);
}
