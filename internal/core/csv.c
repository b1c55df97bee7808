#include "core/csv.h"

void csv_init(struct csv_reader *r, char *buf, size_t len)
{
  r->p = buf;
  r->end = buf + len;
  r->line = 1;
  /* A UTF-8 byte order mark is not part of the first column's name. */
  if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF)
    r->p += 3;
}

int csv_next(struct csv_reader *r, char **fields, size_t *lens, int max)
{
  int n = 0;
  if (r->p >= r->end)
    return 0;
  while (1) {
    if (n == max)
      return -1;
    char *out = r->p;
    fields[n++] = out;
    if (r->p < r->end && *r->p == '"') {
      r->p++;
      while (1) {
        if (r->p >= r->end)
          return -1;
        if (*r->p == '"') {
          if (r->p + 1 < r->end && r->p[1] == '"') {
            *out++ = '"';
            r->p += 2;
            continue;
          }
          r->p++;
          break;
        }
        if (*r->p == '\n')
          r->line++;
        *out++ = *r->p++;
      }
      /* after the closing quote only a separator or the line end may come */
      while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
        *out++ = *r->p++;
    } else {
      while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
        out++, r->p++;
    }
    char sep = r->p < r->end ? *r->p : '\n';
    if (lens)
      lens[n - 1] = (size_t)(out - fields[n - 1]);
    *out = '\0';
    if (sep == ',') {
      r->p++;
      continue;
    }
    if (sep == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
      r->p++;
    if (r->p < r->end)
      r->p++;
    r->line++;
    return n;
  }
}
