#ifndef PINS_CORE_CSV_H
#define PINS_CORE_CSV_H

#include <stddef.h>

/* An RFC 4180 CSV reader over a buffer it may rewrite in place (quotes are undone there).
 * Handles quoted fields with commas, doubled quotes and line breaks, and CRLF or LF endings. */
struct csv_reader {
  char *p, *end;
  long line; /* physical line where the current record starts, 1-based */
};

#define CSV_MAX_FIELDS 256

/* buf holds len bytes of CSV and one writable byte after them (buf[len], e.g. a NUL): a field
 * that ends at the end of the buffer is terminated there. */
void csv_init(struct csv_reader *r, char *buf, size_t len);

/* Reads the next record: fields[i] point into the buffer (NUL-terminated) and, when lens is not
 * NULL, lens[i] is field i's length in bytes. A NUL byte in the data stays data: a field holds one
 * exactly when strlen(fields[i]) < lens[i], so a caller that must refuse NULs passes lens.
 * Returns the number of fields, 0 at the end, or -1 for a malformed record (an unterminated quote,
 * too many fields). */
int csv_next(struct csv_reader *r, char **fields, size_t *lens, int max);

#endif
