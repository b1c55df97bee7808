"""A hostile-input pass over every operation in openapi.yaml (issue 11): each operation, as every
role, with hostile path and query values, bodies of the wrong shape and type, and wrong media
types. The server must never answer 5xx, and every error must be RFC 9457 problem+json whose
status is the response's. The operations come from openapi.yaml itself, so a new route is covered
without touching this file.

Path parameters take hostile values and, for project routes, the id of a fresh project of the
caller's own area (so the handlers behind the access check see the hostile bodies too). Nothing
here may change a record another test uses: the only real records named are this module's."""

from __future__ import annotations

import json
import random
import uuid
from urllib.parse import quote

import pytest
import requests

import projects
import spec

ROLES = ("national", "icb", "local_authority", "school", "pcf", "evaluator")

# Path segments (percent-encoded as sent); each must be refused or not found, never a 5xx.
HOSTILE_SEGMENTS = [
    "' OR '1'='1", "1; DROP TABLE projects--", "../../etc/passwd", "%s%n%x", "A" * 300, "-1",
    "99999999999999999999", "0x7fffffff", "été", "null", "{id}", str(uuid.UUID(int=0)), " ",
    "\u202e\u0000",
]
# Query values (percent-encoded as sent).
HOSTILE_QUERY = [
    "' OR 1=1--", "%", "_", "\\", "9" * 40, "-1", "0", "a" * 2000, "2024-02-30", "<script>",
    "\r\nX-Injected: 1", "\u0000", "é" * 101, "[]", "true",
]
# Request bodies: (content type, bytes). None as the type sends no Content-Type.
WRONG_MEDIA = [
    ("text/plain", b'{"a":1}'),
    ("application/xml", b"<a>1</a>"),
    ("application/x-www-form-urlencoded", b"a=1&b=2"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n"),
    ("text/csv", b"URN,Name\n1,x\n"),
    ("application/json; charset=iso-8859-1", b'{"name":"caf\xe9"}'),
    (None, b'{"a":1}'),
]
ODD_JSON = [
    b"", b"[]", b"{}", b"null", b'"x"', b"123", b"{", b'{"a":}', b"[" * 5000 + b"]" * 5000,
    b'{"a":"\\u0000"}', b'{"a":1,"a":2}', b"\xef\xbb\xbf{}", b'{"\xff":1}',
]
# Values for every property of an operation's body schema, cycled: wrong types, extremes, injection.
HOSTILE_VALUES = [
    "x" * 10000, -2**63, 2**63, 1e308, -0.5, [], {}, True, None, "'; DROP TABLE projects;--",
    "2024-02-30", "9" * 30, ["a"] * 1000, {"$gt": ""}, "\u202e\ud7ff\ue000", "",
]


def problem_fault(r: requests.Response) -> str | None:
    """Why r breaks the rule (a 5xx, or an error that is not problem+json of its status)."""
    if r.status_code >= 500:
        return f"{r.status_code}: {r.text[:200]}"
    if r.status_code < 400:
        return None
    ctype = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype != "application/problem+json":
        return f"{r.status_code} with Content-Type {ctype!r}: {r.text[:200]}"
    try:
        body = r.json()
    except ValueError:
        return f"{r.status_code} body is not JSON: {r.text[:200]}"
    if not isinstance(body, dict) or body.get("status") != r.status_code:
        return f"{r.status_code} problem says status {body.get('status') if isinstance(body, dict) else body!r}"
    for k in ("type", "title", "detail"):
        if not isinstance(body.get(k), str):
            return f"{r.status_code} problem has no string {k!r}: {body}"
    return None


def body_schema(op: dict) -> tuple[list[str], dict]:
    """The media types an operation's body may have, and the JSON body's properties (dereferenced)."""
    doc = spec.load()
    rb = spec._deref(doc, op.get("requestBody") or {})
    content = rb.get("content") or {}
    props: dict = {}
    for media, m in content.items():
        if "json" in media:
            sch = spec._deref(doc, m.get("schema") or {})
            for part in [sch] + [spec._deref(doc, s) for s in sch.get("allOf", [])]:
                props.update(part.get("properties") or {})
    return list(content), props


def operations():
    doc = spec.load()
    out = []
    for path, item in sorted(doc["paths"].items()):
        item = spec._deref(doc, item)
        shared = item.get("parameters") or []
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                op = item[method]
                params = [spec._deref(doc, p) for p in shared + (op.get("parameters") or [])]
                out.append((method.upper(), path, op, params))
    return out


OPS = operations() if spec.available() else []


class Caller:
    """One keep-alive session per test; sends as a role with the area's organisations."""

    def __init__(self, h, area, project_id, urn):
        self.h, self.area, self.project_id, self.urn = h, area, project_id, urn
        self.s = requests.Session()
        self.faults: list[str] = []
        self.sent = 0

    def org(self, role):
        return {"icb": self.area.icb, "local_authority": self.area.la, "school": str(self.urn),
                "pcf": self.area.pcf}.get(role)

    def send(self, role, method, url, body=None, ctype=None, what=""):
        headers = {"Authorization": "Bearer " + self.h.token(role, self.org(role))}
        if ctype:
            headers["Content-Type"] = ctype
        try:
            r = self.s.request(method, self.h.base_url + url, data=body, headers=headers, timeout=30)
        except requests.RequestException as e:  # a dropped connection is as bad as a 5xx
            self.faults.append(f"{role} {method} {url[:120]} [{what}]: {e!r}")
            return None
        self.sent += 1
        fault = problem_fault(r)
        if fault:
            self.faults.append(f"{role} {method} {url[:120]} [{what}]: {fault}")
        return r


def fill(path: str, params: list, value_for) -> str:
    out = path
    for p in params:
        if p.get("in") == "path":
            out = out.replace("{" + p["name"] + "}", quote(str(value_for(p["name"])), safe=""))
    return out


@pytest.fixture(scope="module")
def area(h):
    return projects.new_area(h)


@pytest.fixture(scope="module")
def own(h, area):
    """A project of the area (its ICB owns it, its LA and forum are partners, a school enrolled)."""
    pid = projects.create_project(h, area.icb, projects.reserve_years([area.icb])[0])["id"]
    projects.add_partner(h, pid, "local_authority", area.la)
    projects.add_partner(h, pid, "pcf", area.pcf)
    urn = area.school()
    projects.enrol(h, pid, urn)
    return pid, urn


@pytest.mark.parametrize("method,path,op,params", OPS, ids=[f"{m} {p}" for m, p, _, _ in OPS])
def test_hostile_operation(h, area, own, method, path, op, params):
    """Every case once, the callers taking turns: every role calls every operation, and the
    owners (national, the ICB) send the bodies to the real project, where handlers parse them."""
    pid, urn = own
    c = Caller(h, area, pid, urn)
    rnd = random.Random(f"{method} {path}")
    media, props = body_schema(op)
    query_names = [p["name"] for p in params if p.get("in") == "query"] + ["limit", "cursor", "unknown"]

    def real(name):
        return {"id": pid, "urn": urn, "code": area.icb, "org_type": "local_authority",
                "org_code": area.la}.get(name, str(uuid.uuid4()))

    # Paths that name real records: only the project's routes, never DELETE (it would succeed).
    real_path = fill(path, params, real) if path.startswith("/v1/projects/{id}") and method != "DELETE" else None
    none_path = fill(path, params, lambda _n: "zz-none")

    def hostile_body():
        obj = {k: HOSTILE_VALUES[(i + rnd.randrange(len(HOSTILE_VALUES))) % len(HOSTILE_VALUES)]
               for i, k in enumerate(sorted(props))}
        obj["__proto__"] = {"admin": True}
        return json.dumps(obj).encode()

    cases = []  # (url, body, content type, what, owners only)
    if "{" in path:
        cases += [(fill(path, params, lambda _n, s=seg: s), None, None, f"segment {seg!r}"[:60], False)
                  for seg in HOSTILE_SEGMENTS]
    for name in query_names:
        for v in rnd.sample(HOSTILE_QUERY, 4):
            cases.append((f"{real_path or none_path}?{quote(name)}={quote(v, safe='')}", None, None, f"?{name}", False))
    if media:
        for url, owners in ((real_path, True), (none_path, False)):
            if not url:
                continue
            bodies = [(b, t, f"media {t}") for t, b in WRONG_MEDIA]
            bodies += [(b, media[0], f"body {b[:20]!r}") for b in ODD_JSON]
            bodies += [(hostile_body(), media[0], "hostile values") for _ in range(4)]
            if not owners and real_path:
                bodies = rnd.sample(bodies, 6)
            cases += [(url, b, t, what, owners) for b, t, what in bodies]
    else:
        cases.append((real_path or none_path, b'{"a":1}', "application/xml", "unexpected body", False))
    turn = 0
    for url, body, ctype, what, owners in cases:
        role = ("national", "icb")[turn % 2] if owners else ROLES[turn % len(ROLES)]
        turn += 1
        c.send(role, method, url, body, ctype, what=what)
    for role in ROLES[turn:]:  # operations with few cases: every role still calls once
        c.send(role, method, cases[0][0], cases[0][1], cases[0][2], what=cases[0][3])
    assert h.server.proc.poll() is None, "the server died"
    assert not c.faults, f"{len(c.faults)} of {c.sent} answers break the rule:\n" + "\n".join(c.faults[:20])


def test_non_utf8_byte_in_path_every_operation(h):
    """A raw 0xFF byte in a path segment: 4xx problem+json on every operation, never 500."""
    faults = []
    token = h.token("national")
    for method, path, _op, params in OPS:
        target = fill(path, params, lambda _n: "x").replace("/x", "/\xff", 1) if "{" in path else path + "/\xff"
        status, headers, body = h.raw(method, target, {"Authorization": "Bearer " + token})
        ctype = headers.get("content-type", "").split(";")[0]
        ok = 400 <= status < 500 and ctype == "application/problem+json"
        try:
            ok = ok and json.loads(body).get("status") == status
        except ValueError:
            ok = False
        if not ok:
            faults.append(f"{method} {path}: {status} {ctype} {body[:80]!r}")
    assert not faults, "\n".join(faults[:20])


def test_non_utf8_byte_in_query_every_list(h):
    """?name=%FF on every GET with query parameters: 400 problem+json, not a silent 200."""
    faults = []
    for method, path, _op, params in OPS:
        names = [p["name"] for p in params if p.get("in") == "query"]
        if method != "GET" or "{" in path or not names:
            continue
        for name in names:
            r = h.get(f"{path}?{quote(name)}=%FF")
            if r.status_code != 400 or problem_fault(r):
                faults.append(f"GET {path}?{name}=%FF: {r.status_code} {r.text[:80]}")
    assert not faults, "\n".join(faults[:20])


def test_non_utf8_byte_in_method_every_path(h):
    """An unknown method holding a 0xFF byte: 4xx problem+json on every path, never 500."""
    faults = []
    token = h.token("national")
    for path in sorted({fill(p, params, lambda _n: "x") for _m, p, _op, params in OPS}):
        status, headers, body = h.raw("GET\xff", path, {"Authorization": "Bearer " + token})
        ctype = headers.get("content-type", "").split(";")[0]
        try:
            ok = 400 <= status < 500 and ctype == "application/problem+json" and json.loads(body)["status"] == status
        except (ValueError, KeyError):
            ok = False
        if not ok:
            faults.append(f"GET\\xff {path}: {status} {ctype} {body[:80]!r}")
    assert not faults, "\n".join(faults[:20])
