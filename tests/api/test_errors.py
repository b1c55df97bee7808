"""Every error status of the contract, as RFC 9457 problem+json."""

import json

import pytest
import requests

import records
import spec
from harness import assert_problem, error_pointers

ONE_MIB = 1024 * 1024


def test_malformed_json(h):
    for body in (b"{bad", b"", b"[1,", b'{"code": "ZZ1",}', b"\xff\xfe", b"null x"):
        r = h.post("/v1/icbs", data=body, headers={"Content-Type": "application/json"})
        assert_problem(r, 400, "bad-request")
    spec.check_response(r)


def test_json_not_an_object(h):
    for body in ("[]", "42", '"x"', "null"):
        r = h.post("/v1/icbs", data=body, headers={"Content-Type": "application/json"})
        assert r.status_code in (400, 422), (body, r.status_code, r.text[:200])
        assert_problem(r, r.status_code)


def test_unknown_path(h):
    for path in ("/v1/nope", "/v1/icbs/QK1/extra", "/nope", "/v2/icbs"):
        r = h.get(path)
        assert_problem(r, 404, "not-found")


def test_unknown_record(h):
    for path in ("/v1/icbs/00X", "/v1/local-authorities/000", "/v1/schools/100000",
                 "/v1/parent-carer-forums/no-such-forum", "/v1/menu-items/NO-SUCH-ITEM"):
        r = h.get(path)
        body = assert_problem(r, 404, "not-found")
        assert body["instance"] == path
        spec.check_response(r)


def test_malformed_keys_are_not_500(h):
    for path in ("/v1/schools/abc", "/v1/schools/99999999999999999999", "/v1/schools/-1",
                 "/v1/icbs/%00", "/v1/icbs/" + "A" * 5000, "/v1/schools/1e5",
                 "/v1/parent-carer-forums/%2e%2e", "/v1/menu-items/%F0%9F%98%80"):
        r = h.get(path)
        assert r.status_code in (400, 404), (path, r.status_code, r.text[:200])
        assert r.headers["Content-Type"].startswith("application/problem+json")


def test_method_not_allowed(h):
    r = h.delete("/v1/icbs")
    assert_problem(r, 405, "method-not-allowed")
    allow = {m.strip().upper() for m in r.headers.get("Allow", "").split(",") if m.strip()}
    assert {"GET", "POST"} <= allow <= {"GET", "POST", "HEAD", "OPTIONS"}, r.headers.get("Allow")
    r = h.post("/v1/icbs/QK1", json={})
    assert_problem(r, 405, "method-not-allowed")
    allow = {m.strip().upper() for m in r.headers.get("Allow", "").split(",") if m.strip()}
    assert {"GET", "PUT", "PATCH", "DELETE"} <= allow, r.headers.get("Allow")
    assert "POST" not in allow
    r = requests.post(h.url("/healthz"), timeout=10)
    assert_problem(r, 405, "method-not-allowed")
    assert "GET" in r.headers.get("Allow", "")


def test_not_acceptable(h):
    r = h.get("/v1/icbs", headers={"Accept": "text/html"})
    assert_problem(r, 406, "not-acceptable")
    r = h.get("/v1/icbs/QK1", headers={"Accept": "application/xml"})
    assert_problem(r, 406, "not-acceptable")


@pytest.mark.parametrize("accept", [
    "application/json", "*/*", "application/*", "application/json; charset=utf-8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
])
def test_acceptable(h, accept):
    assert h.get("/v1/icbs/QK1", headers={"Accept": accept}).status_code == 200


def test_unsupported_media_type(h, parent):
    rec = records.icb()
    r = h.post("/v1/icbs", data=json.dumps(rec), headers={"Content-Type": "text/plain"})
    assert_problem(r, 415, "unsupported-media-type")
    spec.check_response(r)
    r = h.post("/v1/icbs", data=json.dumps(rec))  # no Content-Type at all
    assert_problem(r, 415, "unsupported-media-type")
    r = h.post("/v1/icbs", data=json.dumps(rec), headers={"Content-Type": "application/merge-patch+json"})
    assert_problem(r, 415, "unsupported-media-type")
    assert h.get(f"/v1/icbs/{rec['code']}").status_code == 404
    existing = records.create(h, "icb")
    r = h.patch(f"/v1/icbs/{existing['code']}", data='{"name":"X"}', headers={"Content-Type": "text/plain"})
    assert_problem(r, 415, "unsupported-media-type")
    r = h.post("/v1/schools/import", data="URN\n1\n", headers={"Content-Type": "application/xml"})
    assert_problem(r, 415, "unsupported-media-type")


def test_json_content_type_with_charset_accepted(h):
    rec = records.icb()
    r = h.post("/v1/icbs", data=json.dumps(rec),
               headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 201, r.text


def _sized_body(size):
    prefix, suffix = b'{"code":"ZZZ","name":"', b'"}'
    return prefix + b"a" * (size - len(prefix) - len(suffix)) + suffix


def test_payload_too_large(h):
    body = _sized_body(ONE_MIB + 1)
    status, headers, data = h.raw("POST", "/v1/icbs", {
        "Authorization": "Bearer " + h.token(), "Content-Type": "application/json",
        "Content-Length": str(len(body))}, body)
    assert status == 413, (status, data[:300])
    assert headers["content-type"].startswith("application/problem+json")
    problem = json.loads(data)
    assert problem["status"] == 413 and problem["type"] == "/problems/payload-too-large"
    assert problem["instance"] == "/v1/icbs"


def test_payload_of_exactly_one_mib_is_read(h):
    body = _sized_body(ONE_MIB)
    r = h.post("/v1/icbs", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, (r.status_code, r.text[:300])  # read and validated, not 413


def test_payload_too_large_chunked(h):
    # No Content-Length: the limit must hold while streaming too.
    def gen():
        yield b'{"code":"ZZZ","name":"'
        for _ in range(17):
            yield b"a" * 65536
        yield b'"}'
    r = h.post("/v1/icbs", data=gen(), headers={"Content-Type": "application/json"})
    assert_problem(r, 413, "payload-too-large")


def test_validation_lists_every_bad_field(h):
    bad = {"urn": "abc", "name": "", "la_code": "1", "phase": "bogus", "establishment_type": "",
           "is_mainstream": "yes", "status": "shut", "valid_from": "2020-13-01", "colour": "red"}
    r = h.post("/v1/schools", json=bad)
    body = assert_problem(r, 422, "validation")
    spec.check_response(r)
    ptrs = error_pointers(body)
    expected = {"/urn", "/name", "/la_code", "/phase", "/establishment_type", "/is_mainstream",
                "/status", "/valid_from", "/colour"}
    assert expected <= ptrs, f"missing pointers {expected - ptrs}; got {ptrs}"


def test_validation_icb_fields(h):
    r = h.post("/v1/icbs", json={"code": "toolong", "ons_code": "X1", "name": "", "region": "Mars",
                                 "valid_from": "2024-01-01", "valid_to": "2023-01-01"})
    ptrs = error_pointers(assert_problem(r, 422, "validation"))
    assert {"/code", "/ons_code", "/name", "/region", "/valid_to"} <= ptrs, ptrs


def test_validation_missing_required_fields(h):
    r = h.post("/v1/local-authorities", json={})
    ptrs = error_pointers(assert_problem(r, 422, "validation"))
    assert {"/code", "/ons_code", "/name", "/icb_code"} <= ptrs, ptrs


def test_validation_menu_item_arrays(h):
    rec = records.menu_item(domains=[], professional_types=["wizard"],
                            delivery_modes=["virtual", "virtual", 3], active="yes")
    r = h.post("/v1/menu-items", json=rec)
    ptrs = error_pointers(assert_problem(r, 422, "validation"))
    assert any(p.startswith("/domains") for p in ptrs), ptrs
    assert any(p.startswith("/professional_types") for p in ptrs), ptrs
    assert any(p.startswith("/delivery_modes") for p in ptrs), ptrs
    assert "/active" in ptrs, ptrs
    rec = records.menu_item(domains=["mental_health", "mental_health"])
    ptrs = error_pointers(assert_problem(h.post("/v1/menu-items", json=rec), 422, "validation"))
    assert any(p.startswith("/domains") for p in ptrs), ptrs


def test_unknown_field(h):
    rec = records.icb(bogus=1)
    ptrs = error_pointers(assert_problem(h.post("/v1/icbs", json=rec), 422, "validation"))
    assert "/bogus" in ptrs
    assert h.get(f"/v1/icbs/{rec['code']}").status_code == 404


def test_unknown_foreign_key(h, parent):
    rec = records.la(parent, icb_code="00Q")
    ptrs = error_pointers(assert_problem(h.post("/v1/local-authorities", json=rec), 422, "validation"))
    assert "/icb_code" in ptrs
    rec = records.school(parent, la_code="000")
    ptrs = error_pointers(assert_problem(h.post("/v1/schools", json=rec), 422, "validation"))
    assert "/la_code" in ptrs
    rec = records.pcf(parent, la_code="000")
    ptrs = error_pointers(assert_problem(h.post("/v1/parent-carer-forums", json=rec), 422, "validation"))
    assert "/la_code" in ptrs


def test_duplicate_key_conflict(h):
    rec = records.create(h, "icb")
    r = h.post("/v1/icbs", json=dict(rec, name="Another name"))
    assert_problem(r, 409, "conflict")
    spec.check_response(r)
    assert h.get(f"/v1/icbs/{rec['code']}").json()["name"] == rec["name"]


def test_delete_referenced_conflict(h, parent):
    icb = records.create(h, "icb")
    records.create(h, "local_authority", {"icb": icb["code"]})
    r = h.delete(f"/v1/icbs/{icb['code']}")
    assert_problem(r, 409, "conflict")
    assert h.get(f"/v1/icbs/{icb['code']}").status_code == 200


def test_precondition_failed(h):
    rec = records.create(h, "icb")
    path = f"/v1/icbs/{rec['code']}"
    etag = h.get(path).headers["ETag"]
    stale = '"999999"'
    assert stale != etag
    r = h.put(path, json=dict(rec, name="Changed"), headers={"If-Match": stale})
    assert_problem(r, 412, "precondition-failed")
    spec.check_response(r)
    r = h.patch(path, json={"name": "Changed"}, headers={"If-Match": stale,
                                                         "Content-Type": "application/merge-patch+json"})
    assert_problem(r, 412, "precondition-failed")
    r = h.delete(path, headers={"If-Match": stale})
    assert_problem(r, 412, "precondition-failed")
    got = h.get(path)
    assert got.status_code == 200 and got.json()["name"] == rec["name"]
    assert got.headers["ETag"] == etag


def test_every_error_is_problem_json(h):
    """A sweep of odd requests: whatever the status, errors are problem+json with all keys."""
    cases = [
        ("GET", "/v1/icbs?limit=x", None, {}),
        ("GET", "/v1/schools?q=a", None, {}),
        ("GET", "/v1/schools?phase=bogus", None, {}),
        ("GET", "/v1/icbs?valid_on=2024-02-30", None, {}),
        ("GET", "/v1/icbs?region=Mars", None, {}),
        ("PUT", "/v1/icbs", b"{}", {"Content-Type": "application/json"}),
        ("PATCH", "/v1/icbs/QK1", b"[1,2]", {"Content-Type": "application/merge-patch+json"}),
        ("POST", "/v1/schools/import", b"{}", {"Content-Type": "application/json"}),
        ("GET", "/v1/icbs/QK1", None, {"Authorization": "Bearer " + "e" * 40}),
    ]
    for method, path, body, headers in cases:
        r = h.request(method, path, data=body, headers=headers)
        assert r.status_code >= 400, (method, path, r.status_code)
        assert r.status_code != 500, (method, path, r.text[:300])
        assert_problem(r, r.status_code)


def test_long_accept_header_is_read_whole(h):
    # The Accept header used to be copied into 1,024 bytes: JSON named after the cut got 406.
    accept = ", ".join(f"text/x-kind-{i}" for i in range(120)) + ", application/json"
    assert len(accept) > 1024
    r = h.get("/v1/icbs/QK1", headers={"Accept": accept})
    assert r.status_code == 200, r.text
    r = h.get("/v1/icbs/QK1", headers={"Accept": ", ".join(f"text/x-kind-{i}" for i in range(120))})
    assert_problem(r, 406, "not-acceptable")
