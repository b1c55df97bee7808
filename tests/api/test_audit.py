"""The audit trail (issue 11): every write to a table a client can change appends an audit row in
the same transaction (who: sub, role, org; when; the server's request id and the client's; before
and after), by the one trigger every such table has; GET /v1/audit reads it (national only); and a
project's history shows each actor's sub only to national and the project's own ICB."""

import time
import uuid
from datetime import datetime, timedelta

import psycopg
import psycopg.rows
import pytest

import events as E
import projects as P
import records
import school_work as W
import spec
from harness import assert_problem

# Column names the tests expect; adapt here if the migration names them differently.
TABLE = "audit_log"
REQUIRED = {"actor_role", "actor_org", "actor_sub", "action", "table_name", "record_key", "before", "after",
            "request_id", "client_request_id", "at"}


@pytest.fixture(scope="module")
def db(h):
    conn = h.db()
    conn.row_factory = psycopg.rows.dict_row
    yield conn
    conn.close()


def audit_rows(db, key, retries=20):
    for _ in range(retries):
        rows = db.execute(f"SELECT * FROM {TABLE} WHERE record_key = %s ORDER BY at, 1",
                          (str(key),)).fetchall()
        if rows:
            return rows
        time.sleep(0.05)
    return []


def test_audit_table_shape(db):
    cols = {r["column_name"] for r in db.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (TABLE,))}
    assert cols, f"no table {TABLE}"
    assert REQUIRED <= cols, f"{TABLE} lacks {REQUIRED - cols}"


def test_writes_are_audited(h, db, parent):
    rec = records.icb()
    rid = "audit-" + rec["code"]
    r = h.post("/v1/icbs", json=rec, headers={"X-Request-Id": rid + "-c"})
    assert r.status_code == 201
    server_ids = [r.headers["X-Request-Id"]]
    path = f"/v1/icbs/{rec['code']}"
    r = h.patch(path, json={"name": rec["name"] + " Patched"},
                headers={"Content-Type": "application/merge-patch+json", "X-Request-Id": rid + "-p"})
    assert r.status_code == 200
    server_ids.append(r.headers["X-Request-Id"])
    r = h.delete(path, headers={"X-Request-Id": rid + "-d"})
    assert r.status_code == 204
    server_ids.append(r.headers["X-Request-Id"])

    rows = audit_rows(db, rec["code"])
    rows = [x for x in rows if str(x["client_request_id"]).startswith(rid)]
    assert len(rows) == 3, rows
    create, patch, delete = rows
    for row, suffix, server_id in zip(rows, ("-c", "-p", "-d"), server_ids):
        assert row["actor_role"] == "national"
        assert row["actor_org"] is None
        assert "icb" in row["table_name"]
        assert row["client_request_id"] == rid + suffix
        assert row["request_id"] == server_id != rid + suffix
        assert row["at"] is not None
    assert create["before"] is None and create["after"]["name"] == rec["name"]
    assert patch["before"]["name"] == rec["name"]
    assert patch["after"]["name"] == rec["name"] + " Patched"
    assert delete["before"]["name"] == rec["name"] + " Patched" and delete["after"] is None
    actions = [str(x["action"]).lower() for x in rows]
    assert actions[0] in ("create", "insert") and actions[2] in ("delete",), actions


def test_refused_writes_are_not_audited(h, db):
    rec = records.icb(region="Mars")
    assert h.post("/v1/icbs", json=rec).status_code == 422
    assert h.post("/v1/icbs", json=records.icb(), role="school", org="100001").status_code == 403
    assert audit_rows(db, rec["code"], retries=3) == []


def test_import_is_audited(h, db, parent):
    """Per-row rows (record_key = URN) or one summary row: either way, findable by request id."""
    recs = [records.school(parent) for _ in range(2)]
    rid = "audit-import-" + str(recs[0]["urn"])
    r = h.post("/v1/schools/import", json=recs, headers={"X-Request-Id": rid})
    assert r.status_code == 200 and r.json()["created"] == 2, r.text
    rows = db.execute(f"SELECT * FROM {TABLE} WHERE client_request_id = %s", (rid,)).fetchall()
    assert rows, "the import left no audit row"
    for row in rows:
        assert row["actor_role"] == "national"
        assert row["request_id"] == r.headers["X-Request-Id"] != rid
    keyed = {str(x["record_key"]) for x in rows}
    if str(recs[0]["urn"]) in keyed:
        assert str(recs[1]["urn"]) in keyed


# ---------------------------------------------------------------------------------------------
# Every table a client can change has the audit trigger
# ---------------------------------------------------------------------------------------------

# Tables without the audit trigger, each for a reason. Any other table in the schema must have it:
# a new table gets `SELECT audit_attach('new_table');` in its migration (017_audit_everywhere.sql).
NOT_AUDITED = {
    "audit_log": "the trail itself",
    "outbox": "events, written with the change they report, which is audited on its own table",
    "outbox_pending": "the relay's to-do list of outbox rows",
    "idempotency_keys": "cached answers to retried POSTs, not records",
    "project_totals": "running totals and documents derived by triggers from audited tables",
    "project_history": "an append-only log the server writes with the actor; the changes it records "
                       "are audited on their own tables",
    "schema_migrations": "written by `pins-api migrate` only",
}

UNAUDITED_SQL = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT EXISTS (
  SELECT 1 FROM pg_trigger t
  WHERE t.tgrelid = c.oid AND t.tgfoid = 'audit_record'::regproc AND t.tgenabled <> 'D'
    AND t.tgtype & 1 = 1            -- for each row
    AND t.tgtype & (2 | 64) = 0     -- after
    AND t.tgtype & 28 = 28)         -- insert (4), delete (8) and update (16)
ORDER BY 1"""


def unaudited(conn) -> set[str]:
    return {r["relname"] for r in conn.execute(UNAUDITED_SQL)} - set(NOT_AUDITED)


def test_every_client_writable_table_has_the_audit_trigger(db):
    assert unaudited(db) == set(), "tables without the audit trigger (017_audit_everywhere.sql)"
    tables = {r["relname"] for r in db.execute(
        "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')")}
    assert set(NOT_AUDITED) <= tables, f"stale entries: {set(NOT_AUDITED) - tables}"


def test_a_new_table_without_the_trigger_is_caught(h):
    """The check above sees a table a migration adds without audit_attach, and audit_attach is all
    such a table needs (tried in a transaction that is rolled back)."""
    conn = h.db()
    conn.row_factory = psycopg.rows.dict_row
    try:
        with conn.transaction():
            conn.execute("CREATE TABLE audit_probe (a integer, b text, note text, PRIMARY KEY (a, b))")
            assert unaudited(conn) == {"audit_probe"}
            conn.execute("SELECT audit_attach('audit_probe')")
            assert unaudited(conn) == set()
            conn.execute("INSERT INTO audit_probe VALUES (1, 'x', 'first')")
            conn.execute("UPDATE audit_probe SET note = 'second'")
            conn.execute("UPDATE audit_probe SET note = 'second'")  # no change: no row
            rows = conn.execute("SELECT action, record_key, before, after FROM audit_log"
                                " WHERE table_name = 'audit_probe' ORDER BY id").fetchall()
            assert [(r["action"], r["record_key"]) for r in rows] == [("create", "1/x"), ("update", "1/x")]
            assert rows[1]["before"]["note"] == "first" and rows[1]["after"]["note"] == "second"
            raise psycopg.Rollback()
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Every kind of record written through the API leaves its row
# ---------------------------------------------------------------------------------------------


class Actor:
    """A caller with a subject of its own; each call sends a fresh X-Request-Id and notes the
    server's."""

    def __init__(self, h, role, org=None):
        self.h, self.role, self.org = h, role, org
        self.sub = f"{role}-{uuid.uuid4().hex[:10]}@audit.example"
        self.token = h.token(role, org, sub=self.sub)
        self.calls = {}  # client request id -> server request id

    def __call__(self, method, url, status, json=None, headers=None):
        cid = "client-" + uuid.uuid4().hex
        r = self.h.request(method, url, token=self.token, json=json,
                           headers={"X-Request-Id": cid, **(headers or {})})
        assert r.status_code == status, f"{method} {url}: {r.status_code} {r.text[:600]}"
        server_id = r.headers.get("X-Request-Id")
        assert server_id and server_id != cid, "the server must use its own request id"
        self.calls[cid] = server_id
        r.client_id = cid
        return r


def rows_for(db, cid, retries=20):
    for _ in range(retries):
        rows = db.execute(f"SELECT * FROM {TABLE} WHERE client_request_id = %s ORDER BY id", (cid,)).fetchall()
        if rows:
            return rows
        time.sleep(0.05)
    return []


def template_body(version):
    return {"version": version, "title": f"Audit template {version}", "illustrative": True,
            "scale": [{"value": v, "label": f"Level {v}"} for v in (1, 2, 3, 4)],
            "domains": [{"key": d, "title": d.replace("_", " ").capitalize(),
                         "items": [{"key": f"{d}.a{i}", "text": f"Statement {i}."} for i in (1, 2)]}
                        for d in W.DOMAINS]}


def test_every_kind_of_record_is_audited(h, db):
    """Each kind of record a client can write, written through the API by a caller with its own
    sub: an audit row on its table with sub, role, org, the server's request id and the client's."""
    nat = Actor(h, "national")
    wrote = []  # (table, response)

    icb = records.icb()
    wrote.append(("icbs", nat("POST", "/v1/icbs", 201, icb)))
    la = records.la({"icb": icb["code"]}, code=W.new_la_code())
    wrote.append(("local_authorities", nat("POST", "/v1/local-authorities", 201, la)))
    pcf = records.pcf({"la": la["code"]})
    wrote.append(("parent_carer_forums", nat("POST", "/v1/parent-carer-forums", 201, pcf)))
    school = records.school({"la": la["code"]})
    wrote.append(("schools", nat("POST", "/v1/schools", 201, school)))
    wrote.append(("menu_items", nat("POST", "/v1/menu-items", 201, records.menu_item())))
    version = int(uuid.uuid4().int % 800000 + 100000)
    wrote.append(("self_assessment_templates",
                  nat("POST", "/v1/self-assessment-templates", 201, template_body(version))))

    icb_team = Actor(h, "icb", icb["code"])
    start = W.future_start()
    r = icb_team("POST", "/v1/projects", 201, {"icb_code": icb["code"], "financial_year": P.fy(start),
                                               "kind": "new", "allocation_pence": 10_000_000})
    wrote.append(("projects", r))
    pid = r.json()["id"]
    wrote.append(("project_partners", icb_team("POST", P.path(pid, "/partners"), 201,
                                               {"org_type": "local_authority", "org_code": la["code"]})))
    icb_team("POST", P.path(pid, "/partners"), 201, {"org_type": "pcf", "org_code": pcf["id"]})
    wrote.append(("governance_members", icb_team("POST", P.path(pid, "/governance-members"), 201,
                                                 {"org_type": "icb", "org_code": icb["code"],
                                                  "role_title": "Senior responsible owner"})))
    wrote.append(("delivery_plans", icb_team("PUT", P.path(pid, "/delivery-plan"), 200, P.plan_body())))
    wrote.append(("plan_sign_offs", icb_team("POST", P.path(pid, "/delivery-plan/sign-offs"), 201)))
    wrote.append(("project_schools", icb_team("POST", P.path(pid, "/schools"), 201,
                                              {"urn": school["urn"], "cohort": "new",
                                               "selection_reason": "High need"})))
    wrote.append(("interventions", icb_team("POST", P.path(pid, "/interventions"), 201,
                                            W.intervention_body(school["urn"]))))
    r = icb_team("POST", W.reports_path(pid), 201, {"quarter": W.quarter(start, 1)})
    wrote.append(("quarterly_reports", r))
    edit = icb_team("PATCH", W.reports_path(pid, r.json()["id"]), 200, {"progress": "Two schools started."})
    wrote.append(("quarterly_reports", edit))

    head = Actor(h, "school", str(school["urn"]))
    wrote.append(("parent_carer_groups", head("PUT", W.group_path(pid, school["urn"]), 200,
                                              W.group_body(pcf["id"]))))
    r = head("POST", W.ENGAGEMENT_MEETINGS, 201, W.meeting_body(pid, school["urn"], pcf["id"]))
    wrote.append(("engagement_meetings", r))
    done = head("POST", W.meeting_url(r.json()["id"], "/complete"), 200, W.completion_body())
    wrote.append(("engagement_meetings", done))
    r = head("POST", W.SELF_ASSESSMENTS, 201, {"project_id": pid, "urn": school["urn"], "kind": "baseline",
                                               "template_version": 1})
    wrote.append(("self_assessments", r))
    aid = r.json()["id"]
    wrote.append(("self_assessments", head("PATCH", f"{W.SELF_ASSESSMENTS}/{aid}", 200,
                                           {"responses": E.responses(3)})))
    completed = head("POST", f"{W.SELF_ASSESSMENTS}/{aid}/complete", 200, {})
    wrote.append(("self_assessments", completed))

    # A funding release needs a project through to its MoU.
    ready = P.submitted_project(h)
    P.step(h, ready.id, "delivery-plan/approve", {"comment": "Approved"})
    year = int(ready.year[:4])
    P.step(h, ready.id, "mou", {"signed_on": f"{year}-04-20"})
    wrote.append(("funding_releases", nat("POST", P.path(ready.id, "/funding-release"), 200,
                                          {"released_on": f"{year}-05-01", "amount_pence": 1_000_000})))

    actors = (nat, icb_team, head)
    for table, r in wrote:
        who = next(a for a in actors if r.client_id in a.calls)
        rows = [x for x in rows_for(db, r.client_id) if x["table_name"] == table]
        assert rows, f"{r.request.method} {r.request.url} left no audit row on {table}"
        for row in rows:
            assert row["actor_sub"] == who.sub
            assert row["actor_role"] == who.role
            assert row["actor_org"] == who.org
            assert row["request_id"] == who.calls[r.client_id]
            assert row["at"] is not None
            assert row["before"] is not None or row["after"] is not None
    # Every audited table was written above (a table added later needs a line here too).
    audited = {r["relname"] for r in db.execute(
        "SELECT DISTINCT tgrelid::regclass::text AS relname FROM pg_trigger WHERE tgfoid = 'audit_record'::regproc")}
    assert audited - {t for t, _ in wrote} == {"la_icb_areas"}  # written only by load-reference-data

    # Before and after: the report's edit and the completion.
    (row,) = [x for x in rows_for(db, edit.client_id) if x["table_name"] == "quarterly_reports"]
    assert row["action"] == "update"
    assert row["before"]["narrative"]["progress"] is None
    assert row["after"]["narrative"]["progress"] == "Two schools started."
    (row,) = rows_for(db, completed.client_id)
    assert (row["table_name"], row["record_key"], row["action"]) == ("self_assessments", aid, "update")
    assert row["before"]["status"] == "draft" and row["after"]["status"] == "completed"
    assert row["after"]["results"] == completed.json()["results"]
    # Keys of several columns are joined with '/'.
    (row,) = rows_for(db, wrote[7][1].client_id)
    assert row["record_key"] == f"{pid}/local_authority/{la['code']}"
    # The derived document of a school is left out; its fields are there.
    (row,) = rows_for(db, wrote[3][1].client_id)
    assert "doc" not in row["after"] and row["after"]["name"] == school["name"]


def test_refused_school_work_leaves_no_row(h, db):
    """A refused change leaves nothing: the trail records what happened, in the same transaction."""
    s = W.new_site(h, n_schools=1)
    head = Actor(h, "school", str(s.schools[0]))
    r = head("POST", W.ENGAGEMENT_MEETINGS, 422, W.meeting_body(s.id, s.schools[0], "no-such-forum"))
    assert rows_for(db, r.client_id, retries=3) == []


# ---------------------------------------------------------------------------------------------
# GET /v1/audit
# ---------------------------------------------------------------------------------------------

AUDIT = "/v1/audit"
ITEM_KEYS = {"at", "table", "record_id", "action", "sub", "role", "org", "request_id", "client_request_id",
             "before", "after"}


def test_audit_route_filters_and_pages(h):
    nat = Actor(h, "national")
    made = [records.icb() for _ in range(3)]
    sent = [nat("POST", "/v1/icbs", 201, rec) for rec in made]
    renamed = nat("PATCH", f"/v1/icbs/{made[0]['code']}", 200, {"name": made[0]["name"] + " Renamed"},
                  headers={"Content-Type": "application/merge-patch+json"})

    # By sub: exactly this caller's four writes, oldest first.
    r = h.get(AUDIT, params={"sub": nat.sub})
    body = P.expect(r, 200)
    spec.check_response(r)
    items = body["items"]
    assert body["next_cursor"] is None
    assert [i["client_request_id"] for i in items] == [r.client_id for r in sent + [renamed]]
    for i in items:
        assert set(i) == ITEM_KEYS, i
        assert (i["table"], i["sub"], i["role"], i["org"]) == ("icbs", nat.sub, "national", None)
        assert i["request_id"] == nat.calls[i["client_request_id"]]
    assert [i["record_id"] for i in items] == [m["code"] for m in made] + [made[0]["code"]]
    assert [i["action"] for i in items] == ["create"] * 3 + ["update"]
    assert items[0]["before"] is None and items[0]["after"]["name"] == made[0]["name"]
    assert items[3]["before"]["name"] == made[0]["name"]
    assert items[3]["after"]["name"] == made[0]["name"] + " Renamed"

    # Pages of one follow the cursor (body and Link) to the same items.
    paged, cursor = [], None
    for _ in range(10):
        params = {"sub": nat.sub, "limit": 1, **({"cursor": cursor} if cursor else {})}
        r = h.get(AUDIT, params=params)
        page = P.expect(r, 200)
        paged += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
        assert "rel=\"next\"" in r.headers.get("Link", "")
    assert paged == items

    # By record, and by table with record.
    one = P.expect(h.get(AUDIT, params={"record_id": made[0]["code"]}), 200)["items"]
    assert [i["client_request_id"] for i in one] == [sent[0].client_id, renamed.client_id]
    both = P.expect(h.get(AUDIT, params={"table": "icbs", "record_id": made[0]["code"]}), 200)["items"]
    assert both == one
    assert P.expect(h.get(AUDIT, params={"table": "schools", "record_id": made[0]["code"]}), 200)["items"] == []

    # By time: from is inclusive, to exclusive.
    at = [datetime.fromisoformat(i["at"]) for i in items]
    assert at == sorted(at)
    window = {"sub": nat.sub, "from": at[1].isoformat(), "to": at[3].isoformat()}
    got = P.expect(h.get(AUDIT, params=window), 200)["items"]
    assert [i["client_request_id"] for i in got] == [r.client_id for r in sent[1:3]]
    later = {"sub": nat.sub, "from": (at[3] + timedelta(microseconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    assert P.expect(h.get(AUDIT, params=later), 200)["items"] == []

    # By organisation.
    site_icb = Actor(h, "icb", made[1]["code"])
    start = W.future_start()
    r = site_icb("POST", "/v1/projects", 201, {"icb_code": made[1]["code"], "financial_year": P.fy(start),
                                               "kind": "new", "allocation_pence": 5_000_000})
    by_org = P.expect(h.get(AUDIT, params={"org": made[1]["code"]}), 200)["items"]
    assert [(i["table"], i["record_id"], i["sub"], i["role"]) for i in by_org] == \
        [("projects", r.json()["id"], site_icb.sub, "icb")]
    assert by_org[0]["after"]["financial_year"] == P.fy(start)


def test_audit_route_is_national_only(h):
    for who in (P.EVALUATOR, P.as_icb("QK1"), P.as_la("201"), P.as_school(700001), P.as_pcf("pcf-201")):
        assert_problem(h.get(AUDIT, **who), 403, "forbidden")
    assert h.get(AUDIT, auth=False).status_code == 401


@pytest.mark.parametrize("param,value", [
    ("table", "Self-Assessments"), ("table", "x" * 64), ("table", "icbs;drop"),
    ("from", "yesterday"), ("from", "2025-13-01T00:00:00Z"), ("from", "2025-02-29T00:00:00Z"),
    ("from", "2025-04-01"), ("from", "2025-04-01T25:00:00Z"), ("to", "2025-04-01T00:00:00+0100"),
    ("to", "2025-04-01 00:00:00Z"), ("record_id", "x" * 256), ("sub", "a\tb"), ("org", "o" * 256),
    ("cursor", "not-a-cursor"), ("limit", "0"),
])
def test_audit_route_refuses_bad_parameters(h, param, value):
    r = h.get(AUDIT, params={param: value})
    body = assert_problem(r, 400, "bad-request")
    spec.check_response(r)
    assert param in body["detail"], body


def test_audit_route_accepts_rfc3339_forms(h):
    for value in ("2025-04-01T00:00:00Z", "2024-02-29T23:59:59.123456+01:00", "2025-04-01t00:00:00z",
                  "2025-04-01T00:00:00-05:30"):
        assert P.expect(h.get(AUDIT, params={"from": value, "to": value, "limit": 1}), 200)["items"] == []


# ---------------------------------------------------------------------------------------------
# Project history: who sees the actor's sub
# ---------------------------------------------------------------------------------------------


def test_history_shows_sub_only_to_national_and_the_owning_icb(h):
    area = P.new_area(h)
    icb_team = Actor(h, "icb", area.icb)
    r = icb_team("POST", "/v1/projects", 201, {"icb_code": area.icb, "financial_year": P.fy(P.rand_start()),
                                               "kind": "new", "allocation_pence": 10_000_000})
    pid = r.json()["id"]
    icb_team("POST", P.path(pid, "/partners"), 201, {"org_type": "local_authority", "org_code": area.la})

    def entries(**who):
        return P.history(h, pid, who=who)

    for who in ({"role": "national"}, {"token": icb_team.token}):
        got = entries(**who)
        assert [e["action"] for e in got][:2] == ["created", "partner_added"], got
        assert all(e["sub"] == icb_team.sub for e in got[:2]), got
    for who in (P.as_la(area.la), P.EVALUATOR):
        got = entries(**who)
        assert len(got) >= 2
        for e in got:
            assert e["sub"] is None, (who, e)
            assert e["role"] == "icb" and e["org"] == area.icb, e
