"""Odd input never crashes the server or yields a 500 or a non-JSON error."""

import json
import socket

import pytest

import records
from harness import assert_problem


def alive(h):
    assert h.server.proc.poll() is None, "the server died"
    assert h.get("/healthz", auth=False).status_code == 200


BODIES = [
    ("deep-array", b"[" * 100000),
    ("deep-object", b'{"a":' * 50000 + b"1" + b"}" * 50000),
    ("bad-utf8", b'{"code":"Z\xff\xfe","name":"x"}'),
    ("nul-escape", json.dumps({"code": "ZN1", "ons_code": "E54999999", "name": "a\u0000b",
                               "region": "London"}).encode()),
    ("lone-surrogate", b'{"code":"ZN2","name":"\\ud800","ons_code":"E54999998","region":"London"}'),
    ("huge-number", b'{"code":"ZN3","name":1e999999,"ons_code":"E54999997","region":"London"}'),
    ("big-int", b'{"code":' + b"9" * 400 + b"}"),
    ("dup-keys", b'{"code":"ZN4","code":"ZN5","name":"x","ons_code":"E54999996","region":"London"}'),
    ("trailing", b'{"code":"ZN6"} {}'),
    ("bom", b'\xef\xbb\xbf{"code":"ZN7"}'),
    ("binary", bytes(range(256)) * 4),
]


@pytest.mark.parametrize("name,body", BODIES, ids=[b[0] for b in BODIES])
def test_odd_json_bodies(h, name, body):
    r = h.post("/v1/icbs", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 409, 422), (name, r.status_code, r.text[:300])
    assert_problem(r, r.status_code)
    alive(h)


@pytest.mark.parametrize("field,value", [
    ("urn", 1e20), ("urn", 100000.5), ("urn", "100001"), ("urn", True), ("urn", None),
    ("urn", -5), ("urn", 2**62), ("is_mainstream", 1), ("name", {"a": 1}), ("name", ["x"]),
    ("name", "x" * 201), ("la_code", 856),
])
def test_wrong_types_are_422(h, parent, field, value):
    rec = records.school(parent)
    rec[field] = value
    r = h.post("/v1/schools", json=rec)
    body = assert_problem(r, 422, "validation")
    assert f"/{field}" in {e["pointer"] for e in body["errors"]}, body


def test_nul_in_path_and_query(h):
    for path in ("/v1/icbs?region=%00", "/v1/schools?q=ab%00cd", "/v1/schools?la_code=%zz",
                 "/v1/schools?q=%C3%28%C3%28", "/v1/icbs/Q%00K"):
        r = h.get(path)
        assert r.status_code in (200, 400, 404), (path, r.status_code, r.text[:200])
        if r.status_code >= 400:
            assert_problem(r, r.status_code)
    alive(h)


def test_q_with_unicode(h):
    r = h.get("/v1/schools", params={"q": "École’s"})
    assert r.status_code == 200, r.text


def test_many_headers_and_long_url(h):
    headers = {f"X-Filler-{i}": "y" * 50 for i in range(100)}
    r = h.get("/v1/icbs/QK1", headers=headers)
    assert r.status_code == 200
    r = h.get("/v1/schools?q=" + "a" * 6000)
    assert r.status_code in (200, 400, 414), r.status_code
    alive(h)


def test_unknown_method(h):
    s = socket.create_connection(("127.0.0.1", h.server.port), timeout=10)
    try:
        s.sendall(b"FROB /v1/icbs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    status = int(data.split(b" ", 2)[1])
    assert status in (400, 405, 501), data[:300]
    alive(h)


def test_garbage_on_the_socket(h):
    for junk in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 200,  # a TLS hello
                 b"GET / HTTP/9.9\r\n\r\n", b"\r\n\r\n\r\n", b"GET /v1/icbs HTTP/1.1\r\nHost x\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", h.server.port), timeout=10)
        try:
            s.sendall(junk)
            s.shutdown(socket.SHUT_WR)
            try:
                while s.recv(65536):
                    pass
            except OSError:
                pass
        finally:
            s.close()
    alive(h)


def test_if_match_semantics(h):
    rec = records.create(h, "icb")
    path = f"/v1/icbs/{rec['code']}"
    etag = h.get(path).headers["ETag"]
    merge = {"Content-Type": "application/merge-patch+json"}
    # Weak validators never match If-Match (strong comparison, RFC 9110 13.1.1).
    r = h.patch(path, json={"name": "Weak"}, headers=dict(merge, **{"If-Match": "W/" + etag}))
    assert_problem(r, 412, "precondition-failed")
    r = h.patch(path, json={"name": "Garbage"}, headers=dict(merge, **{"If-Match": "not-an-etag"}))
    assert r.status_code in (400, 412), r.status_code
    # A list matches when any member does; * matches any current record.
    r = h.patch(path, json={"name": "Listed"}, headers=dict(merge, **{"If-Match": f'"999999", {etag}'}))
    assert r.status_code == 200, r.text
    r = h.patch(path, json={"name": "Star"}, headers=dict(merge, **{"If-Match": "*"}))
    assert r.status_code == 200, r.text
    assert h.get(path).json()["name"] == "Star"


def test_concurrent_writes_to_one_record(h):
    """Many PATCHes at once with the same If-Match: exactly one wins, the rest get 412."""
    from concurrent.futures import ThreadPoolExecutor
    rec = records.create(h, "icb")
    path = f"/v1/icbs/{rec['code']}"
    etag = h.get(path).headers["ETag"]
    headers = {"Content-Type": "application/merge-patch+json", "If-Match": etag}

    def go(i):
        return h.patch(path, json={"name": f"Writer {i}"}, headers=headers).status_code

    with ThreadPoolExecutor(8) as ex:
        statuses = list(ex.map(go, range(16)))
    assert statuses.count(200) == 1, statuses
    assert statuses.count(412) == 15, statuses
