"""Every national write appends an audit row in the same transaction."""

import time

import psycopg.rows
import pytest

import records

# Column names the tests expect; adapt here if the migration names them differently.
TABLE = "audit_log"
REQUIRED = {"actor_role", "actor_org", "action", "table_name", "record_key", "before", "after",
            "request_id", "at"}


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
    path = f"/v1/icbs/{rec['code']}"
    r = h.patch(path, json={"name": rec["name"] + " Patched"},
                headers={"Content-Type": "application/merge-patch+json", "X-Request-Id": rid + "-p"})
    assert r.status_code == 200
    r = h.delete(path, headers={"X-Request-Id": rid + "-d"})
    assert r.status_code == 204

    rows = audit_rows(db, rec["code"])
    rows = [x for x in rows if str(x["request_id"]).startswith(rid)]
    assert len(rows) == 3, rows
    create, patch, delete = rows
    for row, suffix in zip(rows, ("-c", "-p", "-d")):
        assert row["actor_role"] == "national"
        assert row["actor_org"] is None
        assert "icb" in row["table_name"]
        assert row["request_id"] == rid + suffix
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
    rows = db.execute(f"SELECT * FROM {TABLE} WHERE request_id = %s", (rid,)).fetchall()
    assert rows, "the import left no audit row"
    for row in rows:
        assert row["actor_role"] == "national"
    keyed = {str(x["record_key"]) for x in rows}
    if str(recs[0]["urn"]) in keyed:
        assert str(recs[1]["urn"]) in keyed
