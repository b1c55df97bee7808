/* Unit tests for internal/config/config.c: config_load reads PINS_* from the environment (set
 * here with setenv), keeps defaults, and names the variable in every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/log.h"
#include "core/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const all_vars[] = {
    "PINS_LISTEN_PORT",         "PINS_WORKERS",      "PINS_DB_POOL_SIZE",
    "PINS_LOG_LEVEL",           "PINS_DATABASE_URL", "PINS_KAFKA_BROKERS",
    "PINS_JWT_ISSUER",          "PINS_JWT_AUDIENCE", "PINS_CORS_ORIGINS",
    "PINS_JWT_PUBLIC_KEY_FILE", "PINS_LISTEN_ADDRESS", "PINS_MAX_CONNECTIONS", "PINS_REPORT_DUE_DAYS",
    "PINS_MAX_CONNECTIONS_PER_IP", "PINS_REQUEST_TIMEOUT_SECONDS",
};

/* A readable file for PINS_JWT_PUBLIC_KEY_FILE (config only checks it can be read). */
static char key_file[] = "/tmp/pins-test-config-XXXXXX";

static int group_setup(void **state)
{
  int fd = mkstemp(key_file);
  if (fd < 0) return -1;
  close(fd);
  return 0;
}

static int group_teardown(void **state)
{
  unlink(key_file);
  return 0;
}

static int clear_env(void **state)
{
  for (size_t i = 0; i < COUNT(all_vars); i++)
    unsetenv(all_vars[i]);
  return 0;
}

/* Sets "NAME=value" pairs; "@KEY" as a value stands for the readable key file. */
static void set_env(const char *const *assignments, size_t n)
{
  for (size_t i = 0; i < n && assignments[i]; i++) {
    const char *eq = strchr(assignments[i], '=');
    char name[64];
    assert_non_null(eq);
    snprintf(name, sizeof name, "%.*s", (int)(eq - assignments[i]), assignments[i]);
    assert_int_equal(setenv(name, strcmp(eq + 1, "@KEY") == 0 ? key_file : eq + 1, 1), 0);
  }
}

static unsigned cores(void)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 2;
}

static void test_defaults(void **state)
{
  struct config cfg;
  char err[256] = "";

  assert_int_equal(config_load(&cfg, 0, err, sizeof err), PINS_OK);
  assert_int_equal(cfg.listen_port, 8080);
  assert_int_equal(cfg.workers, 2 * cores());
  assert_int_equal(cfg.db_pool_size, 2 * cores() + 2);
  assert_string_equal(cfg.listen_address, "0.0.0.0");
  assert_int_equal(cfg.max_connections, 1024);
  assert_int_equal(cfg.max_connections_per_ip, 64);
  assert_int_equal(cfg.request_timeout, 30);
  assert_int_equal(cfg.log_level, LOG_INFO);
  assert_null(cfg.database_url);
  assert_null(cfg.kafka_brokers);
  assert_null(cfg.jwt_public_key_file);
  assert_string_equal(cfg.jwt_issuer, "pins-dev");
  assert_string_equal(cfg.jwt_audience, "pins-hub");
  assert_int_equal(cfg.cors_origin_count, 0);
  assert_non_null(cfg.cors_origins);
  assert_null(cfg.cors_origins[0]);
  assert_false(config_cors_allowed(&cfg, "http://localhost:3000"));
  config_free(&cfg);
  config_free(&cfg); /* twice is harmless */
}

struct load_case {
  const char *name;
  const char *env[4];
  unsigned need;
  const char *bad_var; /* NULL: PINS_OK expected; else PINS_EINVALID whose message starts with it */
};

#define ALL_NEEDS (CONFIG_NEED_DATABASE | CONFIG_NEED_KAFKA | CONFIG_NEED_JWT)
#define DB_OK "PINS_DATABASE_URL=postgresql://pins@localhost:5432/pins"

static const struct load_case load_cases[] = {
    {"port abc", {"PINS_LISTEN_PORT=abc"}, 0, "PINS_LISTEN_PORT"},
    {"port 0", {"PINS_LISTEN_PORT=0"}, 0, "PINS_LISTEN_PORT"},
    {"port 70000", {"PINS_LISTEN_PORT=70000"}, 0, "PINS_LISTEN_PORT"},
    {"port 65536", {"PINS_LISTEN_PORT=65536"}, 0, "PINS_LISTEN_PORT"},
    {"port -1", {"PINS_LISTEN_PORT=-1"}, 0, "PINS_LISTEN_PORT"},
    {"port +80", {"PINS_LISTEN_PORT=+80"}, 0, "PINS_LISTEN_PORT"},
    {"port 80x", {"PINS_LISTEN_PORT=80x"}, 0, "PINS_LISTEN_PORT"},
    {"port 8.5", {"PINS_LISTEN_PORT=8.5"}, 0, "PINS_LISTEN_PORT"},
    {"port 0x50", {"PINS_LISTEN_PORT=0x50"}, 0, "PINS_LISTEN_PORT"},
    {"port huge", {"PINS_LISTEN_PORT=99999999999999999999999"}, 0, "PINS_LISTEN_PORT"},
    {"port 1", {"PINS_LISTEN_PORT=1"}, 0, NULL},
    {"port 65535", {"PINS_LISTEN_PORT=65535"}, 0, NULL},
    {"port empty means default", {"PINS_LISTEN_PORT="}, 0, NULL},
    {"workers 0", {"PINS_WORKERS=0"}, 0, "PINS_WORKERS"},
    {"workers 257", {"PINS_WORKERS=257"}, 0, "PINS_WORKERS"},
    {"workers x", {"PINS_WORKERS=x"}, 0, "PINS_WORKERS"},
    {"workers 256", {"PINS_WORKERS=256"}, 0, NULL},
    {"address name", {"PINS_LISTEN_ADDRESS=localhost"}, 0, "PINS_LISTEN_ADDRESS"},
    {"address ipv6", {"PINS_LISTEN_ADDRESS=::1"}, 0, NULL},
    {"connections 0", {"PINS_MAX_CONNECTIONS=0"}, 0, "PINS_MAX_CONNECTIONS"},
    {"connections per ip 0", {"PINS_MAX_CONNECTIONS_PER_IP=0"}, 0, "PINS_MAX_CONNECTIONS_PER_IP"},
    {"connections per ip 65537", {"PINS_MAX_CONNECTIONS_PER_IP=65537"}, 0, "PINS_MAX_CONNECTIONS_PER_IP"},
    {"connections per ip x", {"PINS_MAX_CONNECTIONS_PER_IP=many"}, 0, "PINS_MAX_CONNECTIONS_PER_IP"},
    {"connections per ip 1", {"PINS_MAX_CONNECTIONS_PER_IP=1"}, 0, NULL},
    {"request timeout 0", {"PINS_REQUEST_TIMEOUT_SECONDS=0"}, 0, "PINS_REQUEST_TIMEOUT_SECONDS"},
    {"request timeout 3601", {"PINS_REQUEST_TIMEOUT_SECONDS=3601"}, 0, "PINS_REQUEST_TIMEOUT_SECONDS"},
    {"request timeout 1.5", {"PINS_REQUEST_TIMEOUT_SECONDS=1.5"}, 0, "PINS_REQUEST_TIMEOUT_SECONDS"},
    {"request timeout 5s", {"PINS_REQUEST_TIMEOUT_SECONDS=5s"}, 0, "PINS_REQUEST_TIMEOUT_SECONDS"},
    {"request timeout 1", {"PINS_REQUEST_TIMEOUT_SECONDS=1"}, 0, NULL},
    {"pool 0", {"PINS_DB_POOL_SIZE=0"}, 0, "PINS_DB_POOL_SIZE"},
    {"pool 257", {"PINS_DB_POOL_SIZE=257"}, 0, "PINS_DB_POOL_SIZE"},
    {"log level loud", {"PINS_LOG_LEVEL=loud"}, 0, "PINS_LOG_LEVEL"},
    {"log level debug", {"PINS_LOG_LEVEL=debug"}, 0, NULL},
    {"log level error", {"PINS_LOG_LEVEL=error"}, 0, NULL},
    {"database needed, absent", {NULL}, CONFIG_NEED_DATABASE, "PINS_DATABASE_URL"},
    {"database needed, empty", {"PINS_DATABASE_URL="}, CONFIG_NEED_DATABASE, "PINS_DATABASE_URL"},
    {"database needed, given", {DB_OK}, CONFIG_NEED_DATABASE, NULL},
    {"database postgres:// scheme", {"PINS_DATABASE_URL=postgres://h/db"}, CONFIG_NEED_DATABASE, NULL},
    {"database mysql URL", {"PINS_DATABASE_URL=mysql://h/db"}, CONFIG_NEED_DATABASE, "PINS_DATABASE_URL"},
    {"database key=value string",
     {"PINS_DATABASE_URL=host=localhost dbname=pins"},
     CONFIG_NEED_DATABASE,
     "PINS_DATABASE_URL"},
    {"database bad URL even when not needed", {"PINS_DATABASE_URL=http://h/db"}, 0, "PINS_DATABASE_URL"},
    {"database not needed, absent", {NULL}, 0, NULL},
    {"kafka needed, absent", {NULL}, CONFIG_NEED_KAFKA, "PINS_KAFKA_BROKERS"},
    {"kafka without port", {"PINS_KAFKA_BROKERS=localhost"}, 0, "PINS_KAFKA_BROKERS"},
    {"kafka given", {"PINS_KAFKA_BROKERS=k1:9092,k2:9092"}, CONFIG_NEED_KAFKA, NULL},
    {"jwt needed, absent", {NULL}, CONFIG_NEED_JWT, "PINS_JWT_PUBLIC_KEY_FILE"},
    {"jwt key unreadable",
     {"PINS_JWT_PUBLIC_KEY_FILE=/nonexistent/pins/key.pem"},
     0,
     "PINS_JWT_PUBLIC_KEY_FILE"},
    {"jwt key readable", {"PINS_JWT_PUBLIC_KEY_FILE=@KEY"}, CONFIG_NEED_JWT, NULL},
    {"everything needed and given",
     {DB_OK, "PINS_KAFKA_BROKERS=localhost:9092", "PINS_JWT_PUBLIC_KEY_FILE=@KEY"},
     ALL_NEEDS,
     NULL},
    {"first fault reported: port before database", {"PINS_LISTEN_PORT=0"}, ALL_NEEDS, "PINS_LISTEN_PORT"},
    {"cors non-http origin", {"PINS_CORS_ORIGINS=ftp://files.example"}, 0, "PINS_CORS_ORIGINS"},
    {"cors wildcard", {"PINS_CORS_ORIGINS=https://a.example,*"}, 0, "PINS_CORS_ORIGINS"},
    {"cors bare host", {"PINS_CORS_ORIGINS=a.example"}, 0, "PINS_CORS_ORIGINS"},
    {"cors upper-case scheme", {"PINS_CORS_ORIGINS=HTTPS://a.example"}, 0, "PINS_CORS_ORIGINS"},
    {"cors only commas and spaces", {"PINS_CORS_ORIGINS= , ,, "}, 0, NULL},
};

static void test_load(void **state)
{
  for (size_t i = 0; i < COUNT(load_cases); i++) {
    const struct load_case *c = &load_cases[i];
    struct config cfg;
    char err[256] = "";

    clear_env(NULL);
    set_env(c->env, COUNT(c->env));
    int rc = config_load(&cfg, c->need, err, sizeof err);
    if (!c->bad_var && rc != PINS_OK) fail_msg("%s: rc %d (%s), want PINS_OK", c->name, rc, err);
    if (c->bad_var) {
      if (rc != PINS_EINVALID) fail_msg("%s: rc %d, want PINS_EINVALID", c->name, rc);
      size_t vl = strlen(c->bad_var);
      if (strncmp(err, c->bad_var, vl) != 0 || err[vl] != ':' || strlen(err) < vl + 5)
        fail_msg("%s: error \"%s\" does not start by naming %s", c->name, err, c->bad_var);
      if (strchr(err, '\n')) fail_msg("%s: error is more than one line", c->name);
    }
    config_free(&cfg);
  }
  clear_env(NULL);
}

static void test_values(void **state)
{
  static const char *const env[] = {"PINS_LISTEN_PORT=9090",      "PINS_WORKERS=4",
                                    "PINS_LOG_LEVEL=warn",        "PINS_JWT_ISSUER=https://idp.example",
                                    "PINS_JWT_AUDIENCE=pins-api", DB_OK};
  struct config cfg;
  char err[256] = "";

  set_env(env, COUNT(env));
  assert_int_equal(config_load(&cfg, CONFIG_NEED_DATABASE, err, sizeof err), PINS_OK);
  assert_int_equal(cfg.listen_port, 9090);
  assert_int_equal(cfg.workers, 4);
  assert_int_equal(cfg.db_pool_size, 6); /* workers + 2 */
  assert_int_equal(cfg.log_level, LOG_WARN);
  assert_string_equal(cfg.jwt_issuer, "https://idp.example");
  assert_string_equal(cfg.jwt_audience, "pins-api");
  assert_string_equal(cfg.database_url, "postgresql://pins@localhost:5432/pins");
  config_free(&cfg);

  setenv("PINS_DB_POOL_SIZE", "3", 1);
  setenv("PINS_MAX_CONNECTIONS_PER_IP", "8", 1);
  setenv("PINS_REQUEST_TIMEOUT_SECONDS", "120", 1);
  assert_int_equal(config_load(&cfg, 0, err, sizeof err), PINS_OK);
  assert_int_equal(cfg.db_pool_size, 3);
  assert_int_equal(cfg.max_connections_per_ip, 8);
  assert_int_equal(cfg.request_timeout, 120);
  config_free(&cfg);
  unsetenv("PINS_MAX_CONNECTIONS_PER_IP");
  unsetenv("PINS_REQUEST_TIMEOUT_SECONDS");
}

/* A short error buffer is cut, not overrun. */
static void test_short_err(void **state)
{
  struct config cfg;
  char err[12];

  memset(err, '#', sizeof err);
  setenv("PINS_LISTEN_PORT", "abc", 1);
  assert_int_equal(config_load(&cfg, 0, err, 8), PINS_EINVALID);
  assert_string_equal(err, "PINS_LI");
  for (size_t i = 8; i < sizeof err; i++)
    assert_int_equal(err[i], '#');
  config_free(&cfg);
}

static void test_cors(void **state)
{
  static const struct {
    const char *list;
    size_t count;
    const char *origins[4];
  } cases[] = {
      {"https://a.example", 1, {"https://a.example"}},
      {"https://a.example,http://localhost:3000", 2, {"https://a.example", "http://localhost:3000"}},
      {"  https://a.example ,  http://b.example:8080  ", 2, {"https://a.example", "http://b.example:8080"}},
      {",https://a.example,,,https://b.example,", 2, {"https://a.example", "https://b.example"}},
      {" , https://a.example , , ", 1, {"https://a.example"}},
      {"", 0, {NULL}},
  };
  static const char *const not_allowed[] = {"https://a.example/",
                                            "https://A.example",
                                            "https://a.example ",
                                            " https://a.example",
                                            "http://a.example",
                                            "https://a.example:443",
                                            "https://a.exampl",
                                            "",
                                            "null"};

  for (size_t i = 0; i < COUNT(cases); i++) {
    struct config cfg;
    char err[256] = "";

    setenv("PINS_CORS_ORIGINS", cases[i].list, 1);
    if (config_load(&cfg, 0, err, sizeof err) != PINS_OK) fail_msg("\"%s\": %s", cases[i].list, err);
    if (cfg.cors_origin_count != cases[i].count)
      fail_msg("\"%s\": %zu origins, want %zu", cases[i].list, cfg.cors_origin_count, cases[i].count);
    assert_null(cfg.cors_origins[cfg.cors_origin_count]);
    for (size_t j = 0; j < cases[i].count; j++) {
      assert_string_equal(cfg.cors_origins[j], cases[i].origins[j]);
      assert_true(config_cors_allowed(&cfg, cases[i].origins[j]));
    }
    for (size_t j = 0; j < COUNT(not_allowed); j++)
      if (config_cors_allowed(&cfg, not_allowed[j]))
        fail_msg("\"%s\": allows \"%s\"", cases[i].list, not_allowed[j]);
    assert_false(config_cors_allowed(&cfg, NULL));
    config_free(&cfg);
  }
}

/* The origin list is a copy: changing the environment afterwards does not change it. */
static void test_cors_owned(void **state)
{
  struct config cfg;
  char err[256] = "";

  setenv("PINS_CORS_ORIGINS", "https://a.example", 1);
  assert_int_equal(config_load(&cfg, 0, err, sizeof err), PINS_OK);
  setenv("PINS_CORS_ORIGINS", "https://b.example", 1);
  assert_true(config_cors_allowed(&cfg, "https://a.example"));
  assert_false(config_cors_allowed(&cfg, "https://b.example"));
  config_free(&cfg);
}

/* "a whole decimal number": leading white space is not part of one ("+80" is refused already). */
static void test_port_whitespace(void **state)
{
  struct config cfg;
  char err[256] = "";

  setenv("PINS_LISTEN_PORT", " 80", 1);
  int rc = config_load(&cfg, 0, err, sizeof err);
  config_free(&cfg);
  assert_int_equal(rc, PINS_EINVALID);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_defaults, clear_env),
      cmocka_unit_test_setup(test_load, clear_env),
      cmocka_unit_test_setup(test_values, clear_env),
      cmocka_unit_test_setup(test_short_err, clear_env),
      cmocka_unit_test_setup(test_cors, clear_env),
      cmocka_unit_test_setup(test_cors_owned, clear_env),
      cmocka_unit_test_setup(test_port_whitespace, clear_env),
  };
  int failed = cmocka_run_group_tests_name("config", tests, group_setup, group_teardown);
  clear_env(NULL);
  return failed;
}
