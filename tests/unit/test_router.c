/* Unit tests for internal/http/router.c against the real route table (internal/http/routes.c):
 * literals beat parameters, 405 with Allow for a known path, 404 for the rest, captured
 * parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct match_case {
  const char *method, *path;
  const char *want_path; /* the template matched, or NULL for no route */
  bool path_known;       /* for no route: whether the path is known (405) or not (404) */
  const char *allow;     /* for 405 */
  const char *params[HTTP_MAX_PARAMS];
};

static const struct match_case cases[] = {
    {"GET", "/healthz", "/healthz", true, "", {NULL}},
    {"GET", "/readyz", "/readyz", true, "", {NULL}},
    {"POST", "/healthz", NULL, true, "GET", {NULL}},
    {"HEAD", "/healthz", NULL, true, "GET", {NULL}},
    {"get", "/healthz", NULL, true, "GET", {NULL}}, /* methods are case-sensitive */
    {"GET", "/v1/schools", "/v1/schools", true, "", {NULL}},
    {"POST", "/v1/schools", "/v1/schools", true, "", {NULL}},
    {"DELETE", "/v1/schools", NULL, true, "GET, POST", {NULL}},
    {"GET", "/v1/schools/100001", "/v1/schools/{urn}", true, "", {"100001"}},
    {"PUT", "/v1/schools/100001", "/v1/schools/{urn}", true, "", {"100001"}},
    {"PATCH", "/v1/schools/100001", "/v1/schools/{urn}", true, "", {"100001"}},
    {"DELETE", "/v1/schools/100001", "/v1/schools/{urn}", true, "", {"100001"}},
    {"POST", "/v1/schools/100001", NULL, true, "GET, PUT, PATCH, DELETE", {NULL}},
    {"GET", "/v1/schools/not-a-urn", "/v1/schools/{urn}", true, "", {"not-a-urn"}}, /* the handler judges keys
                                                                                     */
    /* a literal segment beats a parameter in the same place */
    {"POST", "/v1/schools/import", "/v1/schools/import", true, "", {NULL}},
    {"GET", "/v1/schools/import", NULL, true, "POST", {NULL}},
    {"PUT", "/v1/schools/import", NULL, true, "POST", {NULL}},
    {"DELETE", "/v1/schools/import", NULL, true, "POST", {NULL}},
    {"GET", "/v1/schools/imports", "/v1/schools/{urn}", true, "", {"imports"}},
    {"GET", "/v1/schools/Import", "/v1/schools/{urn}", true, "", {"Import"}}, /* paths are case-sensitive */
    {"GET", "/v1/icbs", "/v1/icbs", true, "", {NULL}},
    {"GET", "/v1/icbs/QK1", "/v1/icbs/{code}", true, "", {"QK1"}},
    {"GET", "/v1/local-authorities/831", "/v1/local-authorities/{code}", true, "", {"831"}},
    {"GET", "/v1/parent-carer-forums/pcf-831", "/v1/parent-carer-forums/{id}", true, "", {"pcf-831"}},
    {"PATCH", "/v1/menu-items/OT-SENSORY-AUDIT", "/v1/menu-items/{code}", true, "", {"OT-SENSORY-AUDIT"}},
    {"GET", "/v1/menu-items/a%2Fb", "/v1/menu-items/{code}", true, "", {"a%2Fb"}}, /* no decoding here */
    /* unknown paths */
    {"GET", "/", NULL, false, "", {NULL}},
    {"GET", "", NULL, false, "", {NULL}},
    {"GET", "v1/schools", NULL, false, "", {NULL}},
    {"GET", "/nope", NULL, false, "", {NULL}},
    {"GET", "/v1", NULL, false, "", {NULL}},
    {"GET", "/v2/schools", NULL, false, "", {NULL}},
    {"GET", "/V1/schools", NULL, false, "", {NULL}},
    {"GET", "/v1/school", NULL, false, "", {NULL}},
    {"GET", "/v1/schoolsx", NULL, false, "", {NULL}},
    {"GET", "/healthzz", NULL, false, "", {NULL}},
    /* trailing slash and empty segments match nothing */
    {"GET", "/healthz/", NULL, false, "", {NULL}},
    {"GET", "/v1/schools/", NULL, false, "", {NULL}},
    {"POST", "/v1/schools/import/", NULL, false, "", {NULL}},
    {"GET", "/v1//schools", NULL, false, "", {NULL}},
    {"GET", "//v1/schools", NULL, false, "", {NULL}},
    {"GET", "/v1/schools//", NULL, false, "", {NULL}},
    {"GET", "/v1/schools/100001/", NULL, false, "", {NULL}},
    /* too deep */
    {"GET", "/v1/schools/100001/extra", NULL, false, "", {NULL}},
    {"GET", "/a/b/c/d/e/f/g/h", NULL, false, "", {NULL}},   /* HTTP_MAX_SEGMENTS, no such route */
    {"GET", "/a/b/c/d/e/f/g/h/i", NULL, false, "", {NULL}}, /* one more than HTTP_MAX_SEGMENTS */
    {"GET", "/v1/schools/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20", NULL, false, "", {NULL}},
};

static void test_match(void **state)
{
  for (size_t i = 0; i < COUNT(cases); i++) {
    const struct match_case *c = &cases[i];
    const char *params[HTTP_MAX_PARAMS] = {NULL};
    char buf[256], allow[128];
    bool known = !c->path_known;
    const struct route *rt;

    memset(allow, 'Z', sizeof allow);
    rt = router_match(c->method, c->path, params, buf, sizeof buf, &known, allow, sizeof allow);
    if (c->want_path) {
      if (!rt) fail_msg("%s %s: no route, want %s", c->method, c->path, c->want_path);
      if (strcmp(rt->path, c->want_path) != 0 || strcmp(rt->method, c->method) != 0)
        fail_msg("%s %s: matched %s %s, want %s", c->method, c->path, rt->method, rt->path, c->want_path);
      assert_non_null(rt->handler);
      for (int p = 0; p < HTTP_MAX_PARAMS; p++) {
        if (!c->params[p]) break;
        if (!params[p] || strcmp(params[p], c->params[p]) != 0)
          fail_msg("%s %s: param %d is %s, want %s", c->method, c->path, p, params[p] ? params[p] : "(null)",
                   c->params[p]);
      }
    } else {
      if (rt) fail_msg("%s %s: matched %s %s, want none", c->method, c->path, rt->method, rt->path);
      if (known != c->path_known)
        fail_msg("%s %s: path_known %d, want %d", c->method, c->path, known, c->path_known);
      if (strcmp(allow, c->allow) != 0)
        fail_msg("%s %s: Allow \"%s\", want \"%s\"", c->method, c->path, allow, c->allow);
    }
  }
}

/* Every route in the table is reachable: its own path, with each {param} filled, matches it and
 * captures the values in order. No two routes share method and path. */
static void test_every_route_reachable(void **state)
{
  for (size_t i = 0; i < route_count; i++) {
    char path[256], buf[256], allow[128];
    const char *params[HTTP_MAX_PARAMS] = {NULL};
    size_t n = 0;
    int np = 0;
    bool known = false;

    for (const char *t = routes[i].path; *t;) {
      if (*t == '{') {
        n += (size_t)snprintf(path + n, sizeof path - n, "k%d", np++);
        t = strchr(t, '}');
        assert_non_null(t);
        t++;
      } else {
        path[n++] = *t++;
      }
    }
    path[n] = '\0';
    const struct route *rt =
        router_match(routes[i].method, path, params, buf, sizeof buf, &known, allow, sizeof allow);
    if (rt != &routes[i])
      fail_msg("%s %s (as %s) matched %s", routes[i].method, routes[i].path, path, rt ? rt->path : "nothing");
    for (int p = 0; p < np && p < HTTP_MAX_PARAMS; p++) {
      char want[16];
      snprintf(want, sizeof want, "k%d", p);
      assert_non_null(params[p]);
      assert_string_equal(params[p], want);
    }
    for (size_t j = 0; j < i; j++)
      if (strcmp(routes[i].method, routes[j].method) == 0 && strcmp(routes[i].path, routes[j].path) == 0)
        fail_msg("route %s %s appears twice", routes[i].method, routes[i].path);
  }
}

/* The parameters point into buf, not into the caller's path. */
static void test_params_in_buf(void **state)
{
  char path[] = "/v1/schools/100001";
  const char *params[HTTP_MAX_PARAMS] = {NULL};
  char buf[64], allow[64];
  bool known = false;

  assert_non_null(router_match("GET", path, params, buf, sizeof buf, &known, allow, sizeof allow));
  assert_true(params[0] >= buf && params[0] < buf + sizeof buf);
  memset(path, 'x', sizeof path - 1);
  assert_string_equal(params[0], "100001");
}

/* A path longer than the caller's buffer is refused (no overflow). */
static void test_small_buffers(void **state)
{
  const char *params[HTTP_MAX_PARAMS] = {NULL};
  char buf[32], allow[64];
  bool known = true;
  char long_path[300];

  memset(buf, '#', sizeof buf);
  assert_null(router_match("GET", "/v1/schools", params, buf, 11, &known, allow, sizeof allow));
  assert_false(known);
  for (size_t i = 11; i < sizeof buf; i++)
    assert_int_equal(buf[i], '#');
  assert_non_null(router_match("GET", "/v1/schools", params, buf, 12, &known, allow, sizeof allow));

  memset(long_path, 'a', sizeof long_path - 1);
  long_path[0] = '/';
  long_path[sizeof long_path - 1] = '\0';
  assert_null(router_match("GET", long_path, params, buf, sizeof buf, &known, allow, sizeof allow));
  assert_false(known);

  /* An Allow list longer than its buffer is cut short, terminated, and nothing after is touched. */
  char small_allow[16];
  memset(small_allow, '#', sizeof small_allow);
  assert_null(router_match("POST", "/v1/schools/100001", params, buf, sizeof buf, &known, small_allow, 8));
  assert_true(known);
  assert_string_equal(small_allow, "GET, PU");
  for (size_t i = 8; i < sizeof small_allow; i++)
    assert_int_equal(small_allow[i], '#');
}

static void test_import_route(void **state)
{
  const char *params[HTTP_MAX_PARAMS] = {NULL};
  char buf[64], allow[64];
  bool known = false;
  const struct route *rt =
      router_match("POST", "/v1/schools/import", params, buf, sizeof buf, &known, allow, sizeof allow);

  assert_non_null(rt);
  assert_true(rt->max_body > HTTP_DEFAULT_MAX_BODY); /* a whole GIAS file */
  assert_true(router_max_body() >= rt->max_body);
  assert_true((rt->bodies & BODY_CSV) != 0);
  assert_true((rt->bodies & BODY_JSON) != 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_match),         cmocka_unit_test(test_every_route_reachable),
      cmocka_unit_test(test_params_in_buf), cmocka_unit_test(test_small_buffers),
      cmocka_unit_test(test_import_route),
  };
  return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
