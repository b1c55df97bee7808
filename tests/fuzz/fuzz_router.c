/* Router path matching (internal/http/router.c) against the real route table. The input is a
 * method, a space and a path ("GET /v1/schools/100000"); without a space the method is GET.
 * A match must be a route for that method whose template fits the path segment by segment, with
 * one non-empty, slash-free parameter per {name}; a path that matches another method's route
 * lists methods in Allow; nothing is written past the buffers the server gives (1024 and 128
 * bytes, as in serve_route). */
#include "fuzz.h"

#include "http/router.h"

/* True when path fits tmpl segment by segment (a {param} takes any non-empty segment). */
static bool fits(const char *tmpl, const char *path)
{
  while (*tmpl && *path) {
    if (*tmpl == '{') {
      tmpl = strchr(tmpl, '}') + 1;
      size_t seg = strcspn(path, "/");
      if (seg == 0) return false;
      path += seg;
    } else if (*tmpl++ != *path++) {
      return false;
    }
  }
  return !*tmpl && !*path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *in = fuzz_strndup(data, size), *path = in;
  const char *method = "GET";
  char *space = strchr(in, ' ');
  if (space) {
    *space = '\0';
    method = in;
    path = space + 1;
  }
  const char *params[HTTP_MAX_PARAMS] = {0};
  char buf[1024], allow[128];
  bool path_known = true;
  memset(allow, 'x', sizeof allow);
  const struct route *rt =
      router_match(method, path, params, buf, sizeof buf, &path_known, allow, sizeof allow);
  FUZZ_ASSERT(memchr(allow, '\0', sizeof allow) != NULL);
  if (rt) {
    FUZZ_ASSERT(strcmp(rt->method, method) == 0);
    FUZZ_ASSERT(fits(rt->path, path));
    int want = 0;
    for (const char *p = rt->path; (p = strchr(p, '{')); p++)
      want++;
    for (int i = 0; i < want && i < HTTP_MAX_PARAMS; i++) {
      FUZZ_ASSERT(params[i] != NULL && params[i][0] != '\0');
      FUZZ_ASSERT(params[i] >= buf && params[i] < buf + sizeof buf);
      FUZZ_ASSERT(strchr(params[i], '/') == NULL);
    }
  } else if (path_known) {
    FUZZ_ASSERT(allow[0] != '\0');
    /* some route has this path: a template of another method fits it */
    bool any = false;
    for (size_t i = 0; i < route_count && !any; i++)
      any = fits(routes[i].path, path);
    FUZZ_ASSERT(any);
  } else {
    /* no route of any method fits the path (paths over the buffer are refused outright) */
    for (size_t i = 0; i < route_count && strlen(path) < sizeof buf; i++)
      FUZZ_ASSERT(!fits(routes[i].path, path));
  }
  free(in);
  return 0;
}
