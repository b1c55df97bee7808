#include "http/router.h"

#include <stdio.h>
#include <string.h>

/* Splits path (copied into buf) into segments; returns how many, or -1 when too many/too long. */
static int split(const char *path, char *buf, size_t cap, const char **segs)
{
  size_t len = strlen(path);
  if (len + 1 > cap || path[0] != '/')
    return -1;
  memcpy(buf, path, len + 1);
  int n = 0;
  char *p = buf + 1;
  while (1) {
    if (n == HTTP_MAX_SEGMENTS)
      return -1;
    segs[n++] = p;
    char *slash = strchr(p, '/');
    if (!slash)
      break;
    *slash = '\0';
    p = slash + 1;
  }
  return n;
}

/* Scores how template matches segs: -1 for no match; otherwise a bit per segment, set for a
 * literal match, most significant first, so that literals win over parameters. */
static long score(const char *tmpl, const char **segs, int n, const char **params)
{
  long s = 0;
  int np = 0;
  const char *t = tmpl + 1;
  for (int i = 0; i < n; i++) {
    if (!*t && i < n)
      return -1;
    const char *end = strchr(t, '/');
    size_t tl = end ? (size_t)(end - t) : strlen(t);
    if (t[0] == '{') {
      if (!segs[i][0])
        return -1;
      if (params && np < HTTP_MAX_PARAMS)
        params[np] = segs[i];
      np++;
      s = s << 1;
    } else {
      if (strlen(segs[i]) != tl || strncmp(t, segs[i], tl) != 0)
        return -1;
      s = (s << 1) | 1;
    }
    t = end ? end + 1 : t + tl;
    if (!end && i + 1 < n)
      return -1;
  }
  return *t ? -1 : s;
}

const struct route *router_match(const char *method, const char *path, const char **params, char *buf, size_t bufcap,
                                 bool *path_known, char *allow, size_t allow_cap)
{
  const char *segs[HTTP_MAX_SEGMENTS];
  const char *best_path = NULL;
  long best = -1;
  *path_known = false;
  allow[0] = '\0';
  int n = split(path, buf, bufcap, segs);
  if (n < 0)
    return NULL;
  for (size_t i = 0; i < route_count; i++) {
    long s = score(routes[i].path, segs, n, NULL);
    if (s > best) {
      best = s;
      best_path = routes[i].path;
    }
  }
  if (!best_path)
    return NULL;
  *path_known = true;
  size_t used = 0;
  for (size_t i = 0; i < route_count; i++) {
    if (strcmp(routes[i].path, best_path) != 0)
      continue;
    if (strcmp(routes[i].method, method) == 0) {
      score(routes[i].path, segs, n, params);
      return &routes[i];
    }
    used += (size_t)snprintf(allow + used, used < allow_cap ? allow_cap - used : 0, "%s%s", used ? ", " : "",
                             routes[i].method);
  }
  return NULL;
}

size_t router_max_body(void)
{
  size_t max = HTTP_DEFAULT_MAX_BODY;
  for (size_t i = 0; i < route_count; i++)
    if (routes[i].max_body > max)
      max = routes[i].max_body;
  return max;
}
