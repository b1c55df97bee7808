#ifndef PINS_DOMAIN_VALIDATE_H
#define PINS_DOMAIN_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Field specifications: what a JSON object may hold. Validation walks the whole object and
 * reports every fault, each as {pointer, detail}, appended to an errors array. */

enum field_kind {
  FIELD_TEXT,
  FIELD_INT,
  FIELD_BOOL,
  FIELD_DATE,
  FIELD_ENUM,
  FIELD_ENUM_SET,  /* non-empty array of distinct values */
  FIELD_TEXT_LIST, /* non-empty array of distinct strings, each checked as FIELD_TEXT */
  FIELD_ARRAY,     /* array of objects, each checked against items (min_items..max_items) */
};

enum field_flags {
  FIELD_REQUIRED = 1 << 0, /* must be present (and not null) */
  FIELD_NULLABLE = 1 << 1, /* may be null; absent means null */
  FIELD_KEY = 1 << 2,      /* the record's key: required on create, fixed afterwards */
};

struct field_spec {
  const char *name;
  enum field_kind kind;
  unsigned flags;
  size_t max_len;                /* FIELD_TEXT: 1..max_len characters */
  bool (*format)(const char *s); /* FIELD_TEXT: extra check, or NULL */
  const char *format_hint;       /* said when format fails, e.g. "three capital letters or digits" */
  long min, max;                 /* FIELD_INT */
  const char *const *values;     /* FIELD_ENUM, FIELD_ENUM_SET: NULL-terminated */
  const struct field_spec *items; /* FIELD_ARRAY: each element's fields */
  long min_items, max_items;      /* FIELD_ARRAY */
};

/* Appends {"pointer": "<prefix>/<field>", "detail": detail} to errors (a JSON array). */
void validate_error(json_t *errors, const char *prefix, const char *field, const char *detail);

/* Checks obj against fields (terminated by a zeroed spec). Unknown members are faults. With
 * key_optional, a missing key is not a fault (replacement: the path names the record).
 * Returns how many faults were appended to errors. */
int validate_object(json_t *errors, const json_t *obj, const struct field_spec *fields, bool key_optional,
                    const char *prefix);

/* Checks one scalar value (a query parameter, a path key given as text) against a spec. */
bool validate_text_value(const struct field_spec *spec, const char *value);

/* How many characters (code points, not bytes) a UTF-8 string holds; SIZE_MAX when it is not
 * well-formed UTF-8 (core/utf8.h), so that any bound refuses it. */
size_t validate_utf8_length(const char *s);
/* True for a real calendar date written YYYY-MM-DD. */
bool validate_is_date(const char *s);
bool validate_in(const char *const *values, const char *s);
/* Writes "a, b or c" for values into buf (cap bytes, NUL-terminated when cap > 0). Returns the
 * length of the whole text, as snprintf does: a result >= cap means it was cut. */
size_t validate_list_values(char *buf, size_t cap, const char *const *values);

#endif
