#include "domain/refdata_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/embedded.h"
#include "core/log.h"
#include "core/status.h"
#include "domain/refdata.h"
#include "domain/self_assessment.h"
#include "store/refdata.h"
#include "store/self_assessment.h"

static const struct store_actor loader = {.role = "system", .sub = "load-reference-data"};

/* Writes rec unless an equal record exists. */
static int upsert(struct refdata_load_counts *c, struct store_conn *db, enum ref_kind kind, json_t *rec)
{
  const struct ref_resource *r = refdata_resource(kind);
  json_t *errors = json_array(), *current = NULL;
  struct ref_doc d = {0};
  char key[80], *doc = NULL;
  int rc = refdata_check_record(r, rec, false, errors, "");
  if (rc) {
    char *e = json_dumps(errors, JSON_COMPACT);
    log_msg(LOG_ERROR, NULL, "default %s is invalid: %s", r->noun, e ? e : "?");
    free(e);
    goto done;
  }
  refdata_key_text(r, rec, key, sizeof key);
  rc = store_ref_get(&d, db, kind, key, true);
  if (rc == PINS_OK && (current = json_loads(d.doc, 0, NULL)) && json_equal(current, rec)) {
    c->unchanged++;
    goto done;
  }
  if (rc != PINS_OK && rc != PINS_ENOTFOUND)
    goto done;
  if (!(doc = json_dumps(rec, JSON_COMPACT))) {
    rc = PINS_ENOMEM;
    goto done;
  }
  if (rc == PINS_ENOTFOUND) {
    rc = store_ref_insert(db, kind, doc);
    c->created += rc == PINS_OK;
  } else {
    rc = store_ref_update(db, kind, key, doc);
    c->updated += rc == PINS_OK;
  }
done:
  free(doc);
  free(d.doc);
  json_decref(current);
  json_decref(errors);
  return rc;
}

/* Calls row() for each data row of an embedded CSV, with the header's column names. */
static int each_csv_row(const char *path, int (*row)(void *ctx, char **f, int n), void *ctx)
{
  const struct embedded_file *file = embedded_find(path);
  if (!file) {
    log_msg(LOG_ERROR, NULL, "%s is not compiled in", path);
    return PINS_ERROR;
  }
  /* exactly len bytes and a NUL: strndup would stop at a NUL in the data, and the reader, given
   * file->len, would then run past the copy */
  char *buf = malloc(file->len + 1), *f[CSV_MAX_FIELDS];
  struct csv_reader rd;
  int n, rc = PINS_OK;
  if (!buf)
    return PINS_ENOMEM;
  memcpy(buf, file->data, file->len);
  buf[file->len] = '\0';
  csv_init(&rd, buf, file->len);
  csv_next(&rd, f, NULL, CSV_MAX_FIELDS); /* header */
  while (rc == PINS_OK && (n = csv_next(&rd, f, NULL, CSV_MAX_FIELDS)) > 0)
    if (!(n == 1 && !*f[0]))
      rc = row(ctx, f, n);
  free(buf);
  return rc;
}

struct load_ctx {
  struct refdata_load_counts *c;
  struct store_conn *db;
};

static int icb_row(void *p, char **f, int n)
{
  struct load_ctx *x = p;
  if (n < 4)
    return PINS_EINVALID;
  json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", f[0], "ons_code", f[1], "name", f[2], "region", f[3],
                          "valid_from", "2022-07-01");
  int rc = upsert(x->c, x->db, REF_ICB, rec);
  json_decref(rec);
  return rc;
}

static int la_row(void *p, char **f, int n)
{
  struct load_ctx *x = p;
  if (n < 4)
    return PINS_EINVALID;
  json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", f[0], "ons_code", f[1], "name", f[2], "icb_code", f[3],
                          "valid_from", "2023-04-01");
  int rc = upsert(x->c, x->db, REF_LA, rec);
  json_decref(rec);
  return rc;
}

static int pcf_row(void *p, char **f, int n)
{
  struct load_ctx *x = p;
  if (n < 3)
    return PINS_EINVALID;
  json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", f[0], "name", f[1], "la_code", f[2], "valid_from",
                          "2024-04-01");
  int rc = upsert(x->c, x->db, REF_PCF, rec);
  json_decref(rec);
  return rc;
}

/* la_code,ons_code,name,icb_ods_code,lsoa21_count,la_lsoa21_total,share,chosen */
static int area_row(void *p, char **f, int n)
{
  struct load_ctx *x = p;
  if (n < 7)
    return PINS_EINVALID;
  return store_la_icb_area_put(x->db, f[0], f[3], f[6]);
}

static int load_menu(struct load_ctx *x)
{
  const struct embedded_file *file = embedded_find("data/reference/menu_items.json");
  json_error_t err;
  json_t *items = file ? json_loadb(file->data, file->len, 0, &err) : NULL, *item;
  size_t i;
  int rc = json_is_array(items) ? PINS_OK : PINS_ERROR;
  json_array_foreach(items, i, item)
  {
    if (rc == PINS_OK)
      rc = upsert(x->c, x->db, REF_MENU_ITEM, item);
  }
  json_decref(items);
  return rc;
}

static int load_template(struct load_ctx *x)
{
  const struct embedded_file *file = embedded_find("data/reference/self_assessment_template_v1.json");
  json_t *tmpl = file ? json_loadb(file->data, file->len, 0, NULL) : NULL, *errors = json_array();
  char version[12], *text = NULL;
  int rc = PINS_ERROR;
  if (tmpl && template_check(tmpl, errors) == PINS_OK && (text = json_dumps(tmpl, JSON_COMPACT))) {
    snprintf(version, sizeof version, "%lld", (long long)json_integer_value(json_object_get(tmpl, "version")));
    rc = store_template_insert_if_absent(x->db, version, text);
  } else {
    log_msg(LOG_ERROR, NULL, "the default self-assessment template is missing or invalid");
  }
  free(text);
  json_decref(errors);
  json_decref(tmpl);
  return rc;
}

static int import_csv_text(struct refdata_load_counts *out, struct store_conn *db, const char *text, size_t len)
{
  struct school_batch batch = {0};
  json_t *errors = json_array();
  char why[256];
  int rc = school_import_parse_csv(&batch, text, len, true, errors, why, sizeof why);
  if (rc == PINS_EINVALID)
    log_msg(LOG_ERROR, NULL, "schools CSV: %s", why);
  if (rc == PINS_OK)
    rc = school_import_run(&out->schools, db, &batch, &loader, errors);
  out->school_errors = (long)json_array_size(errors);
  for (size_t i = 0; i < json_array_size(errors) && i < 20; i++) {
    char *e = json_dumps(json_array_get(errors, i), JSON_COMPACT);
    log_msg(LOG_WARN, NULL, "school row skipped: %s", e ? e : "?");
    free(e);
  }
  school_batch_free(&batch);
  json_decref(errors);
  return rc;
}

int refdata_load_defaults(struct refdata_load_counts *out, struct store_conn *db)
{
  struct load_ctx x = {.c = out, .db = db};
  memset(out, 0, sizeof *out);
  int rc = store_begin(db, &loader);
  if (rc)
    return rc;
  if ((rc = each_csv_row("data/reference/icbs.csv", icb_row, &x)) ||
      (rc = each_csv_row("data/reference/local_authorities.csv", la_row, &x)) ||
      (rc = each_csv_row("data/reference/la_icb_splits.csv", area_row, &x)) ||
      (rc = each_csv_row("data/reference/parent_carer_forums.csv", pcf_row, &x)) || (rc = load_menu(&x)) ||
      (rc = load_template(&x)) ||
      (rc = store_commit(db))) {
    store_rollback(db);
    return rc;
  }
  const struct embedded_file *schools = embedded_find("data/reference/schools_sample.csv");
  if (!schools)
    return PINS_ERROR;
  return import_csv_text(out, db, schools->data, schools->len);
}

int refdata_load_gias_file(struct refdata_load_counts *out, struct store_conn *db, const char *path)
{
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "rb");
  if (!f)
    return PINS_ENOTFOUND;
  char *buf = NULL;
  size_t len = 0, cap = 0, got;
  int rc = PINS_OK;
  do {
    if (len + 65536 > cap) {
      char *nb = realloc(buf, cap = cap * 2 + 65536);
      if (!nb) {
        rc = PINS_ENOMEM;
        break;
      }
      buf = nb;
    }
    got = fread(buf + len, 1, cap - len, f);
    len += got;
  } while (got > 0);
  fclose(f);
  if (rc == PINS_OK)
    rc = import_csv_text(out, db, buf, len);
  free(buf);
  return rc;
}
