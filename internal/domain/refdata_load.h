#ifndef PINS_DOMAIN_REFDATA_LOAD_H
#define PINS_DOMAIN_REFDATA_LOAD_H

#include "domain/school_import.h"
#include "store/db.h"

struct refdata_load_counts {
  long created, updated, unchanged;
  struct school_import_result schools;
  long school_errors;
};

/* Loads the default data compiled into the binary (every ICB and LA, the made-up school sample,
 * the sample parent carer forums, the illustrative menu). Idempotent: records already equal are
 * left alone. One transaction for the reference records, one for the schools. */
int refdata_load_defaults(struct refdata_load_counts *out, struct store_conn *db);

/* Imports a GIAS CSV file (Windows-1252). */
int refdata_load_gias_file(struct refdata_load_counts *out, struct store_conn *db, const char *path);

#endif
