"""One JSON log line per request on stderr, with the route template, and never the token."""

import records
from harness import rand_word

KEYS = {"time", "method", "route", "status", "duration_us", "request_id", "client_request_id", "role", "org"}


def test_request_log_line(h, parent, server_log):
    rec = records.create(h, "school", parent)
    rid = "logtest-" + rand_word(10)
    tok = h.token("school", str(rec["urn"]))
    r = h.get(f"/v1/schools/{rec['urn']}", token=tok, headers={"X-Request-Id": rid})
    assert r.status_code == 200
    found = server_log(lambda l: l.get("client_request_id") == rid and "status" in l)
    assert len(found) == 1, f"expected one request line for {rid}, got {found}"
    line = found[0]
    assert KEYS <= set(line), f"missing {KEYS - set(line)} in {line}"
    assert line["request_id"] == r.headers["X-Request-Id"] != rid  # the server's own id
    assert line["method"] == "GET"
    assert line["route"] in ("/v1/schools/{urn}", "/v1/schools/:urn"), line["route"]
    assert line["status"] == 200
    assert isinstance(line["duration_us"], int) and line["duration_us"] >= 0
    assert line["role"] == "school" and line["org"] == str(rec["urn"])
    assert tok not in h.server.stderr_text()


def test_log_lines_for_errors_and_anonymous(h, server_log):
    rid = "logtest-" + rand_word(10)
    r = h.get("/v1/icbs", auth=False, headers={"X-Request-Id": rid})
    assert r.status_code == 401
    found = server_log(lambda l: l.get("client_request_id") == rid and "status" in l)
    assert len(found) == 1, found
    assert found[0]["status"] == 401 and found[0]["route"] == "/v1/icbs"
    assert found[0].get("role") in (None, "") and found[0].get("org") in (None, "")

    rid = "logtest-" + rand_word(10)
    h.get("/v1/icbs/00X", role="evaluator", headers={"X-Request-Id": rid})
    found = server_log(lambda l: l.get("client_request_id") == rid and "status" in l)
    assert len(found) == 1 and found[0]["status"] == 404, found
    assert found[0]["route"] in ("/v1/icbs/{code}", "/v1/icbs/:code")
    assert found[0]["role"] == "evaluator" and found[0]["org"] in (None, "")

    rid = "logtest-" + rand_word(10)
    h.get("/v1/no/such/thing", headers={"X-Request-Id": rid})
    found = server_log(lambda l: l.get("client_request_id") == rid and "status" in l)
    assert len(found) == 1 and found[0]["status"] == 404, found


def test_generated_request_id_is_logged(h, server_log):
    r = h.get("/v1/icbs/QK1")
    rid = r.headers["X-Request-Id"]
    found = server_log(lambda l: l.get("request_id") == rid and "status" in l)
    assert len(found) == 1, found


def test_every_stderr_line_is_json_and_no_token_leaks(h, server_log):
    h.get("/v1/icbs", token=h.token("icb", "QK1"))
    h.get("/v1/icbs", token="not.a.jwt")
    lines = server_log.lines()
    assert lines
    bad = [l for l in lines if "__unparsable__" in l]
    assert not bad, bad[:3]
    text = h.server.stderr_text()
    non_json = [l for l in text.splitlines() if l.strip() and not l.lstrip().startswith("{")]
    assert not non_json, f"non-JSON stderr lines: {non_json[:5]}"
    for tok in list(h.minted_tokens):
        assert tok not in text, "a token was logged"
        sig = tok.split(".")[2]
        assert not sig or sig not in text, "a token signature was logged"
    assert "not.a.jwt" not in text
