#include "domain/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void validate_error(json_t *errors, const char *prefix, const char *field, const char *detail)
{
  /* RFC 6901: "~" is written "~0" and "/" is written "~1" inside a reference token. The pointer is
   * built whole: a field name is as long as the client made it, and a pointer cut short names
   * another member and may end inside a UTF-8 character, which Jansson refuses (the fault was
   * then lost). */
  const char *pre = prefix ? prefix : "";
  size_t n = strlen(pre);
  char *pointer = malloc(n + 2 * strlen(field) + 2);
  if (!pointer)
    return;
  memcpy(pointer, pre, n);
  pointer[n++] = '/';
  for (const char *c = field; *c; c++) {
    if (*c == '~' || *c == '/') {
      pointer[n++] = '~';
      pointer[n++] = *c == '~' ? '0' : '1';
    } else {
      pointer[n++] = *c;
    }
  }
  pointer[n] = '\0';
  json_array_append_new(errors, json_pack("{s:s, s:s}", "pointer", pointer, "detail", detail));
  free(pointer);
}

bool validate_in(const char *const *values, const char *s)
{
  for (; values && *values; values++)
    if (strcmp(*values, s) == 0)
      return true;
  return false;
}

void validate_list_values(char *buf, size_t cap, const char *const *values)
{
  size_t n = 0, count = 0;
  buf[0] = '\0';
  for (const char *const *v = values; v && *v; v++)
    count++;
  for (size_t i = 0; i < count && n < cap; i++) {
    const char *sep = i == 0 ? "" : (i + 1 == count ? " or " : ", ");
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", sep, values[i]);
  }
}

bool validate_is_date(const char *s)
{
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
      return false;
  int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
    return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

size_t validate_utf8_length(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

bool validate_text_value(const struct field_spec *f, const char *v)
{
  switch (f->kind) {
  case FIELD_TEXT: {
    size_t len = validate_utf8_length(v);
    return len >= 1 && len <= f->max_len && (!f->format || f->format(v));
  }
  case FIELD_DATE:
    return validate_is_date(v);
  case FIELD_ENUM:
  case FIELD_ENUM_SET:
    return validate_in(f->values, v);
  case FIELD_BOOL:
    return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
  case FIELD_TEXT_LIST:
  case FIELD_ARRAY:
    return false;
  case FIELD_INT: {
    if (!*v || strlen(v) > 18)
      return false;
    const char *digits = (*v == '-') ? v + 1 : v;
    if (!*digits)
      return false;
    for (const char *p = digits; *p; p++)
      if (!isdigit((unsigned char)*p))
        return false;
    long n = atol(v);
    return n >= f->min && n <= f->max;
  }
  }
  return false;
}

static const struct field_spec *find_field(const struct field_spec *fields, const char *name)
{
  for (; fields->name; fields++)
    if (strcmp(fields->name, name) == 0)
      return fields;
  return NULL;
}

int validate_object(json_t *errors, const json_t *obj, const struct field_spec *fields, bool key_optional,
                    const char *prefix);

/* Checks one present, non-null value; appends at most one fault (arrays of objects: one per
 * fault inside them). */
static int check_value(json_t *errors, const char *prefix, const struct field_spec *f, const json_t *v)
{
  char detail[512], allowed[400];
  switch (f->kind) {
  case FIELD_TEXT:
    if (!json_is_string(v)) {
      validate_error(errors, prefix, f->name, "must be a string");
      return 1;
    }
    if (!validate_text_value(f, json_string_value(v))) {
      if (f->format_hint)
        snprintf(detail, sizeof detail, "must be %s", f->format_hint);
      else
        snprintf(detail, sizeof detail, "must be 1 to %zu characters", f->max_len);
      validate_error(errors, prefix, f->name, detail);
      return 1;
    }
    return 0;
  case FIELD_INT:
    if (!json_is_integer(v) || json_integer_value(v) < f->min || json_integer_value(v) > f->max) {
      if (f->format_hint)
        snprintf(detail, sizeof detail, "must be %s", f->format_hint);
      else
        snprintf(detail, sizeof detail, "must be a whole number from %ld to %ld", f->min, f->max);
      validate_error(errors, prefix, f->name, detail);
      return 1;
    }
    return 0;
  case FIELD_BOOL:
    if (!json_is_boolean(v)) {
      validate_error(errors, prefix, f->name, "must be true or false");
      return 1;
    }
    return 0;
  case FIELD_DATE:
    if (!json_is_string(v) || !validate_is_date(json_string_value(v))) {
      validate_error(errors, prefix, f->name, "must be a date written YYYY-MM-DD");
      return 1;
    }
    return 0;
  case FIELD_ENUM:
    if (!json_is_string(v) || !validate_in(f->values, json_string_value(v))) {
      validate_list_values(allowed, sizeof allowed, f->values);
      snprintf(detail, sizeof detail, "must be one of %s", allowed);
      validate_error(errors, prefix, f->name, detail);
      return 1;
    }
    return 0;
  case FIELD_TEXT_LIST: {
    size_t i;
    json_t *item;
    bool ok = json_is_array(v) && json_array_size(v) > 0;
    json_array_foreach(v, i, item)
    {
      if (!ok)
        break;
      struct field_spec text = *f;
      text.kind = FIELD_TEXT;
      ok = json_is_string(item) && validate_text_value(&text, json_string_value(item));
      for (size_t j = 0; ok && j < i; j++)
        ok = !json_equal(item, json_array_get(v, j));
    }
    if (!ok) {
      snprintf(detail, sizeof detail, "must be a non-empty list without repeats, each %s",
               f->format_hint ? f->format_hint : "a string");
      validate_error(errors, prefix, f->name, detail);
      return 1;
    }
    return 0;
  }
  case FIELD_ARRAY: {
    size_t i, n = json_array_size(v);
    json_t *item;
    if (!json_is_array(v) || (long)n < f->min_items || (long)n > f->max_items) {
      snprintf(detail, sizeof detail, "must be a list of %ld to %ld items", f->min_items, f->max_items);
      validate_error(errors, prefix, f->name, detail);
      return 1;
    }
    int faults = 0;
    json_array_foreach(v, i, item)
    {
      char inner[256];
      snprintf(inner, sizeof inner, "%s/%s/%zu", prefix ? prefix : "", f->name, i);
      faults += validate_object(errors, item, f->items, false, inner);
    }
    return faults;
  }
  case FIELD_ENUM_SET: {
    size_t i;
    json_t *item;
    bool ok = json_is_array(v) && json_array_size(v) > 0;
    json_array_foreach(v, i, item)
    {
      if (!ok)
        break;
      ok = json_is_string(item) && validate_in(f->values, json_string_value(item));
      for (size_t j = 0; ok && j < i; j++)
        ok = !json_equal(item, json_array_get(v, j));
    }
    if (!ok) {
      validate_list_values(allowed, sizeof allowed, f->values);
      snprintf(detail, sizeof detail, "must be a non-empty list without repeats, each one of %s", allowed);
      validate_error(errors, prefix, f->name, detail);
      return 1;
    }
    return 0;
  }
  }
  return 0;
}

int validate_object(json_t *errors, const json_t *obj, const struct field_spec *fields, bool key_optional,
                    const char *prefix)
{
  int faults = 0;
  const char *name;
  json_t *v;
  if (!json_is_object(obj)) {
    json_array_append_new(errors, json_pack("{s:s, s:s}", "pointer", prefix && *prefix ? prefix : "",
                                            "detail", "must be a JSON object"));
    return 1;
  }
  json_object_foreach((json_t *)obj, name, v)
  {
    if (!find_field(fields, name)) {
      validate_error(errors, prefix, name, "is not a known field");
      faults++;
    }
  }
  for (const struct field_spec *f = fields; f->name; f++) {
    v = json_object_get(obj, f->name);
    bool required = (f->flags & FIELD_REQUIRED) || ((f->flags & FIELD_KEY) && !key_optional);
    if (!v) {
      if (required) {
        validate_error(errors, prefix, f->name, "is required");
        faults++;
      }
      continue;
    }
    if (json_is_null(v)) {
      if (!(f->flags & FIELD_NULLABLE)) {
        validate_error(errors, prefix, f->name, required ? "is required" : "must not be null");
        faults++;
      }
      continue;
    }
    faults += check_value(errors, prefix, f, v);
  }
  return faults;
}
