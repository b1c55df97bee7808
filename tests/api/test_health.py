"""GET /healthz and /readyz need no token; readyz reports its checks. The CLIs are idempotent."""

import requests

import spec


def test_healthz_without_token(h):
    r = requests.get(h.url("/healthz"), timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == "application/json"
    assert r.json() == {"status": "ok"}
    assert r.headers.get("X-Request-Id")
    spec.check_response(r)


def test_readyz_reports_checks(h):
    r = h.wait_ready(timeout=15)
    body = r.json()
    assert body["status"] == "ready" and body["checks"] == {"database": "ok", "kafka": "ok"}, body
    assert body["outbox"]["pending"] >= 0 and body["outbox"]["oldest_seconds"] >= 0, body
    spec.check_response(r)


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
