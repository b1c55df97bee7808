"""SIGTERM lets in-flight requests finish, then the process exits 0. (The main server's own clean
exit is checked by the harness teardown.)"""

import signal
import threading
import time

from harness import free_port
from test_import import gias_csv, gias_row


def test_in_flight_request_finishes_on_sigterm(h, parent, spawn):
    port = free_port()
    s = spawn("drain", h.server_env(PINS_LISTEN_PORT=port), port, wait_healthy=True)
    rows = [gias_row(parent["la"]) for _ in range(3000)]
    body = gias_csv(rows)
    result = {}

    def do():
        try:
            result["r"] = h.post("/v1/schools/import", data=body, base_url=s.base_url,
                                 headers={"Content-Type": "text/csv"}, timeout=60)
        except Exception as e:  # noqa: BLE001
            result["e"] = e

    t = threading.Thread(target=do)
    t.start()
    time.sleep(0.15)
    s.proc.send_signal(signal.SIGTERM)
    t.join(60)
    rc = s.wait_exit(15)
    assert "e" not in result, f"in-flight request failed: {result.get('e')!r}"
    r = result["r"]
    assert r.status_code == 200, r.text[:500]
    assert r.json()["created"] == 3000
    assert rc == 0, s.stderr_text()[-2000:]
    # New connections are refused after shutdown.
    try:
        h.get("/healthz", auth=False, base_url=s.base_url, timeout=2)
        raise AssertionError("still accepting after SIGTERM")
    except Exception as e:  # noqa: BLE001
        assert not isinstance(e, AssertionError), e
