#ifndef PINS_STORE_MIGRATE_H
#define PINS_STORE_MIGRATE_H

#include "store/db.h"

/* Applies every embedded sql/migrations/NNN_*.sql not yet recorded in schema_migrations, in
 * name order, each in its own transaction, under an advisory lock so that two migrators never
 * race. *applied receives how many ran. */
int store_migrate(struct store_conn *conn, int *applied);

#endif
