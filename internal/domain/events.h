#ifndef PINS_DOMAIN_EVENTS_H
#define PINS_DOMAIN_EVENTS_H

#include "domain/refdata.h"
#include "store/db.h"

/* The published event types, one per row: type, topic. */
extern const char *const events_types[];

/* A page of the event feed after seq `after` (NULL: from the start), optionally of one type. */
int events_feed(struct ref_page *out, struct store_conn *db, const char *after, const char *type, int limit,
                char *why, size_t whylen);

#endif
