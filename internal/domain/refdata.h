#ifndef PINS_DOMAIN_REFDATA_H
#define PINS_DOMAIN_REFDATA_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/validate.h"
#include "store/db.h"

/* National reference data: ICBs, local authorities, schools, parent carer forums and the menu
 * of support. Each kind is described by data (its fields and list filters); one set of
 * operations serves them all. */

enum ref_kind { REF_ICB, REF_LA, REF_SCHOOL, REF_PCF, REF_MENU_ITEM, REF_KIND_COUNT };

#define REF_MAX_FILTERS 5

struct ref_filter {
  const char *param;        /* query parameter name */
  struct field_spec spec;   /* how its value is checked */
  unsigned min_len;         /* for free-text search */
};

struct ref_resource {
  enum ref_kind kind;
  const char *collection;   /* URL segment, e.g. "schools" */
  const char *noun;         /* "school" */
  const struct field_spec *fields; /* fields[0] is the key */
  struct ref_filter filters[REF_MAX_FILTERS];
  unsigned nfilters;
};

/* The descriptions of every kind, indexed by enum ref_kind. */
extern const struct ref_resource refdata_resources[REF_KIND_COUNT];
const struct ref_resource *refdata_resource(enum ref_kind kind);
/* The six self-assessment domains, NULL-terminated. */
extern const char *const refdata_domains[];

/* A page of a list: the JSON text of the whole response body, the key after which the next page
 * starts (NULL on the last page). Both owned; freed by refdata_page_free. */
struct ref_page {
  char *body;
  char *next_key;
};
void refdata_page_free(struct ref_page *page);

/* One record as the API returns it: JSON text and version. doc is owned (free). */
struct ref_doc {
  char *doc;
  long long version;
};

/* Who is acting, for the audit trail. */
typedef struct store_actor ref_actor;

/* Looks a record up by key (text). PINS_ENOTFOUND when the key is malformed or absent. */
int refdata_get(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, const char *key);

/* Lists records. filters[i] is the value of r->filters[i] (NULL = not given), valid_on and
 * after_key may be NULL. Values must have been checked with refdata_check_query. */
int refdata_list(struct ref_page *out, struct store_conn *db, const struct ref_resource *r,
                 const char *const *filters, const char *valid_on, const char *after_key, int limit);

/* Checks list parameters; on a fault writes a sentence naming the parameter into why. */
int refdata_check_query(const struct ref_resource *r, const char *const *filters, const char *valid_on,
                        const char *after_key, char *why, size_t cap);

/* Writes. body is borrowed. errors (a JSON array) receives {pointer, detail} on PINS_EINVALID.
 * if_match is the raw If-Match header or NULL. */
int refdata_create(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, json_t *body,
                   const ref_actor *actor, json_t *errors);
int refdata_replace(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, const char *key,
                    json_t *body, const char *if_match, const ref_actor *actor, json_t *errors);
int refdata_patch(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, const char *key,
                  json_t *patch, const char *if_match, const ref_actor *actor, json_t *errors);
int refdata_delete(struct store_conn *db, const struct ref_resource *r, const char *key, const char *if_match,
                   const ref_actor *actor, json_t *errors);

/* Validates a record for writing (every fault at once) and fills defaults. With key_optional the
 * key may be absent. Returns PINS_OK or PINS_EINVALID. */
int refdata_check_record(const struct ref_resource *r, json_t *rec, bool key_optional, json_t *errors,
                         const char *prefix);

/* The record's key as text (integers printed) into buf; false when absent. */
bool refdata_key_text(const struct ref_resource *r, const json_t *rec, char *buf, size_t cap);

/* True when an If-Match header value matches version (strong comparison; "*" matches). */
bool refdata_etag_matches(const char *if_match, long long version);

/* RFC 7396 JSON merge patch: applies patch to target in place. */
void refdata_merge_patch(json_t *target, const json_t *patch);

#endif
