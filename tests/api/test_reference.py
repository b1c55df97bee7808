"""CRUD on each reference resource, ETag/If-Match, merge patch, and validity dates."""

import datetime as dt

import pytest

import records
import spec
from harness import ETAG_RE, assert_problem, error_pointers

MERGE = {"Content-Type": "application/merge-patch+json"}
IDS = [r.name for r in records.RESOURCES]


def same_fields(got: dict, sent: dict):
    for k, v in sent.items():
        assert got.get(k) == v, f"{k}: sent {v!r}, got {got.get(k)!r} (record {got})"


@pytest.mark.parametrize("res", records.RESOURCES, ids=IDS)
def test_crud(h, parent, res):
    rec = res.build(parent)
    key = rec[res.key]
    path = res.path(key)

    # create
    r = h.post(res.coll, json=rec)
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].split(";")[0] == "application/json"
    assert r.headers.get("Location") == path
    etag1 = r.headers.get("ETag")
    assert etag1 and ETAG_RE.match(etag1), etag1
    same_fields(r.json(), rec)
    spec.check_response(r)
    today = dt.date.today()
    vf = dt.date.fromisoformat(r.json()["valid_from"])
    assert abs((vf - today).days) <= 1, "valid_from defaults to today"
    assert r.json().get("valid_to") is None

    # read via Location
    r = h.get(r.headers["Location"])
    assert r.status_code == 200
    assert r.headers.get("ETag") == etag1
    same_fields(r.json(), rec)
    spec.check_response(r)

    # list contains it
    fparam, ffield = res.list_filter
    fval = rec[ffield]
    fval = str(fval).lower() if isinstance(fval, bool) else fval
    r = h.get(res.coll, params={fparam: fval, "limit": 500})
    assert r.status_code == 200, r.text
    spec.check_response(r)
    # (menu items and regions are shared filters: walk pages until found)
    assert _list_contains(h, res, {fparam: fval}, key), f"{key} not listed under {fparam}={fval}"

    # PUT full replacement (key in body optional)
    replaced = dict(rec)
    replaced[res.put_field] = rec[res.put_field] + " Renamed"
    del replaced[res.key]
    r = h.put(path, json=replaced)
    assert r.status_code == 200, r.text
    etag2 = r.headers.get("ETag")
    assert etag2 and ETAG_RE.match(etag2) and etag2 != etag1
    assert r.json()[res.put_field] == replaced[res.put_field]
    assert r.json()[res.key] == key
    spec.check_response(r)

    # stale If-Match -> 412; current -> 200
    assert_problem(h.put(path, json=rec, headers={"If-Match": etag1}), 412, "precondition-failed")
    r = h.put(path, json=dict(rec), headers={"If-Match": etag2})
    assert r.status_code == 200, r.text
    etag3 = r.headers["ETag"]
    assert etag3 != etag2
    assert h.get(path).json()[res.put_field] == rec[res.put_field]

    # PATCH merge-patch: change a field, set valid_to, then remove it with null
    r = h.patch(path, json={res.put_field: "Patched " + key if isinstance(key, str) else f"Patched {key}",
                            "valid_to": "2099-12-31"}, headers=dict(MERGE, **{"If-Match": etag3}))
    assert r.status_code == 200, r.text
    etag4 = r.headers["ETag"]
    assert etag4 != etag3
    body = r.json()
    assert body[res.put_field].startswith("Patched ")
    assert body["valid_to"] == "2099-12-31"
    spec.check_response(r)
    for k in rec:  # untouched fields stay
        if k not in (res.put_field,):
            assert body[k] == rec[k], k
    r = h.patch(path, json={"valid_to": None}, headers=MERGE)
    assert r.status_code == 200, r.text
    assert r.json().get("valid_to") is None
    assert h.get(path).json().get("valid_to") is None
    # application/json is accepted for PATCH too
    r = h.patch(path, json={res.put_field: rec[res.put_field]})
    assert r.status_code == 200, r.text
    # null on a required field is a validation error
    r = h.patch(path, json={res.put_field: None}, headers=MERGE)
    assert f"/{res.put_field}" in error_pointers(assert_problem(r, 422, "validation"))
    # the key cannot be changed through PUT
    other_key = res.build(parent)[res.key]
    r = h.put(path, json=dict(rec, **{res.key: other_key}))
    assert r.status_code in (400, 422), r.text
    assert h.get(res.path(other_key)).status_code == 404

    # DELETE with If-Match, then 404
    etag = h.get(path).headers["ETag"]
    r = h.delete(path, headers={"If-Match": etag})
    assert r.status_code == 204, r.text
    assert not r.content
    assert_problem(h.get(path), 404, "not-found")
    assert_problem(h.delete(path), 404, "not-found")
    assert_problem(h.put(path, json=rec), 404, "not-found")
    assert_problem(h.patch(path, json={"valid_to": None}, headers=MERGE), 404, "not-found")


def _list_contains(h, res, params, key, limit=500):
    cursor = None
    for _ in range(200):
        q = dict(params, limit=limit)
        if cursor:
            q["cursor"] = cursor
        r = h.get(res.coll, params=q)
        assert r.status_code == 200, r.text
        body = r.json()
        if any(i[res.key] == key for i in body["items"]):
            return True
        cursor = body.get("next_cursor")
        if not cursor:
            return False
    return False


@pytest.mark.parametrize("res", records.RESOURCES, ids=IDS)
def test_historic_record_and_valid_on(h, parent, res):
    rec = res.build(parent, valid_from="2020-04-01", valid_to="2023-03-31")
    r = h.post(res.coll, json=rec)
    assert r.status_code == 201, r.text
    assert r.json()["valid_from"] == "2020-04-01" and r.json()["valid_to"] == "2023-03-31"
    key = rec[res.key]
    r = h.get(res.path(key))
    assert r.status_code == 200, "historic records stay readable"
    assert r.json()["valid_to"] == "2023-03-31"
    fparam, ffield = res.list_filter
    fval = rec[ffield]
    fval = str(fval).lower() if isinstance(fval, bool) else fval
    assert _list_contains(h, res, {fparam: fval, "valid_on": "2022-01-01"}, key)
    assert _list_contains(h, res, {fparam: fval, "valid_on": "2020-04-01"}, key)
    assert _list_contains(h, res, {fparam: fval, "valid_on": "2023-03-31"}, key), "valid_to is inclusive"
    assert not _list_contains(h, res, {fparam: fval, "valid_on": "2023-04-01"}, key)
    assert not _list_contains(h, res, {fparam: fval, "valid_on": "2019-12-31"}, key)
    assert not _list_contains(h, res, {fparam: fval, "valid_on": dt.date.today().isoformat()}, key)


def test_valid_on_bad_date(h):
    for bad in ("2024-02-30", "yesterday", "2024-1-1", "2024-01-01x"):
        r = h.get("/v1/icbs", params={"valid_on": bad})
        assert_problem(r, 400, "bad-request")


def test_icb_merger_story(h):
    """Two ICBs merge: the old ones end, the new one starts; both periods stay queryable."""
    a = records.create(h, "icb", valid_from="2023-04-01", valid_to="2026-03-31", region="Midlands")
    b = records.create(h, "icb", valid_from="2023-04-01", valid_to="2026-03-31", region="Midlands")
    merged = records.create(h, "icb", valid_from="2026-04-01", region="Midlands")
    res = records.BY_NAME["icb"]
    before = {a["code"], b["code"], merged["code"]}
    on_2025 = _codes(h, {"region": "Midlands", "valid_on": "2025-06-01"}) & before
    on_2026 = _codes(h, {"region": "Midlands", "valid_on": "2026-06-01"}) & before
    assert on_2025 == {a["code"], b["code"]}
    assert on_2026 == {merged["code"]}
    assert h.get(res.path(a["code"])).status_code == 200


def _codes(h, params):
    out, cursor = set(), None
    while True:
        q = dict(params, limit=500)
        if cursor:
            q["cursor"] = cursor
        body = h.get("/v1/icbs", params=q).json()
        out |= {i["code"] for i in body["items"]}
        cursor = body.get("next_cursor")
        if not cursor:
            return out


def test_get_icb_matches_spec_components(h):
    """The bodies validate against the named component schemas, not only the inline ones."""
    if not spec.available():
        pytest.fail("openapi.yaml is missing")
    comps = spec.load().get("components", {}).get("schemas", {})
    r = h.get("/v1/icbs/QK1")
    assert r.status_code == 200
    spec.check_response(r)
    names = [n for n in comps if n.lower() in ("icb", "icbrecord")]
    assert names, f"no ICB component schema among {sorted(comps)}"
    errs = list(spec.component_validator(names[0]).iter_errors(r.json()))
    assert not errs, [e.message for e in errs]


def test_menu_item_filters(h):
    inactive = records.create(h, "menu_item", active=False, domains=["communication"])
    active = records.create(h, "menu_item", active=True, domains=["communication", "environment"])
    res = records.BY_NAME["menu_item"]
    assert _list_contains(h, res, {"active": "false"}, inactive["code"])
    assert not _list_contains(h, res, {"active": "true"}, inactive["code"])
    assert _list_contains(h, res, {"domain": "environment"}, active["code"])
    assert not _list_contains(h, res, {"domain": "environment"}, inactive["code"])
    assert_problem(h.get("/v1/menu-items", params={"domain": "astrology"}), 400, "bad-request")


def test_default_menu_loaded(h):
    r = h.get("/v1/menu-items", params={"limit": 500})
    assert r.status_code == 200
    assert r.json()["items"], "the illustrative menu is loaded by default"
    spec.check_response(r)
