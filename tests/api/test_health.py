"""GET /healthz and /readyz need no token; readyz reports its checks. The CLIs are idempotent."""

import datetime
import time

import requests

import spec
from harness import assert_problem


def test_healthz_without_token(h):
    r = requests.get(h.url("/healthz"), timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == "application/json"
    assert r.json() == {"status": "ok"}
    assert r.headers.get("X-Request-Id")
    spec.check_response(r)


def test_readyz_says_only_its_status(h):
    # No token, so no figures: the backlog and the checks' details are at /v1/status.
    r = h.wait_ready(timeout=15)
    assert r.json() == {"status": "ready"}, r.text
    spec.check_response(r)
    # A token changes nothing: /readyz is for probes, and says the same to everyone.
    r = requests.get(h.url("/readyz"), headers={"Authorization": "Bearer " + h.token()}, timeout=10)
    assert r.status_code == 200 and r.json() == {"status": "ready"}, r.text


def test_status_reports_the_checks(h):
    h.wait_ready(timeout=15)
    for role, org in (("national", None), ("evaluator", None)):
        r = h.get("/v1/status", role=role, org=org)
        assert r.status_code == 200, r.text
        spec.check_response(r)
        body = r.json()
        assert body["status"] == "ready" and body["database"] == "ok" and body["kafka"] == "ok", body
        assert body["outbox"]["pending"] >= 0 and body["outbox"]["oldest_seconds"] >= 0, body
        at = datetime.datetime.fromisoformat(body["checked_at"].replace("Z", "+00:00"))
        age = (datetime.datetime.now(datetime.timezone.utc) - at).total_seconds()
        assert -5 < age < 30, f"checked_at {body['checked_at']} is {age:.1f}s old: not checked in the background"


def test_status_needs_a_token_and_the_role(h):
    r = h.get("/v1/status", auth=False)
    assert_problem(r, 401, "unauthorized")
    spec.check_response(r)
    for role, org in (("icb", "QK1"), ("local_authority", "856"), ("school", "100001"), ("pcf", "leicester-pcf")):
        r = h.get("/v1/status", role=role, org=org)
        assert_problem(r, 403, "forbidden")
        spec.check_response(r)
        assert "pending" not in r.text


def test_health_ignores_a_bad_token(h):
    # Probes must not depend on auth, even when a proxy forwards some header.
    r = requests.get(h.url("/healthz"), headers={"Authorization": "Bearer nonsense"}, timeout=10)
    assert r.status_code == 200


def test_migrate_and_load_are_idempotent(h):
    before = h.get("/v1/icbs", params={"limit": 500}).json()["items"]
    h.run_cli(["pins-api", "migrate"], env=h.server_env())
    h.run_cli(["pins-api", "load-reference-data"], env=h.server_env(), timeout=120)
    after = h.get("/v1/icbs", params={"limit": 500}).json()["items"]
    assert {i["code"] for i in after} == {i["code"] for i in before}


def test_default_data_is_loaded(h):
    # Every ICB and LA from data/reference, and the seeds' ICBs have schools.
    import csv
    from harness import REPO_ROOT
    with open(REPO_ROOT / "data/reference/icbs.csv", newline="", encoding="utf-8") as f:
        icbs = {row["ods_code"] for row in csv.DictReader(f)}
    with open(REPO_ROOT / "data/reference/local_authorities.csv", newline="", encoding="utf-8") as f:
        las = {row["la_code"] for row in csv.DictReader(f)}
    got_icbs = {i["code"] for i in h.get("/v1/icbs", params={"limit": 500}).json()["items"]}
    assert icbs <= got_icbs
    got_las = {i["code"] for i in h.get("/v1/local-authorities", params={"limit": 500}).json()["items"]}
    assert las <= got_las
    for code in ("QK1", "QWO", "QOC"):
        r = h.get("/v1/schools", params={"icb_code": code, "limit": 1})
        assert r.status_code == 200 and r.json()["items"], f"no sample schools in ICB {code}"
