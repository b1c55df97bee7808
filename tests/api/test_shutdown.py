"""SIGTERM lets in-flight requests finish, then the process exits 0. (The main server's own clean
exit is checked by the harness teardown.)"""

import http.client
import json
import signal
import socket
import time

from harness import free_port
from test_import import gias_csv, gias_row


def test_in_flight_request_finishes_on_sigterm(h, parent, spawn):
    """The request is surely in flight: half its body is sent before SIGTERM, the rest after."""
    port = free_port()
    s = spawn("drain", h.server_env(PINS_LISTEN_PORT=port), port, wait_healthy=True)
    rows = [gias_row(parent["la"]) for _ in range(500)]
    body = gias_csv(rows)
    half = len(body) // 2
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        head = (f"POST /v1/schools/import HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Authorization: Bearer {h.token()}\r\nContent-Type: text/csv\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        sock.sendall(head.encode() + body[:half])
        time.sleep(0.3)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        try:
            sock.sendall(body[half:])
        except OSError as e:
            raise AssertionError(f"the server dropped an in-flight request on SIGTERM: {e!r}")
        resp = http.client.HTTPResponse(sock, method="POST")
        resp.begin()
        data = resp.read()
    finally:
        sock.close()
    assert resp.status == 200, (resp.status, data[:500])
    assert json.loads(data)["created"] == len(rows)
    rc = s.wait_exit(15)
    assert rc == 0, f"exit {rc}; stderr:\n{s.stderr_text()[-2000:]}"
    for row in rows[:3]:
        assert h.get(f"/v1/schools/{row['URN']}").status_code == 200


def test_running_handler_finishes_on_sigterm(h, parent, spawn):
    """SIGTERM while a long import is being processed (its body fully sent): it completes."""
    import threading
    port = free_port()
    s = spawn("drain2", h.server_env(PINS_LISTEN_PORT=port), port, wait_healthy=True)
    rows = [gias_row(parent["la"]) for _ in range(10000)]
    body = gias_csv(rows)
    result = {}

    def post():
        try:
            result["r"] = h.post("/v1/schools/import", data=body, base_url=s.base_url,
                                 headers={"Content-Type": "text/csv"}, timeout=60)
        except Exception as e:  # noqa: BLE001
            result["e"] = e

    t = threading.Thread(target=post)
    t.start()
    time.sleep(0.15)  # the upload takes milliseconds; the import itself ~0.4 s (longer under ASan)
    s.proc.send_signal(signal.SIGTERM)
    t.join(60)
    assert "e" not in result, f"in-flight request failed: {result.get('e')!r}"
    assert result["r"].status_code == 200, result["r"].text[:500]
    assert result["r"].json()["created"] == len(rows)
    assert s.wait_exit(15) == 0, s.stderr_text()[-2000:]


def test_no_new_connections_after_shutdown(h, spawn):
    port = free_port()
    s = spawn("stopped", h.server_env(PINS_LISTEN_PORT=port), port, wait_healthy=True)
    s.proc.send_signal(signal.SIGTERM)
    assert s.wait_exit(10) == 0, s.stderr_text()[-2000:]
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return
    raise AssertionError("port still accepting after exit")
