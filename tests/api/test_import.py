"""POST /v1/schools/import: JSON arrays, GIAS CSV (Windows-1252) with bad rows, re-import,
Idempotency-Key, structural errors; and `pins-api load-reference-data FILE.csv`."""

import csv
import io
import json
import os

import pytest

import records
import spec
import requests

from harness import REPO_ROOT, assert_problem, free_port, new_urn, rand_word

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
    for k in ("received", "created", "updated", "unchanged", "errors", "errors_truncated"):
        assert k in body, body
    assert len(body["errors"]) <= 1000, len(body["errors"])
    if not body["errors_truncated"]:
        assert body["created"] + body["updated"] + body["unchanged"] + len({e["row"] for e in body["errors"]}) \
            == body["received"], body
    assert [e["row"] for e in body["errors"]] == sorted(e["row"] for e in body["errors"])
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


def test_import_errors_are_capped_in_row_order(h, parent):
    """1,500 rows with 1,650 faults, some found while parsing and some by the database (an unknown
    LA): the answer lists the first 1,000 in row order and says the rest were left out; the good
    rows are imported all the same. Before the cap every fault was listed, so 100,000 bad rows made
    hundreds of megabytes of JSON."""
    rows, expected = [], []
    for i in range(1, 1501):
        if i % 2:
            rows.append(gias_row(parent["la"], **{"PhaseOfEducation (name)": "Kindergarten",
                                                  "EstablishmentStatus (name)": "Shut"}))
            expected += [(i, "/PhaseOfEducation (name)"), (i, "/EstablishmentStatus (name)")]
        elif i % 10 == 0:
            rows.append(gias_row("000"))
            expected.append((i, "/la_code"))
        else:
            rows.append(gias_row(parent["la"]))
    assert h.get("/v1/local-authorities/000").status_code == 404
    body = check_report(post_csv(h, gias_csv(rows)))
    assert body["errors_truncated"] is True and len(body["errors"]) == 1000, len(body["errors"])
    got = sorted((e["row"], e["pointer"]) for e in body["errors"])
    assert got == sorted(expected[:1000]), (got[:5], expected[:5])
    assert body["received"] == 1500 and body["created"] == 600, counts(body)
    small = check_report(post_csv(h, gias_csv([gias_row(parent["la"], **{"PhaseOfEducation (name)": "Kindergarten"})])))
    assert small["errors_truncated"] is False and len(small["errors"]) == 1


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


# ---------------------------------------------------------------------------------------------
# Hostile CSV bytes (issue 11, memory safety). Each body holds one good row and one hostile row;
# the answer must be 200 with the hostile row (only) reported at the field it is in, and the
# server must stay up. Before the fix a field of continuation bytes passed the length check
# (they were not counted) and overflowed the 4096-byte COPY line buffer (ASan: heap-buffer-
# overflow in copy_escape); invalid UTF-8 reached COPY (500); a NUL byte silently cut a value.
# ---------------------------------------------------------------------------------------------

def csv_bytes(rows, columns=GIAS_COLUMNS) -> bytes:
    """Like gias_csv, but values may be bytes (written as they are: any byte sequence)."""
    def cell(v):
        b = v if isinstance(v, bytes) else str(v).encode("utf-8")
        if any(c in b for c in (b",", b'"', b"\r", b"\n")):
            b = b'"' + b.replace(b'"', b'""') + b'"'
        return b
    lines = [b",".join(cell(c) for c in columns)]
    lines += [b",".join(cell(r.get(c, "")) for c in columns) for r in rows]
    return b"\r\n".join(lines) + b"\r\n"


NAME, TYPE, LA_NAME = "/EstablishmentName", "/TypeOfEstablishment (name)", "/LA (name)"
EMOJI = "\U0001F600"   # four bytes in UTF-8

# (what, column, value, pointer(s) of the row's errors, or None when the row must be stored as sent)
HOSTILE_UTF8 = [
    ("overlong '/' (C0 AF)", "EstablishmentName", b"A\xC0\xAF School", NAME),
    ("overlong 3-byte NUL (E0 80 80)", "EstablishmentName", b"A\xE0\x80\x80 School", NAME),
    ("overlong 4-byte (F0 8F BF BF)", "EstablishmentName", b"A\xF0\x8F\xBF\xBF School", NAME),
    ("surrogate U+D800 (ED A0 80)", "EstablishmentName", b"A\xED\xA0\x80 School", NAME),
    ("above U+10FFFF (F4 90 80 80)", "EstablishmentName", b"A\xF4\x90\x80\x80 School", NAME),
    ("byte FF", "EstablishmentName", b"A\xFF School", NAME),
    ("lone continuation byte", "EstablishmentName", b"A\x80 School", NAME),
    ("sequence cut by the field's end", "EstablishmentName", b"Caf\xC3", NAME),
    ("sequence cut by ASCII", "EstablishmentName", b"A\xE2\x82B School", NAME),
    ("NUL byte in the name", "EstablishmentName", b"Abc\x00def School", NAME),
    ("NUL byte in an ignored column", "LA (name)", b"Derby\x00", LA_NAME),
    ("bad UTF-8 in an ignored column", "LA (name)", b"Derby\xC0\xAF", LA_NAME),
    ("201 four-byte characters", "EstablishmentName", (EMOJI * 201).encode(), NAME),
    ("101 four-byte characters in the type", "TypeOfEstablishment (name)", (EMOJI * 101).encode(), TYPE),
    ("200 four-byte characters", "EstablishmentName", (EMOJI * 200).encode(), None),
    ("200 backslashes and tabs (COPY doubles them)", "EstablishmentName", ("\\\t" * 100).encode(), None),
    ("100 backslashes in the type", "TypeOfEstablishment (name)", ("\\" * 100).encode(), None),
    ("NUL-free maximal row", "EstablishmentName", ("\\" * 199 + EMOJI).encode(), None),
    # last, so that every case above is reported before today's code falls over on these
    ("20,000 continuation bytes", "EstablishmentName", b"A" + b"\x80" * 20000, NAME),
    ("3,000 continuation bytes in two fields", "EstablishmentName", b"A" + b"\x80" * 3000, (NAME, TYPE)),
]


def test_import_csv_utf8_hostile_bytes(h, spawn, parent):
    """Every hostile row is a row error at its field; the good row beside it is stored; never a
    500 nor a crash. Runs on a server of its own, so that a crash is this test's alone."""
    port = free_port()
    srv = spawn("import-hostile", h.server_env(PINS_LISTEN_PORT=port), port, wait_healthy=True)
    failures = []
    for what, column, value, pointer in HOSTILE_UTF8:
        good, bad = gias_row(parent["la"]), gias_row(parent["la"])
        bad[column] = value
        if what.endswith("in two fields"):
            bad["TypeOfEstablishment (name)"] = value
        body = csv_bytes([good, bad])
        try:
            r = post_csv(h, body, charset="utf-8", base_url=srv.base_url, timeout=60)
        except requests.RequestException as e:
            failures.append(f"{what}: no answer ({e.__class__.__name__}): the server died")
            break
        if r.status_code != 200:
            failures.append(f"{what}: {r.status_code} {r.text[:200]}")
            continue
        rep = r.json()
        errs = sorted((e["row"], e["pointer"]) for e in rep["errors"])
        if pointer is None:
            want = {"received": 2, "created": 2, "updated": 0, "unchanged": 0}
            if counts(rep) != want or errs:
                failures.append(f"{what}: {counts(rep)} {rep['errors']}")
                continue
            got = h.get(f"/v1/schools/{bad['URN']}", base_url=srv.base_url).json()
            if got[{"EstablishmentName": "name", "TypeOfEstablishment (name)": "establishment_type"}[column]] \
                    != value.decode("utf-8"):
                failures.append(f"{what}: stored as {got!r:.200}")
        else:
            want = {"received": 2, "created": 1, "updated": 0, "unchanged": 0}
            pointers = pointer if isinstance(pointer, tuple) else (pointer,)
            if counts(rep) != want or errs != sorted((2, p) for p in pointers):
                failures.append(f"{what}: {counts(rep)} errors {rep['errors']!r:.300}")
            elif h.get(f"/v1/schools/{bad['URN']}", base_url=srv.base_url).status_code != 404:
                failures.append(f"{what}: the hostile row was stored")
            if h.get(f"/v1/schools/{good['URN']}", base_url=srv.base_url).status_code != 200:
                failures.append(f"{what}: the good row beside it was not stored")
    if srv.proc.poll() is not None:
        failures.append(f"the server exited ({srv.proc.returncode})")
    assert not failures, "\n".join(failures)


def test_import_csv_cp1252_nul_byte(h, parent):
    """Windows-1252 gives valid UTF-8 by construction, but a NUL byte still cut the value."""
    good, bad = gias_row(parent["la"]), gias_row(parent["la"])
    bad["EstablishmentName"] = b"Caf\xe9\x00 Primary"
    body = check_report(post_csv(h, csv_bytes([good, bad])))
    assert counts(body) == {"received": 2, "created": 1, "updated": 0, "unchanged": 0}, body
    assert [(e["row"], e["pointer"]) for e in body["errors"]] == [(2, NAME)], body["errors"]
    assert h.get(f"/v1/schools/{bad['URN']}").status_code == 404


def test_import_csv_bad_utf8_header_is_422(h, parent):
    """A header that is not UTF-8 (or holds a NUL) cannot be read: the whole file is refused."""
    for junk in (b"\xC0\xAF", b"\x00"):
        body = csv_bytes([gias_row(parent["la"])], columns=GIAS_COLUMNS + ["Extra"])
        body = body.replace(b"Extra", b"Ex" + junk + b"tra", 1)
        r = post_csv(h, body, charset="utf-8")
        assert_problem(r, 422, "validation")
        spec.check_response(r)


def test_import_json_lengths_in_code_points(h, parent):
    """The JSON path measures in code points too: 200 four-byte characters are a valid name."""
    ok = records.school(parent, name=EMOJI * 200, establishment_type="\\\t" * 50)
    bad = records.school(parent, name=EMOJI * 201)
    body = check_report(h.post(IMPORT, json=[ok, bad]))
    assert counts(body) == {"received": 2, "created": 1, "updated": 0, "unchanged": 0}, body
    assert [(e["row"], e["pointer"]) for e in body["errors"]] == [(2, "/name")], body["errors"]
    got = h.get(f"/v1/schools/{ok['urn']}").json()
    assert got["name"] == ok["name"] and got["establishment_type"] == ok["establishment_type"]


def _rss_mb(pid) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(bool(os.environ.get("PINS_SANITIZED")), reason="ASan's allocator keeps freed memory")
def test_import_memory_is_given_back(h):
    """A large JSON import (millions of small blocks in Jansson) used to leave its memory in the
    worker's malloc arena: ~180 MB held after one 100,000-row import. Every row here is refused
    by the row checks (nothing is written), which is enough to parse and check them all."""
    recs = [{"urn": 100000 + i, "name": f"Memory Test {i}", "la_code": "831", "phase": "bogus",
             "establishment_type": "Community school", "is_mainstream": True, "status": "open"}
            for i in range(50000)]
    body = json.dumps(recs).encode()
    pid = h.server.proc.pid
    before = _rss_mb(pid)
    for _ in range(2):
        r = h.post(IMPORT, data=body, headers={"Content-Type": "application/json"}, timeout=300)
        assert r.status_code == 200 and r.json()["created"] == 0, r.text[:300]
    after = _rss_mb(pid)
    assert after - before < 40, f"RSS {before:.0f} MB before, {after:.0f} MB after two imports"
