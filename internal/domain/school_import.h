#ifndef PINS_DOMAIN_SCHOOL_IMPORT_H
#define PINS_DOMAIN_SCHOOL_IMPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "store/db.h"

/* Bulk import of schools: a JSON array of school records, or a GIAS "edubasealldata" CSV
 * (Windows-1252 or UTF-8). Valid rows are upserted by URN in one transaction; rows with faults
 * are skipped and reported with their row number. */

#define SCHOOL_IMPORT_MAX_ROWS 100000

/* The answer lists at most this many row faults, the first in row order, and says when there were
 * more (errors_truncated): 100,000 bad rows with up to nine faults each would otherwise be hundreds
 * of megabytes of JSON. While faults are gathered, each source keeps one more than this, so that
 * the merged list knows whether any were left out. */
#define SCHOOL_IMPORT_MAX_ERRORS 1000

/* Whether errors already holds as many faults as a source keeps (SCHOOL_IMPORT_MAX_ERRORS + 1). */
bool school_import_errors_full(const json_t *errors);

struct school_row {
  long row;
  int urn;
  const char *name, *la_code, *phase, *type, *status, *valid_from, *valid_to; /* valid_to may be NULL */
  bool mainstream;
};

struct school_batch {
  struct school_row *rows;
  size_t n, cap;
  long received;
  char *text;    /* owned: the CSV converted to UTF-8, which rows point into */
  json_t *json;  /* owned reference: the JSON array rows point into */
};
void school_batch_free(struct school_batch *b);

struct school_import_result {
  long received, created, updated, unchanged;
  bool errors_truncated; /* faults beyond the first SCHOOL_IMPORT_MAX_ERRORS were left out */
};

/* Parses a CSV body. cp1252 selects Windows-1252 (else UTF-8). Row faults are appended to
 * errors as {row, pointer, detail}. PINS_EINVALID with a sentence in why for a body that cannot
 * be imported at all (no header, a required column missing, too many rows). */
int school_import_parse_csv(struct school_batch *out, const char *body, size_t len, bool cp1252, json_t *errors,
                            char *why, size_t whylen);
/* Same for a JSON array of school records (the reference is taken, not stolen). */
int school_import_parse_json(struct school_batch *out, json_t *array, json_t *errors, char *why, size_t whylen);

/* Upserts the batch in one transaction; rows whose la_code names no local authority are added to
 * errors, which is then sorted by row and cut to SCHOOL_IMPORT_MAX_ERRORS (res->errors_truncated). */
int school_import_run(struct school_import_result *res, struct store_conn *db, struct school_batch *b,
                      const struct store_actor *actor, json_t *errors);

/* Maps GIAS names to ours; NULL when unknown. */
const char *school_import_phase(const char *gias);
const char *school_import_status(const char *gias);
bool school_import_is_mainstream(const char *gias_type);

#endif
