#ifndef PINS_STORE_SELF_ASSESSMENT_H
#define PINS_STORE_SELF_ASSESSMENT_H

#include <stdbool.h>

#include "domain/policy.h"
#include "store/db.h"
#include "store/outbox.h"

/* SQL for self-assessment templates and self-assessments. Documents are JSON text the caller
 * frees. */

int store_template_get(char **doc, struct store_conn *db, const char *version);
int store_template_list(char **json, struct store_conn *db);
/* PINS_ECONFLICT when the version exists. */
int store_template_insert(struct store_conn *db, const char *version, const char *doc);

/* Publishes a version unless it exists (default data). */
int store_template_insert_if_absent(struct store_conn *db, const char *version, const char *doc);

/* Whether the school is enrolled (not withdrawn) in the project. */
int store_school_enrolled(bool *out, struct store_conn *db, const char *project_id, const char *urn);

struct assessment_row {
  char id[40];
  char project_id[40];
  char urn[8];
  char kind[12];
  char template_version[12];
  char status[12];
  char *responses, *domain_notes, *voice_themes; /* JSON text, owned */
  char *baseline_results; /* a follow-up's completed baseline's results (JSON text, owned), else NULL */
};
void store_assessment_row_free(struct assessment_row *row);

/* Creates a draft; *id (40 bytes). PINS_ECONFLICT when a baseline exists for the school. */
int store_assessment_create(char *id, struct store_conn *db, const char *project_id, const char *urn,
                            const char *kind, const char *template_version);
int store_assessment_doc(char **doc, long long *version, struct store_conn *db, const char *id);
int store_assessment_lock(struct assessment_row *out, struct store_conn *db, const char *id);
int store_assessment_save(struct store_conn *db, const char *id, const char *responses, const char *notes,
                          const char *voice);
/* Completes a draft: results (JSON text) plus the active menu items addressing any of
 * priority_domains (a text array literal) as recommended_menu_items; then reads the completed
 * record into *doc, adds it as the completion event and commits, all in one round trip. */
int store_assessment_complete(char **doc, struct store_conn *db, const char *id, const char *results,
                              const char *priority_domains, const struct outbox_event *event);
/* The school's baseline in the project: its status and results (JSON text or NULL). */
int store_assessment_baseline(char **status, char **results, struct store_conn *db, const char *project_id,
                              const char *urn);
/* params: role, org, project_id, urn, kind, status, after id, limit. */
int store_assessment_list(PGresult **out, struct store_conn *db, const char *const params[8]);

#endif
