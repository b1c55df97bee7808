#ifndef PINS_STORE_SCHOOL_IMPORT_H
#define PINS_STORE_SCHOOL_IMPORT_H

#include <jansson.h>

#include "domain/school_import.h"
#include "store/db.h"

/* Within the caller's transaction: copies the rows into a temporary table with COPY and upserts
 * them into schools. Rows naming an unknown local authority are appended to errors, in row order,
 * until it is full (school_import_errors_full). */
int store_school_import(struct school_import_result *res, struct store_conn *db, const struct school_batch *b,
                        json_t *errors);

#endif
