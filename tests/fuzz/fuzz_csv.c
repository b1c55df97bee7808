/* The RFC 4180 reader (internal/core/csv.c) over any bytes: every field must lie inside the buffer
 * and be NUL-terminated right after the length it reports, records must come to an end, and the reader must never read or
 * write past the byte it was given after the data. */
#include "fuzz.h"

#include "core/csv.h"

static void read_all(const uint8_t *data, size_t size, int max)
{
  char *buf = malloc(size + 1); /* exactly len bytes and the one writable byte csv_init asks for */
  char *fields[CSV_MAX_FIELDS];
  size_t lens[CSV_MAX_FIELDS];
  struct csv_reader r;
  int n;
  long records = 0;
  if (!buf) abort();
  memcpy(buf, data, size);
  buf[size] = '\0';
  csv_init(&r, buf, size);
  while ((n = csv_next(&r, fields, lens, max)) > 0) {
    FUZZ_ASSERT(n <= max);
    for (int i = 0; i < n; i++) {
      FUZZ_ASSERT(fields[i] >= buf && fields[i] <= buf + size);
      FUZZ_ASSERT(fields[i] + lens[i] <= buf + size); /* a field's length stays inside the data */
      FUZZ_ASSERT(fields[i][lens[i]] == '\0');        /* and it is terminated right after it */
      FUZZ_ASSERT(strlen(fields[i]) <= lens[i]);      /* shorter only when it holds a NUL byte */
    }
    FUZZ_ASSERT(++records <= (long)size + 1); /* each record consumes at least one byte */
    FUZZ_ASSERT(r.line >= 1);
  }
  FUZZ_ASSERT(n == 0 || n == -1);
  free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  read_all(data, size, CSV_MAX_FIELDS);
  read_all(data, size, 3); /* the too-many-fields path */
  return 0;
}
