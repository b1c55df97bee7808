"""POST /v1/schools/import: JSON arrays, GIAS CSV (Windows-1252) with bad rows, re-import,
Idempotency-Key, structural errors; and `pins-api load-reference-data FILE.csv`."""

import csv
import io
import json

import pytest

import records
import spec
from harness import REPO_ROOT, assert_problem, new_urn, rand_word

IMPORT = "/v1/schools/import"
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "gias_bad_rows.csv"
# From tests/fixtures/README.md: 12 data rows; URNs 880001..880007 accepted; these rows refused,
# each with the field at fault (GIAS column pointer, or the API field it maps to).
FIXTURE_ROWS = 12
FIXTURE_GOOD = list(range(880001, 880008))
FIXTURE_BAD = {3: {"/URN", "/urn"}, 5: {"/URN", "/urn"}, 7: {"/LA (code)", "/la_code"},
               9: {"/EstablishmentName", "/name"}, 10: {"/PhaseOfEducation (name)", "/phase"}}
GIAS_COLUMNS = ["URN", "LA (code)", "LA (name)", "EstablishmentName", "TypeOfEstablishment (name)",
                "PhaseOfEducation (name)", "EstablishmentStatus (name)", "OpenDate", "CloseDate"]


def gias_csv(rows, columns=GIAS_COLUMNS, encoding="cp1252") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([row.get(c, "") for c in columns])
    return buf.getvalue().encode(encoding)


def gias_row(la, **over):
    row = {"URN": str(new_urn()), "LA (code)": la, "LA (name)": "Test LA",
           "EstablishmentName": f"Test {rand_word()} Primary School",
           "TypeOfEstablishment (name)": "Community school", "PhaseOfEducation (name)": "Primary",
           "EstablishmentStatus (name)": "Open", "OpenDate": "01-09-2001", "CloseDate": ""}
    row.update(over)
    return row


def post_csv(h, body: bytes, charset=None, **kw):
    ctype = "text/csv" + (f"; charset={charset}" if charset else "")
    headers = dict(kw.pop("headers", {}), **{"Content-Type": ctype})
    return h.post(IMPORT, data=body, headers=headers, **kw)


def counts(body):
    return {k: body[k] for k in ("received", "created", "updated", "unchanged")}


def check_report(r):
    assert r.status_code == 200, r.text
    body = r.json()
    for k in ("received", "created", "updated", "unchanged", "errors"):
        assert k in body, body
    assert body["created"] + body["updated"] + body["unchanged"] + len({e["row"] for e in body["errors"]}) \
        == body["received"], body
    for e in body["errors"]:
        assert isinstance(e["row"], int) and 1 <= e["row"] <= body["received"], e
        assert isinstance(e["pointer"], str) and isinstance(e["detail"], str) and e["detail"], e
    spec.check_response(r)
    return body


def test_import_json_array(h, parent):
    recs = [records.school(parent) for _ in range(4)]
    recs[2]["la_code"] = "000"          # row 3: unknown LA
    r = h.post(IMPORT, json=recs)
    body = check_report(r)
    assert counts(body) == {"received": 4, "created": 3, "updated": 0, "unchanged": 0}, body
    assert [(e["row"], e["pointer"]) for e in body["errors"]] == [(3, "/la_code")], body["errors"]
    got = h.get(f"/v1/schools/{recs[0]['urn']}")
    assert got.status_code == 200 and got.json()["name"] == recs[0]["name"]
    assert h.get(f"/v1/schools/{recs[2]['urn']}").status_code == 404

    # The same again: nothing changes.
    body = check_report(h.post(IMPORT, json=recs))
    assert counts(body) == {"received": 4, "created": 0, "updated": 0, "unchanged": 3}, body
    # One changed, one new.
    recs[1]["name"] += " Renamed"
    recs[2]["la_code"] = parent["la"]
    body = check_report(h.post(IMPORT, json=recs))
    assert counts(body) == {"received": 4, "created": 1, "updated": 1, "unchanged": 2}, body
    assert body["errors"] == []
    assert h.get(f"/v1/schools/{recs[1]['urn']}").json()["name"] == recs[1]["name"]


def test_import_json_every_bad_field_of_a_row(h, parent):
    bad = records.school(parent, phase="bogus", status="shut", name="")
    body = check_report(h.post(IMPORT, json=[bad]))
    assert body["created"] == 0
    ptrs = {e["pointer"] for e in body["errors"] if e["row"] == 1}
    assert {"/phase", "/status", "/name"} <= ptrs, body["errors"]


def test_import_gias_csv_with_bad_rows(h):
    for urn in FIXTURE_GOOD:
        assert h.get(f"/v1/schools/{urn}").status_code == 404, \
            f"{urn} exists before the test (URNs 880xxx are reserved for this fixture)"
    raw = FIXTURE.read_bytes()
    r = post_csv(h, raw)   # charset defaults to windows-1252
    body = check_report(r)
    assert counts(body) == {"received": FIXTURE_ROWS, "created": len(FIXTURE_GOOD), "updated": 0,
                            "unchanged": 0}, body
    by_row = {}
    for e in body["errors"]:
        by_row.setdefault(e["row"], set()).add(e["pointer"])
    assert set(by_row) == set(FIXTURE_BAD), body["errors"]
    for row, ptrs in by_row.items():
        assert ptrs & FIXTURE_BAD[row], (row, ptrs, FIXTURE_BAD[row])

    # The stored records are what the file says (decoded from Windows-1252).
    expected = {}
    for row in csv.DictReader(io.StringIO(raw.decode("cp1252"), newline="")):
        if row["URN"].isdigit() and int(row["URN"]) in FIXTURE_GOOD:
            expected[int(row["URN"])] = row
    assert set(expected) == set(FIXTURE_GOOD)
    for urn, row in expected.items():
        got = h.get(f"/v1/schools/{urn}")
        assert got.status_code == 200
        s = got.json()
        assert s["name"] == row["EstablishmentName"], (s["name"], row["EstablishmentName"])
        assert s["la_code"] == row["LA (code)"]
        assert s["phase"] == "primary" and s["status"] == "open"
        assert s["establishment_type"] == row["TypeOfEstablishment (name)"]
        assert s["is_mainstream"] is True
        if row.get("OpenDate"):
            d, m, y = row["OpenDate"].split("-")
            assert s["valid_from"] == f"{y}-{m}-{d}", (urn, s["valid_from"], row["OpenDate"])
        spec.check_response(got)
    assert h.get("/v1/schools/880007").json()["name"] == "St Mary\u2019s Church of England Primary School"
    assert h.get("/v1/schools/880006").json()["name"] == 'The "Old Mill", Aylestone Primary School'

    # Importing it again changes nothing and reports the same errors.
    body2 = check_report(post_csv(h, raw, charset="windows-1252"))
    assert counts(body2) == {"received": FIXTURE_ROWS, "created": 0, "updated": 0,
                             "unchanged": len(FIXTURE_GOOD)}, body2
    assert sorted((e["row"], e["pointer"]) for e in body2["errors"]) == \
        sorted((e["row"], e["pointer"]) for e in body["errors"])


def test_import_csv_utf8_and_derived_fields(h, parent):
    la = parent["la"]
    rows = [
        gias_row(la, EstablishmentName="École Élan Primary School"),
        gias_row(la, **{"TypeOfEstablishment (name)": "Community special school",
                        "PhaseOfEducation (name)": "Not applicable"}),
        gias_row(la, **{"TypeOfEstablishment (name)": "Pupil referral unit",
                        "PhaseOfEducation (name)": "Not applicable"}),
        gias_row(la, **{"TypeOfEstablishment (name)": "Academy converter",
                        "PhaseOfEducation (name)": "Secondary",
                        "EstablishmentStatus (name)": "Open, but proposed to close"}),
        gias_row(la, **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2020",
                        "OpenDate": "01-09-1990"}),
        gias_row(la, **{"TypeOfEstablishment (name)": "Other independent school",
                        "PhaseOfEducation (name)": "All-through"}),
    ]
    body = check_report(post_csv(h, gias_csv(rows, encoding="utf-8"), charset="utf-8"))
    assert body["created"] == len(rows) and body["errors"] == [], body
    got = [h.get(f"/v1/schools/{r['URN']}").json() for r in rows]
    assert got[0]["name"] == "École Élan Primary School"
    assert got[0]["is_mainstream"] is True
    assert got[1]["is_mainstream"] is False and got[1]["phase"] == "not_applicable"
    assert got[2]["is_mainstream"] is False
    assert got[3]["is_mainstream"] is True and got[3]["phase"] == "secondary"
    assert got[3]["status"] == "open_proposed_to_close"
    assert got[4]["status"] == "closed" and got[4]["valid_to"] == "2020-08-31"
    assert got[4]["valid_from"] == "1990-09-01"
    assert got[5]["is_mainstream"] is False and got[5]["phase"] == "all_through"


def test_import_csv_windows_1252_default(h, parent):
    row = gias_row(parent["la"], EstablishmentName="St Anne\u2019s Caf\u00e9 Primary School")
    body = check_report(post_csv(h, gias_csv([row], encoding="cp1252")))
    assert body["created"] == 1, body
    assert h.get(f"/v1/schools/{row['URN']}").json()["name"] == row["EstablishmentName"]


def test_import_csv_missing_required_column(h, parent):
    cols = [c for c in GIAS_COLUMNS if c != "EstablishmentName"]
    row = gias_row(parent["la"])
    r = post_csv(h, gias_csv([row], columns=cols))
    body = assert_problem(r, 422, "validation")
    assert "EstablishmentName" in json.dumps(body), body
    assert h.get(f"/v1/schools/{row['URN']}").status_code == 404
    spec.check_response(r)


@pytest.mark.parametrize("ctype,payload", [
    ("text/csv", b""),
    ("text/csv", ",".join(GIAS_COLUMNS).encode() + b"\r\n"),   # header only: no rows
    ("application/json", b"[]"),
    ("application/json", b'{"urn": 100000}'),
    ("application/json", b'"schools"'),
])
def test_import_structural_errors(h, ctype, payload):
    r = h.post(IMPORT, data=payload, headers={"Content-Type": ctype})
    if payload == b"":
        assert r.status_code in (400, 422), r.text
        assert_problem(r, r.status_code)
    else:
        assert_problem(r, 422, "validation")


def test_import_malformed_json_is_400(h):
    assert_problem(h.post(IMPORT, data=b"[{", headers={"Content-Type": "application/json"}),
                   400, "bad-request")


def test_import_idempotency_key(h, parent):
    recs = [records.school(parent) for _ in range(3)]
    key = "import-" + rand_word(12)
    first = h.post(IMPORT, json=recs, headers={"Idempotency-Key": key})
    body1 = check_report(first)
    assert body1["created"] == 3

    # Change one record behind the import's back: a replay must not re-apply the import.
    path = f"/v1/schools/{recs[0]['urn']}"
    r = h.patch(path, json={"name": "Changed After Import"},
                headers={"Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200, r.text

    again = h.post(IMPORT, json=recs, headers={"Idempotency-Key": key})
    assert again.status_code == first.status_code
    assert again.json() == body1, "a replay answers exactly the first answer"
    assert h.get(path).json()["name"] == "Changed After Import", "the replay re-applied the import"

    other = h.post(IMPORT, json=recs[:2], headers={"Idempotency-Key": key})
    assert_problem(other, 422, "idempotency-key-reused")
    spec.check_response(other)
    assert h.get(path).json()["name"] == "Changed After Import"

    # Without the key (or with a new one) the import runs again.
    fresh = check_report(h.post(IMPORT, json=recs, headers={"Idempotency-Key": key + "-2"}))
    assert counts(fresh) == {"received": 3, "created": 0, "updated": 1, "unchanged": 2}, fresh


def test_import_idempotency_key_csv(h, parent):
    rows = [gias_row(parent["la"]) for _ in range(2)]
    raw = gias_csv(rows)
    key = "csv-" + rand_word(12)
    a = post_csv(h, raw, headers={"Idempotency-Key": key})
    b = post_csv(h, raw, headers={"Idempotency-Key": key})
    assert a.status_code == b.status_code == 200
    assert a.json() == b.json() and a.json()["created"] == 2


def test_idempotency_key_on_create(h):
    rec = records.icb()
    key = "create-" + rand_word(12)
    a = h.post("/v1/icbs", json=rec, headers={"Idempotency-Key": key})
    assert a.status_code == 201, a.text
    b = h.post("/v1/icbs", json=rec, headers={"Idempotency-Key": key})
    assert b.status_code == 201, "a replay returns the first answer, not 409"
    assert b.json() == a.json()
    assert b.headers.get("Location") == a.headers.get("Location")
    c = h.post("/v1/icbs", json=dict(rec, name="Other"), headers={"Idempotency-Key": key})
    assert_problem(c, 422, "idempotency-key-reused")
    d = h.post("/v1/icbs", json=rec)
    assert_problem(d, 409, "conflict")


def test_idempotency_key_is_per_caller(h):
    """Another caller using the same key does not get the first caller's answer."""
    rec = records.icb()
    key = "caller-" + rand_word(12)
    a = h.post("/v1/icbs", json=rec, headers={"Idempotency-Key": key})
    assert a.status_code == 201
    other = h.token("national", sub="another-national-user")
    b = h.post("/v1/icbs", json=rec, token=other, headers={"Idempotency-Key": key})
    # Whether keys are scoped by subject or by role/org is the server's choice; never a 500.
    assert b.status_code in (201, 409, 422), (b.status_code, b.text)
    # A cached answer must never bypass authorization.
    r = h.post("/v1/icbs", json=rec, role="school", org="100001", headers={"Idempotency-Key": key})
    assert_problem(r, 403, "forbidden")


def test_load_reference_data_from_csv_file(h, parent):
    rows = [gias_row(parent["la"]) for _ in range(3)]
    path = h.tmp / f"gias-{rand_word()}.csv"
    path.write_bytes(gias_csv(rows))
    h.run_cli(["pins-api", "load-reference-data", path], env=h.server_env())
    for row in rows:
        got = h.get(f"/v1/schools/{row['URN']}")
        assert got.status_code == 200, row["URN"]
        assert got.json()["name"] == row["EstablishmentName"]


def test_import_row_limit(h, parent):
    """100,001 rows is refused as a whole (413, or 422 naming the limit), and nothing is written."""
    head = ",".join(GIAS_COLUMNS[:7]).encode() + b"\r\n"
    la = parent["la"].encode()
    first = 600000  # 600000..700000: clear of the sample (700001..) and of the tests (8xxxxx)
    lines = [b"%d,%s,X,Limit Test School %d,Community school,Primary,Open\r\n" % (first + i, la, i)
             for i in range(100001)]
    r = post_csv(h, head + b"".join(lines))
    assert r.status_code in (413, 422), (r.status_code, r.text[:300])
    body = assert_problem(r, r.status_code)
    if r.status_code == 422:
        assert "100" in json.dumps(body), body
    assert h.get(f"/v1/schools/{first}").status_code == 404
