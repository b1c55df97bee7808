"""X-Request-Id and CORS."""

import requests

from harness import CORS_ORIGIN, REQUEST_ID_RE

EVIL = "https://evil.example.test"


def test_request_id_is_the_servers(h, server_log):
    """The server always makes its own request id (returned in X-Request-Id); a client's sane
    X-Request-Id is kept beside it as client_request_id (logged, and in the audit trail)."""
    rid = "test-Req_1.abc"
    for path, kw, status in (("/v1/icbs/QK1", {}, 200), ("/v1/icbs/00X", {}, 404),  # on errors too
                             ("/v1/icbs", {"auth": False}, 401), ("/healthz", {"auth": False}, 200)):
        r = h.get(path, headers={"X-Request-Id": rid}, **kw)
        assert r.status_code == status
        got = r.headers.get("X-Request-Id")
        assert got and got != rid and REQUEST_ID_RE.match(got), got
        found = server_log(lambda l: l.get("request_id") == got and "status" in l)
        assert len(found) == 1 and found[0]["client_request_id"] == rid, found
    long_ok = "a" * 128
    got = h.get("/healthz", auth=False, headers={"X-Request-Id": long_ok}).headers["X-Request-Id"]
    found = server_log(lambda l: l.get("request_id") == got and "status" in l)
    assert got != long_ok and found[0]["client_request_id"] == long_ok, found


def test_request_id_generated(h):
    seen = set()
    for _ in range(5):
        r = h.get("/v1/icbs/QK1")
        rid = r.headers.get("X-Request-Id")
        assert rid and REQUEST_ID_RE.match(rid), rid
        seen.add(rid)
    assert len(seen) == 5, "generated request ids repeat"


def test_insane_request_id_replaced(h, server_log):
    for bad in ("has space", "a" * 129, "semi;colon", "quote\"d", "<script>", "é"):
        r = requests.get(h.url("/healthz"), headers={"X-Request-Id": bad.encode("utf-8")}, timeout=10)
        rid = r.headers.get("X-Request-Id")
        assert rid and rid != bad and REQUEST_ID_RE.match(rid), (bad, rid)
        found = server_log(lambda l: l.get("request_id") == rid and "status" in l)
        assert len(found) == 1 and found[0]["client_request_id"] is None, found


def test_preflight_allowed_origin(h):
    r = requests.options(h.url("/v1/icbs"), headers={
        "Origin": CORS_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, if-match"}, timeout=10)
    assert r.status_code == 204, (r.status_code, r.text[:200])
    assert r.headers.get("Access-Control-Allow-Origin") == CORS_ORIGIN
    methods = {m.strip().upper() for m in r.headers.get("Access-Control-Allow-Methods", "").split(",")}
    assert {"GET", "POST"} <= methods, methods
    allowed = {x.strip().lower() for x in r.headers.get("Access-Control-Allow-Headers", "").split(",")}
    assert {"authorization", "content-type", "if-match", "idempotency-key", "x-request-id"} <= allowed, allowed
    assert r.headers.get("Access-Control-Max-Age") == "600"
    assert "origin" in r.headers.get("Vary", "").lower()


def test_preflight_on_single_resource_lists_its_methods(h):
    r = requests.options(h.url("/v1/schools/100000"), headers={
        "Origin": CORS_ORIGIN, "Access-Control-Request-Method": "PATCH"}, timeout=10)
    assert r.status_code == 204
    methods = {m.strip().upper() for m in r.headers.get("Access-Control-Allow-Methods", "").split(",")}
    assert {"GET", "PUT", "PATCH", "DELETE"} <= methods, methods


def test_cors_headers_on_get(h):
    r = h.get("/v1/icbs/QK1", headers={"Origin": CORS_ORIGIN})
    assert r.status_code == 200
    assert r.headers.get("Access-Control-Allow-Origin") == CORS_ORIGIN
    assert "origin" in r.headers.get("Vary", "").lower()
    exposed = {x.strip().lower() for x in r.headers.get("Access-Control-Expose-Headers", "").split(",")}
    assert {"etag", "link", "location", "x-request-id"} <= exposed, exposed


def test_cors_headers_on_errors(h):
    # A browser app can only read a 401's body when the CORS headers are on it too.
    r = h.get("/v1/icbs", auth=False, headers={"Origin": CORS_ORIGIN})
    assert r.status_code == 401
    assert r.headers.get("Access-Control-Allow-Origin") == CORS_ORIGIN


def test_unlisted_origin_gets_no_cors(h):
    r = h.get("/v1/icbs/QK1", headers={"Origin": EVIL})
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers
    r = requests.options(h.url("/v1/icbs"), headers={
        "Origin": EVIL, "Access-Control-Request-Method": "POST"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in r.headers
    assert "Access-Control-Allow-Methods" not in r.headers
    assert r.status_code < 500
    # Prefix tricks are not a match.
    r = h.get("/v1/icbs/QK1", headers={"Origin": CORS_ORIGIN + ".evil.test"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_no_origin_no_cors(h):
    r = h.get("/v1/icbs/QK1")
    assert "Access-Control-Allow-Origin" not in r.headers
