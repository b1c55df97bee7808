#ifndef PINS_CORE_EMBEDDED_H
#define PINS_CORE_EMBEDDED_H

#include <stddef.h>

/* Files compiled into the binary by scripts/embed.sh: migrations and default reference data.
 * The table ends with a zeroed entry. Contents are NUL-terminated and live for the process. */
struct embedded_file {
  const char *path;
  const char *data;
  size_t len;
};

extern const struct embedded_file embedded_files[];

/* Returns the embedded file at path (as given to the build, e.g. "sql/migrations/001_x.sql"), or NULL. */
const struct embedded_file *embedded_find(const char *path);

#endif
