"""The HTTP edge: what an anonymous or slow client can take, and what the server decides before it
reads a body. Limits hold before a byte of the body is read (413, 401), chunked bodies are cut off
at the limit, each request has a whole-request deadline, connections are limited per address, the
server's own 414/431 are problem+json, and bytes that are not UTF-8 in the path, query or headers
are 400 (never a 500, never a dropped value), with every log line valid UTF-8 JSON."""

import json
import socket
import time

import pytest

from harness import free_port

ONE_MIB = 1024 * 1024


# ------------------------------------------------------------------------------------------------
# raw HTTP over a socket
# ------------------------------------------------------------------------------------------------

def connect(port, timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def head_bytes(method, target, port, headers=(), close=True):
    """A request head; target may hold raw bytes (bytes or a latin-1 str)."""
    if isinstance(target, str):
        target = target.encode("latin-1")
    out = method.encode("latin-1") + b" " + target + b" HTTP/1.1\r\n" + f"Host: 127.0.0.1:{port}\r\n".encode()
    for k, v in headers:
        out += k.encode("latin-1") + b": " + (v if isinstance(v, bytes) else v.encode("latin-1")) + b"\r\n"
    if close:
        out += b"Connection: close\r\n"
    return out + b"\r\n"


def read_response(sock, timeout=5.0):
    """Reads one response. Returns (status, headers lower-cased, body bytes, seconds waited), or
    (None, {}, b"", seconds) when nothing came before timeout or the peer closed without a response."""
    start = time.monotonic()
    data = b""
    sock.settimeout(0.2)
    while time.monotonic() - start < timeout:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            if _complete(data):
                break
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        if _complete(data):
            break
    waited = time.monotonic() - start
    if b"\r\n\r\n" not in data:
        return None, {}, b"", waited
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    return status, headers, body, waited


def _complete(data):
    if b"\r\n\r\n" not in data:
        return False
    head, body = data.split(b"\r\n\r\n", 1)
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            return len(body) >= int(v.strip())
    return False


def exchange(port, raw, timeout=5.0):
    s = connect(port)
    try:
        s.sendall(raw)
        return read_response(s, timeout)
    finally:
        s.close()


def problem(status, headers, body, want):
    assert status == want, (status, body[:300])
    assert headers.get("content-type", "").startswith("application/problem+json"), (headers, body[:300])
    assert headers.get("x-request-id"), headers
    doc = json.loads(body.decode("utf-8"))  # valid UTF-8 JSON, whatever was sent
    assert doc["status"] == want and doc["type"].startswith("/problems/") and doc["title"], doc
    assert isinstance(doc["detail"], str) and isinstance(doc["instance"], str), doc
    return doc


def closed_by_server(sock, timeout=3.0):
    """True when the server closes the connection (EOF or reset) within timeout."""
    sock.settimeout(timeout)
    try:
        while sock.recv(65536):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


# ------------------------------------------------------------------------------------------------
# bodies: refused before they are read
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path,length", [("/v1/icbs", ONE_MIB + 1), ("/v1/icbs", 100 * ONE_MIB),
                                         ("/v1/schools/import", 129 * ONE_MIB)])
def test_content_length_over_limit_is_413_before_the_body(h, path, length):
    """Headers only, no body: the 413 must come at once, not after the server waited for the body."""
    port = h.server.port
    s = connect(port)
    try:
        s.sendall(head_bytes("POST", path, port, [("Authorization", "Bearer " + h.token()),
                                                  ("Content-Type", "application/json"),
                                                  ("Content-Length", str(length))], close=False))
        status, headers, body, waited = read_response(s, timeout=4)
        assert status is not None, "no answer while the body was not sent: the server waits to read it"
        problem(status, headers, body, 413)
        assert waited < 2, waited
        assert json.loads(body)["type"] == "/problems/payload-too-large"
        assert closed_by_server(s), "the connection stayed open with an unread body"
    finally:
        s.close()


@pytest.mark.parametrize("auth", [None, "Bearer not.a.jwt", "Basic dXNlcjpwYXNz"])
def test_no_valid_token_is_401_before_the_body(h, auth):
    port = h.server.port
    hdrs = [("Content-Type", "application/json"), ("Content-Length", "1000")]
    if auth:
        hdrs.append(("Authorization", auth))
    s = connect(port)
    try:
        s.sendall(head_bytes("POST", "/v1/icbs", port, hdrs, close=False))
        status, headers, body, waited = read_response(s, timeout=4)
        assert status is not None, "no answer while the body was not sent: the server waits to read it"
        problem(status, headers, body, 401)
        assert waited < 2, waited
        assert closed_by_server(s)
    finally:
        s.close()


def test_role_not_admitted_is_403_before_the_body(h):
    """Any token holder could otherwise make the server buffer 128 MiB for the national-only import."""
    port = h.server.port
    s = connect(port)
    try:
        s.sendall(head_bytes("POST", "/v1/schools/import", port, [
            ("Authorization", "Bearer " + h.token("school", "700001")), ("Content-Type", "text/csv"),
            ("Content-Length", str(100 * ONE_MIB))], close=False))
        status, headers, body, waited = read_response(s, timeout=4)
        assert status is not None, "no answer while the body was not sent: the server waits to read it"
        problem(status, headers, body, 403)
        assert waited < 2, waited
        assert closed_by_server(s)
    finally:
        s.close()


def test_expect_continue_refused_without_100(h):
    """A client that asks before sending its body gets the refusal instead of 100 Continue."""
    port = h.server.port
    status, headers, body, waited = exchange(port, head_bytes("POST", "/v1/icbs", port, [
        ("Content-Type", "application/json"), ("Content-Length", "10"), ("Expect", "100-continue")]))
    problem(status, headers, body, 401)


def test_chunked_body_cut_off_at_the_limit(h):
    """No Content-Length: the server stops reading where the body passes 1 MiB, answers 413 and
    closes, while the client would send 16 MiB."""
    port = h.server.port
    s = connect(port)
    sent = 0
    try:
        s.sendall(head_bytes("POST", "/v1/icbs", port, [("Authorization", "Bearer " + h.token()),
                                                        ("Content-Type", "application/json"),
                                                        ("Transfer-Encoding", "chunked")], close=False))
        chunk = b"10000\r\n" + b"a" * 65536 + b"\r\n"
        s.settimeout(5)
        try:
            while sent < 16 * ONE_MIB:
                s.sendall(chunk)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        assert sent < 16 * ONE_MIB, "the server read 16 MiB of a body whose limit is 1 MiB"
        status, headers, body, _ = read_response(s, timeout=5)
        assert status is not None, f"no 413 after sending {sent} bytes"
        problem(status, headers, body, 413)
        assert headers.get("connection", "").lower() == "close", headers
    finally:
        s.close()
    assert h.get("/healthz", auth=False).status_code == 200


def test_body_at_the_limit_is_still_read(h):
    """Exactly 1 MiB chunked is read whole (and validated), not cut."""
    prefix, suffix = b'{"code":"ZZZ","name":"', b'"}'
    body = prefix + b"a" * (ONE_MIB - len(prefix) - len(suffix)) + suffix

    def gen():
        for i in range(0, len(body), 65536):
            yield body[i:i + 65536]
    r = h.post("/v1/icbs", data=gen(), headers={"Content-Type": "application/json"})
    assert r.status_code == 422, (r.status_code, r.text[:300])


# ------------------------------------------------------------------------------------------------
# slow clients: the whole-request deadline
# ------------------------------------------------------------------------------------------------

def fast_server(spawn, h, **env):
    port = free_port()
    s = spawn("edge", h.server_env(PINS_LISTEN_PORT=port, **{k: str(v) for k, v in env.items()}), port,
              wait_healthy=True)
    return s, port


def trickle(sock, data, every, give_up):
    """Sends data one byte every `every` seconds until sent or the server closes; returns seconds
    until the server closed the connection (or None if it never did within give_up)."""
    start = time.monotonic()
    sock.setblocking(False)
    for b in data:
        if time.monotonic() - start > give_up:
            return None
        try:
            sock.send(bytes([b]))
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - start
        except BlockingIOError:
            pass
        deadline = time.monotonic() + every
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536, socket.MSG_PEEK)
                if chunk == b"" or b"\r\n\r\n" in chunk:
                    return time.monotonic() - start
            except BlockingIOError:
                pass
            except ConnectionResetError:
                return time.monotonic() - start
            time.sleep(0.05)
    return None


def test_header_trickle_is_cut_at_the_deadline(h, spawn):
    """One header byte a second never trips the inactivity timeout; the deadline (2 s here) does."""
    s, port = fast_server(spawn, h, PINS_REQUEST_TIMEOUT_SECONDS=2)
    sock = connect(port)
    try:
        sock.sendall(b"GET /v1/icbs HTTP/1.1\r\nHost: x\r\n")
        took = trickle(sock, b"X-Slow: " + b"a" * 100, every=1.0, give_up=8)
        assert took is not None, "a client sending a header byte a second held the connection for 8 s"
        assert took < 4.5, took
        sock.setblocking(True)
        status, headers, body, _ = read_response(sock, timeout=2)
        problem(status, headers, body, 408)
        assert json.loads(body)["instance"] == "/v1/icbs"
    finally:
        sock.close()
    assert '"status":408' in s.stderr_text()


def test_body_trickle_is_cut_at_the_deadline(h, spawn):
    s, port = fast_server(spawn, h, PINS_REQUEST_TIMEOUT_SECONDS=2)
    sock = connect(port)
    try:
        sock.sendall(head_bytes("POST", "/v1/icbs", port, [("Authorization", "Bearer " + h.token()),
                                                           ("Content-Type", "application/json"),
                                                           ("Content-Length", "200")], close=False))
        took = trickle(sock, b"{" + b" " * 199, every=1.0, give_up=8)
        assert took is not None, "a client sending a body byte a second held the connection for 8 s"
        assert took < 4.5, took
        sock.setblocking(True)
        status, headers, body, _ = read_response(sock, timeout=2)
        problem(status, headers, body, 408)
    finally:
        sock.close()
    # A request that arrives in time on the same server is served.
    assert h.get("/v1/icbs/QK1", base_url=s.base_url).status_code == 200


def test_silent_connection_is_closed_at_the_deadline(h, spawn):
    s, port = fast_server(spawn, h, PINS_REQUEST_TIMEOUT_SECONDS=1)
    sock = connect(port)
    try:
        sock.sendall(b"G")
        start = time.monotonic()
        assert closed_by_server(sock, timeout=5), "a connection that never sent its request line stayed open"
        assert time.monotonic() - start < 3
    finally:
        sock.close()


# ------------------------------------------------------------------------------------------------
# connections per address
# ------------------------------------------------------------------------------------------------

def test_connections_per_address_are_limited_across_workers(h, spawn):
    s, port = fast_server(spawn, h, PINS_MAX_CONNECTIONS_PER_IP=3, PINS_WORKERS=2)
    held = []
    try:
        # Three kept-alive connections that each got an answer (retried while the server still
        # counts the health check's connection, closed by the client a moment ago).
        deadline = time.monotonic() + 5
        while len(held) < 3 and time.monotonic() < deadline:
            c = connect(port)
            c.sendall(head_bytes("GET", "/healthz", port, close=False))
            status, _, _, _ = read_response(c)
            if status == 200:
                held.append(c)
            else:
                c.close()
                time.sleep(0.1)
        assert len(held) == 3, "could not open three connections under a limit of three"
        for _ in range(3):  # spread by SO_REUSEPORT over both workers: the count is global
            extra = connect(port)
            try:
                status, headers, body, _ = read_response(extra, timeout=3)
                assert status == 429, f"a 4th connection from one address was not refused ({status})"
                assert headers["content-type"].startswith("application/problem+json")
                assert json.loads(body)["status"] == 429
                assert closed_by_server(extra)
            finally:
                extra.close()
        # The held ones still work.
        for c in held:
            c.sendall(head_bytes("GET", "/healthz", port, close=False))
            status, _, _, _ = read_response(c)
            assert status == 200
        held[0].close()
        # One closed: a new connection is taken again (once the server has seen the close).
        deadline = time.monotonic() + 3
        while True:
            status, _, _, _ = exchange(port, head_bytes("GET", "/healthz", port))
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert status == 200, status
    finally:
        for c in held:
            c.close()
    assert "PINS_MAX_CONNECTIONS_PER_IP" in s.stderr_text()


# ------------------------------------------------------------------------------------------------
# limits of the request head: problem+json, not libmicrohttpd's HTML
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("length", [9000, 24000])
def test_long_url_is_414_problem(h, length):
    port = h.server.port
    target = "/v1/schools?q=" + "a" * length
    status, headers, body, _ = exchange(port, head_bytes("GET", target, port,
                                                         [("Authorization", "Bearer " + h.token())]))
    doc = problem(status, headers, body, 414)
    assert doc["type"] == "/problems/uri-too-long"


@pytest.mark.parametrize("size", [20000, 26000])
def test_large_headers_are_431_problem(h, size):
    port = h.server.port
    filler = [(f"X-Filler-{i}", "y" * 990) for i in range(size // 1000)]
    status, headers, body, _ = exchange(port, head_bytes("GET", "/v1/icbs/QK1", port,
                                                         [("Authorization", "Bearer " + h.token())] + filler))
    doc = problem(status, headers, body, 431)
    assert doc["type"] == "/problems/request-header-fields-too-large"


def test_ordinary_headers_and_url_still_pass(h):
    headers = {f"X-Filler-{i}": "y" * 50 for i in range(100)}
    assert h.get("/v1/icbs/QK1", headers=headers).status_code == 200
    assert h.get("/v1/schools?q=" + "a" * 6000).status_code in (200, 400)


# ------------------------------------------------------------------------------------------------
# bytes that are not UTF-8
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [b"/v1/icbs/\xff", b"/v1/icbs/Q\xc3", b"/v1/\xed\xa0\x80", b"/\xff/x"])
def test_raw_non_utf8_in_path_is_400(h, target):
    port = h.server.port
    status, headers, body, _ = exchange(port, head_bytes("GET", target, port,
                                                         [("Authorization", "Bearer " + h.token())]))
    doc = problem(status, headers, body, 400)
    assert "UTF-8" in doc["detail"], doc


@pytest.mark.parametrize("target", [b"/v1/schools?q=%FF", b"/v1/schools?q=\xff", b"/v1/schools?q=ab%C3%28",
                                    b"/v1/schools?%FF=1", b"/v1/schools?q=a%00b"])
def test_non_utf8_or_nul_in_query_is_400(h, target):
    """Once silently dropped (so ?q=<0xFF> listed every school)."""
    port = h.server.port
    status, headers, body, _ = exchange(port, head_bytes("GET", target, port,
                                                         [("Authorization", "Bearer " + h.token())]))
    doc = problem(status, headers, body, 400)
    assert "query parameter" in doc["detail"], doc


def test_non_utf8_header_is_400(h):
    port = h.server.port
    status, headers, body, _ = exchange(port, head_bytes("POST", "/v1/icbs", port, [
        ("Authorization", "Bearer " + h.token()), ("Content-Type", "application/json"),
        ("Idempotency-Key", b"key-\xff"), ("Content-Length", "2")]) + b"{}")
    doc = problem(status, headers, body, 400)
    assert "Idempotency-Key" in doc["detail"], doc


def test_every_log_line_is_valid_utf8_json(h):
    port = h.server.port
    hostile = [
        head_bytes("GET", b"/v1/icbs/\xff\xfe", port),
        head_bytes("GET", b"/v1/\xc3", port, [("Authorization", "Bearer " + h.token())]),
        head_bytes("GET", b"/v1/schools?q=\xff", port, [("Authorization", "Bearer " + h.token())]),
        head_bytes("G\xc3T", b"/v1/icbs", port),
        head_bytes("GET", b"/v1/icbs/" + "é".encode() * 150 + b"\xe2\x82", port),
        head_bytes("GET", b"/v1/icbs/QK1", port, [("X-Request-Id", b"\xff"), ("Origin", b"\xfe")]),
    ]
    for raw in hostile:
        exchange(port, raw, timeout=3)
    time.sleep(0.3)
    raw_log = h.server.stderr_path.read_bytes()
    bad = []
    for line in raw_log.splitlines():
        if not line.strip():
            continue
        try:
            json.loads(line.decode("utf-8", errors="strict"))
        except (UnicodeDecodeError, ValueError) as e:
            bad.append((repr(e)[:80], line[:200]))
    assert not bad, bad[:5]
    assert b'"path":"/v1/icbs/\\ufffd\\ufffd"' in raw_log
