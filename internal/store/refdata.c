#include "store/refdata.h"

#include <stdlib.h>
#include <string.h>

#include "core/status.h"

struct ref_sql {
  struct store_stmt get, lock, insert, update, del;
  struct store_filtered list; /* the filters, then valid_on, after_key; then the limit */
};

/* Validity: a record is valid on day D when valid_from <= D and (valid_to is null or >= D). */
#define VALID_ON(n) "valid_from <= $" #n "::date AND (valid_to IS NULL OR valid_to >= $" #n "::date)"

static struct ref_sql sql[REF_KIND_COUNT] = {
    [REF_ICB] =
        {
            .get = STORE_STMT("SELECT doc, version FROM icb_docs WHERE code = $1"),
            .lock = STORE_STMT("SELECT doc, version FROM icb_docs WHERE code = $1 FOR UPDATE"),
            .list = STORE_FILTERED("SELECT doc, code FROM icb_docs WHERE true", 1, " ORDER BY code LIMIT $4::int",
                                   "region = $1", VALID_ON(2), "code > $3"),
            .insert = STORE_STMT("INSERT INTO icbs (code, ons_code, name, region, valid_from, valid_to)"
                                 " SELECT code, ons_code, name, region, valid_from, valid_to"
                                 " FROM jsonb_populate_record(NULL::icbs, $1::jsonb)"),
            .update = STORE_STMT("UPDATE icbs t SET (ons_code, name, region, valid_from, valid_to) ="
                                 " (SELECT ons_code, name, region, valid_from, valid_to"
                                 "  FROM jsonb_populate_record(NULL::icbs, $2::jsonb)), version = t.version + 1"
                                 " WHERE code = $1"),
            .del = STORE_STMT("DELETE FROM icbs WHERE code = $1"),
        },
    [REF_LA] =
        {
            .get = STORE_STMT("SELECT doc, version FROM local_authority_docs WHERE code = $1"),
            .lock = STORE_STMT("SELECT doc, version FROM local_authority_docs WHERE code = $1 FOR UPDATE"),
            .list = STORE_FILTERED("SELECT doc, code FROM local_authority_docs WHERE true", 1,
                                   " ORDER BY code LIMIT $4::int", "icb_code = $1", VALID_ON(2), "code > $3"),
            .insert = STORE_STMT("INSERT INTO local_authorities (code, ons_code, name, icb_code, valid_from, valid_to)"
                                 " SELECT code, ons_code, name, icb_code, valid_from, valid_to"
                                 " FROM jsonb_populate_record(NULL::local_authorities, $1::jsonb)"),
            .update = STORE_STMT("UPDATE local_authorities t SET (ons_code, name, icb_code, valid_from, valid_to) ="
                                 " (SELECT ons_code, name, icb_code, valid_from, valid_to"
                                 "  FROM jsonb_populate_record(NULL::local_authorities, $2::jsonb)),"
                                 " version = t.version + 1 WHERE code = $1"),
            .del = STORE_STMT("DELETE FROM local_authorities WHERE code = $1"),
        },
    [REF_SCHOOL] =
        {
            .get = STORE_STMT("SELECT doc, version FROM school_docs WHERE urn = $1::integer"),
            .lock = STORE_STMT("SELECT doc, version FROM school_docs WHERE urn = $1::integer FOR UPDATE"),
            /* Each school's document is stored with it (migration 009). */
            .list = STORE_FILTERED("SELECT doc, urn FROM schools WHERE true", 1, " ORDER BY urn LIMIT $8::int",
                                   "la_code = $1",
                                   "la_code IN (SELECT code FROM local_authorities WHERE icb_code = $2)",
                                   "phase = $3", "status = $4", "name ILIKE '%' || $5 || '%'", VALID_ON(6),
                                   "urn > $7::integer"),
            .insert = STORE_STMT("INSERT INTO schools (urn, name, la_code, phase, establishment_type, is_mainstream,"
                                 " status, valid_from, valid_to)"
                                 " SELECT urn, name, la_code, phase, establishment_type, is_mainstream, status,"
                                 " valid_from, valid_to FROM jsonb_populate_record(NULL::schools, $1::jsonb)"),
            .update = STORE_STMT("UPDATE schools t SET (name, la_code, phase, establishment_type, is_mainstream,"
                                 " status, valid_from, valid_to) = (SELECT name, la_code, phase, establishment_type,"
                                 " is_mainstream, status, valid_from, valid_to"
                                 " FROM jsonb_populate_record(NULL::schools, $2::jsonb)), version = t.version + 1"
                                 " WHERE urn = $1::integer"),
            .del = STORE_STMT("DELETE FROM schools WHERE urn = $1::integer"),
        },
    [REF_PCF] =
        {
            .get = STORE_STMT("SELECT doc, version FROM parent_carer_forum_docs WHERE id = $1"),
            .lock = STORE_STMT("SELECT doc, version FROM parent_carer_forum_docs WHERE id = $1 FOR UPDATE"),
            .list = STORE_FILTERED("SELECT doc, id FROM parent_carer_forum_docs WHERE true", 1,
                                   " ORDER BY id LIMIT $4::int", "la_code = $1", VALID_ON(2), "id > $3"),
            .insert = STORE_STMT("INSERT INTO parent_carer_forums (id, name, la_code, valid_from, valid_to)"
                                 " SELECT id, name, la_code, valid_from, valid_to"
                                 " FROM jsonb_populate_record(NULL::parent_carer_forums, $1::jsonb)"),
            .update = STORE_STMT("UPDATE parent_carer_forums t SET (name, la_code, valid_from, valid_to) ="
                                 " (SELECT name, la_code, valid_from, valid_to"
                                 "  FROM jsonb_populate_record(NULL::parent_carer_forums, $2::jsonb)),"
                                 " version = t.version + 1 WHERE id = $1"),
            .del = STORE_STMT("DELETE FROM parent_carer_forums WHERE id = $1"),
        },
    [REF_MENU_ITEM] =
        {
            .get = STORE_STMT("SELECT doc, version FROM menu_item_docs WHERE code = $1"),
            .lock = STORE_STMT("SELECT doc, version FROM menu_item_docs WHERE code = $1 FOR UPDATE"),
            .list = STORE_FILTERED("SELECT doc, code FROM menu_item_docs WHERE true", 1,
                                   " ORDER BY code LIMIT $5::int", "active = $1::boolean", "$2 = ANY (domains)",
                                   VALID_ON(3), "code > $4"),
            .insert = STORE_STMT("INSERT INTO menu_items (code, title, description, domains, professional_types,"
                                 " delivery_modes, active, valid_from, valid_to)"
                                 " SELECT code, title, description, domains, professional_types, delivery_modes,"
                                 " active, valid_from, valid_to FROM jsonb_populate_record(NULL::menu_items, $1::jsonb)"),
            .update = STORE_STMT("UPDATE menu_items t SET (title, description, domains, professional_types,"
                                 " delivery_modes, active, valid_from, valid_to) = (SELECT title, description,"
                                 " domains, professional_types, delivery_modes, active, valid_from, valid_to"
                                 " FROM jsonb_populate_record(NULL::menu_items, $2::jsonb)), version = t.version + 1"
                                 " WHERE code = $1"),
            .del = STORE_STMT("DELETE FROM menu_items WHERE code = $1"),
        },
};

int store_ref_get(struct ref_doc *out, struct store_conn *db, enum ref_kind kind, const char *key, bool lock)
{
  return store_query_doc(&out->doc, &out->version, db, lock ? &sql[kind].lock : &sql[kind].get, 1, &key);
}

int store_ref_list(PGresult **out, struct store_conn *db, enum ref_kind kind, const char *const *params)
{
  const struct ref_resource *r = refdata_resource(kind);
  return store_exec_filtered(out, db, &sql[kind].list, (int)r->nfilters + 3, params);
}

int store_ref_insert(struct store_conn *db, enum ref_kind kind, const char *doc)
{
  return store_run(db, &sql[kind].insert, 1, &doc);
}

int store_ref_update(struct store_conn *db, enum ref_kind kind, const char *key, const char *doc)
{
  const char *p[] = {key, doc};
  return store_run(db, &sql[kind].update, 2, p);
}

int store_ref_delete(struct store_conn *db, enum ref_kind kind, const char *key)
{
  return store_run(db, &sql[kind].del, 1, &key);
}

static struct store_stmt stmt_area = STORE_STMT(
    "INSERT INTO la_icb_areas (la_code, icb_code, share) VALUES ($1, $2, $3::numeric)"
    " ON CONFLICT (la_code, icb_code) DO UPDATE SET share = EXCLUDED.share"
    " WHERE la_icb_areas.share IS DISTINCT FROM EXCLUDED.share");

int store_la_icb_area_put(struct store_conn *db, const char *la, const char *icb, const char *share)
{
  const char *p[] = {la, icb, share};
  return store_run(db, &stmt_area, 3, p);
}
