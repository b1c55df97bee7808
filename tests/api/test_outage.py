"""PostgreSQL stopped under the running server: 503 + Retry-After, /readyz names the database;
once PostgreSQL is back, requests succeed again without restarting the server."""

import time

import requests

import spec
from harness import assert_problem


def test_postgres_outage_and_recovery(h):
    assert h.get("/v1/icbs/QK1").status_code == 200
    h.stop_postgres("immediate")
    try:
        # The server notices on its own: every request during the outage is a 503 problem.
        for path in ("/v1/icbs", "/v1/icbs/QK1", "/v1/schools?limit=3"):
            for _ in range(3):
                r = h.get(path)
                assert_problem(r, 503, "service-unavailable")
                retry = r.headers.get("Retry-After")
                assert retry and retry.isdigit() and int(retry) > 0, retry
        spec.check_response(r)
        r = h.post("/v1/icbs", json={"code": "ZQQ"})
        assert r.status_code in (422, 503), r.status_code  # validation may come first
        r = requests.get(h.url("/readyz"), timeout=10)
        body = assert_problem(r, 503, "service-unavailable")
        assert "database" in body["detail"].lower() or "postgres" in body["detail"].lower(), body
        checks = body.get("checks", {})
        assert checks.get("database") not in (None, "ok"), body
        assert requests.get(h.url("/healthz"), timeout=10).status_code == 200, "alive while degraded"
        assert h.server.proc.poll() is None, "the server died during the outage"
    finally:
        h.start_postgres()

    # Recovery without a restart: within 15 s, a run of successful requests.
    deadline = time.monotonic() + 15
    streak, last = 0, None
    while time.monotonic() < deadline and streak < 20:
        r = h.get("/v1/icbs/QK1")
        last = r
        streak = streak + 1 if r.status_code == 200 else 0
        if r.status_code != 200:
            assert r.status_code == 503, (r.status_code, r.text[:300])
            time.sleep(0.1)
    assert streak >= 20, f"not recovered within 15 s: {last.status_code} {last.text[:300]}"
    # Every pooled connection works again (more requests than pool slots, in parallel).
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(8) as ex:
        statuses = list(ex.map(lambda _: h.get("/v1/schools?limit=2").status_code, range(40)))
    assert statuses == [200] * 40, statuses
    h.wait_ready(timeout=10)
    assert h.server.proc.poll() is None


def test_kafka_outage_shows_in_readyz(h):
    """pins-dev-kafka: SIGUSR1 takes every broker down, SIGUSR2 brings them back. Kafka down is
    "degraded", not unready: writes still succeed and their events wait in the outbox."""
    import signal
    h.broker_proc.send_signal(signal.SIGUSR1)
    try:
        deadline = time.monotonic() + 20
        r = None
        while time.monotonic() < deadline:
            r = requests.get(h.url("/readyz"), timeout=15)
            if r.status_code == 200 and r.json().get("status") == "degraded":
                break
            time.sleep(0.2)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["status"] == "degraded", body
        assert body["checks"]["database"] == "ok", body
        assert body["checks"]["kafka"] != "ok", body
        assert body["outbox"]["pending"] >= 0, body
        # Reference reads do not need Kafka.
        assert h.get("/v1/icbs/QK1").status_code == 200
    finally:
        h.broker_proc.send_signal(signal.SIGUSR2)
    h.wait_ready(timeout=30)
