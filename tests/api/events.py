"""Shared helpers for the self-assessment and event-stream tests (issue 4): fresh projects with
enrolled schools, the default template's items, building response sets with known domain means,
reading the outbox, reading Kafka as an independent client (python3-confluent-kafka), validating
envelopes against api/events/, and driving the broker and relays.

Isolation: each test builds its own `Setting` (a fresh ICB, one fresh LA that is a partner of a
fresh project, fresh schools enrolled in it), so its assessments, outbox rows and Kafka messages are
its own (found by project id or assessment id). Fresh LAs take codes 214-299 (none exist in the
reference data; records.py uses 9?? and projects.py 000-199).
"""

from __future__ import annotations

import json
import random
import signal
import time
import uuid
from dataclasses import dataclass, field

from jsonschema import Draft202012Validator

import records
from harness import REPO_ROOT, _unique, assert_problem, error_pointers, new_ons, rand_word

TOPIC = "pins.self-assessments"
TYPE = "uk.gov.pins.self_assessment.completed.v1"
SOURCE = "/pins-hub"
ASSESSMENTS = "/v1/self-assessments"
TEMPLATES = "/v1/self-assessment-templates"
EVENTS = "/v1/events"
RELAY_LOCK_KEY = 7061627

SCHEMA_PATH = REPO_ROOT / "api" / "events" / "self_assessment_completed.v1.schema.json"

DOMAINS = ("leadership_culture_values", "mental_health", "readiness_to_learn", "teaching_and_learning",
           "environment", "communication")

TEMPLATE_V1 = json.loads((REPO_ROOT / "data" / "reference" / "self_assessment_template_v1.json")
                         .read_text(encoding="utf-8"))
ITEMS: dict[str, list[str]] = {d["key"]: [i["key"] for i in d["items"]] for d in TEMPLATE_V1["domains"]}
ALL_ITEMS: list[str] = [k for d in TEMPLATE_V1["domains"] for k in ITEMS[d["key"]]]
MENU_ITEMS = json.loads((REPO_ROOT / "data" / "reference" / "menu_items.json").read_text(encoding="utf-8"))

# ---------------------------------------------------------------------------------------------
# Who is calling
# ---------------------------------------------------------------------------------------------

NATIONAL = {"role": "national"}
EVALUATOR = {"role": "evaluator"}


def as_icb(code):
    return {"role": "icb", "org": code}


def as_la(code):
    return {"role": "local_authority", "org": code}


def as_pcf(code):
    return {"role": "pcf", "org": code}


def as_school(urn):
    return {"role": "school", "org": str(urn)}


def expect(r, status):
    assert r.status_code == status, (f"{r.request.method} {r.request.url}: expected {status}, got "
                                     f"{r.status_code}: {r.text[:800]}")
    return r.json() if r.content else None


def problem(r, status, pointers=None, exact=False):
    """Asserts a problem with `status`; for a 422 with `pointers`, asserts they are all among the
    errors' pointers (exact=True: that they are exactly the pointers). Returns the body."""
    slug = {400: None, 403: "forbidden", 404: "not-found", 409: "conflict", 422: "validation"}.get(status)
    body = assert_problem(r, status, slug)
    if pointers is not None:
        got = error_pointers(body)
        if exact:
            assert got == set(pointers), (f"pointers differ: missing {sorted(set(pointers) - got)}, "
                                          f"unexpected {sorted(got - set(pointers))}")
        else:
            missing = set(pointers) - got
            assert not missing, f"pointers {sorted(missing)} missing from {body['errors']}"
    return body


# ---------------------------------------------------------------------------------------------
# A project with enrolled schools
# ---------------------------------------------------------------------------------------------


def new_la_code() -> str:
    return _unique(lambda: str(random.randint(214, 299)))


def new_la(h, icb: str) -> str:
    """A fresh LA in `icb` (built here, not with records.la, which would use up a 9?? code)."""
    rec = {"code": new_la_code(), "ons_code": new_ons("E99", 6), "name": f"Test LA {rand_word()}",
           "icb_code": icb}
    expect(h.post("/v1/local-authorities", json=rec), 201)
    return rec["code"]


@dataclass
class Setting:
    """A fresh ICB and LA; `projects` fresh projects of that ICB (financial years two apart, so
    each may be "new") with the LA as a partner; schools of the LA enrolled in them."""
    h: object = field(repr=False)
    icb: str
    la: str
    projects: list[str]
    schools: dict[str, list[int]]           # project id -> URNs enrolled in it

    @property
    def pid(self) -> str:
        return self.projects[0]

    @property
    def urns(self) -> list[int]:
        return self.schools[self.projects[0]]

    @property
    def urn(self) -> int:
        return self.urns[0]

    def new_school(self, enrol_in: str | None = None) -> int:
        urn = records.create(self.h, "school", {"la": self.la})["urn"]
        if enrol_in:
            enrol(self.h, enrol_in, urn)
            self.schools[enrol_in].append(urn)
        return urn


def import_schools(h, la: str, n: int) -> list[int]:
    recs = [records.school({"la": la}) for _ in range(n)]
    for i in range(0, n, 500):
        r = h.post("/v1/schools/import", json=recs[i:i + 500])
        assert r.status_code == 200 and r.json()["created"] == len(recs[i:i + 500]), r.text[:500]
    return [rec["urn"] for rec in recs]


def enrol(h, pid: str, urn: int):
    expect(h.post(f"/v1/projects/{pid}/schools",
                  json={"urn": urn, "cohort": "new", "selection_reason": "High need"}), 201)


def new_setting(h, schools_per_project: int = 1, projects: int = 1) -> Setting:
    icb = records.create(h, "icb")["code"]
    la = new_la(h, icb)
    start = random.randint(2030, 2090 - 2 * projects)
    pids, enrolled = [], {}
    urns = import_schools(h, la, schools_per_project * projects) if schools_per_project else []
    for k in range(projects):
        y = start + 2 * k
        doc = expect(h.post("/v1/projects", json={"icb_code": icb, "financial_year": f"{y}-{(y + 1) % 100:02d}",
                                                  "kind": "new", "allocation_pence": 10_000_000}), 201)
        pid = doc["id"]
        expect(h.post(f"/v1/projects/{pid}/partners",
                      json={"org_type": "local_authority", "org_code": la}), 201)
        mine = urns[k * schools_per_project:(k + 1) * schools_per_project]
        for urn in mine:
            enrol(h, pid, urn)
        pids.append(pid)
        enrolled[pid] = list(mine)
    return Setting(h=h, icb=icb, la=la, projects=pids, schools=enrolled)


# ---------------------------------------------------------------------------------------------
# Assessments
# ---------------------------------------------------------------------------------------------


def responses(values: dict[str, list[int]] | int = 3) -> dict[str, int]:
    """Every item of template v1 answered: `values` is one value for every item, or per domain the
    values of its items in order (a domain left out gets 3s)."""
    if isinstance(values, int):
        return {k: values for k in ALL_ITEMS}
    out = {}
    for d in DOMAINS:
        vals = values.get(d, [3] * len(ITEMS[d]))
        assert len(vals) == len(ITEMS[d]), d
        out.update(zip(ITEMS[d], vals))
    return out


def create(h, pid, urn, kind="baseline", who=None, template_version=1):
    """POST /v1/self-assessments (as the school by default); asserts 201 + Location."""
    who = who or as_school(urn)
    r = h.post(ASSESSMENTS, json={"project_id": pid, "urn": urn, "kind": kind,
                                  "template_version": template_version}, **who)
    doc = expect(r, 201)
    assert r.headers.get("Location") == f"{ASSESSMENTS}/{doc['id']}", r.headers
    return doc


def patch(h, aid, body, who, status=200):
    return expect(h.patch(f"{ASSESSMENTS}/{aid}", json=body, **who), status)


def complete(h, aid, who, status=200):
    return expect(h.post(f"{ASSESSMENTS}/{aid}/complete", **who), status)


def get(h, aid, who=NATIONAL):
    return expect(h.get(f"{ASSESSMENTS}/{aid}", **who), 200)


def completed(h, pid, urn, kind="baseline", values=3, who=None):
    """A draft made, answered and completed; returns the completed record."""
    who = who or as_school(urn)
    doc = create(h, pid, urn, kind, who=who)
    patch(h, doc["id"], {"responses": responses(values)}, who)
    return complete(h, doc["id"], who)


def walk(h, url, who=NATIONAL, limit=None, params=None) -> list[dict]:
    """Every item of a paginated list, following next_cursor."""
    items, cursor = [], None
    for _ in range(10000):
        q = dict(params or {})
        if limit:
            q["limit"] = limit
        if cursor:
            q["cursor"] = cursor
        body = expect(h.get(url, params=q, **who), 200)
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items
    raise AssertionError(f"{url}: more than 10000 pages")


def feed(h, who=EVALUATOR, limit=500, params=None, cursor_param="after", after=None) -> tuple[list[dict], str]:
    """Every event of GET /v1/events after `after`, page by page, polling until a page is empty.
    Returns the events and the cursor to poll with next. Checks the feed's cursor rules on the way:
    next_cursor is never null once an event was returned, and an empty page echoes the cursor."""
    items, cursor = [], after
    for _ in range(10000):
        q = dict(params or {}, limit=limit)
        if cursor:
            q[cursor_param] = cursor
        body = expect(h.get(EVENTS, params=q, **who), 200)
        if not body["items"]:
            assert body["next_cursor"] == cursor, f"an empty page does not echo the cursor: {body}"
            return items, cursor
        assert body["next_cursor"], f"no next_cursor on a page with events: {body['next_cursor']!r}"
        items += body["items"]
        cursor = body["next_cursor"]
    raise AssertionError(f"{EVENTS}: more than 10000 pages")


# ---------------------------------------------------------------------------------------------
# Envelopes, the outbox and Kafka
# ---------------------------------------------------------------------------------------------

_validator = None


def validator() -> Draft202012Validator:
    global _validator
    if _validator is None:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        _validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return _validator


def check_envelope(env: dict):
    """Asserts `env` validates against api/events/self_assessment_completed.v1.schema.json and
    hangs together (subject names data's record)."""
    errs = sorted(validator().iter_errors(env), key=lambda e: list(e.absolute_path))
    assert not errs, "event does not validate against the schema:\n" + "\n".join(
        f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errs[:10]) + \
        f"\nevent: {json.dumps(env)[:1500]}"
    assert env["subject"] == f"{ASSESSMENTS}/{env['data']['id']}", env["subject"]


def outbox_rows(h, where: str, params=()) -> list[dict]:
    """Outbox rows (seq, tx, id, topic, key, type, envelope parsed, published_at) matching a SQL
    condition, in seq order."""
    with h.db() as conn:
        cur = conn.execute("SELECT seq, id::text, topic, key, type, envelope, published_at FROM outbox"
                           f" WHERE {where} ORDER BY seq", params)
        cols = [c.name for c in cur.description]
        out = []
        for row in cur.fetchall():
            d = dict(zip(cols, row))
            d["envelope"] = json.loads(d["envelope"])
            out.append(d)
        return out


def rows_for_assessment(h, aid) -> list[dict]:
    return outbox_rows(h, "envelope::json->>'subject' = %s", (f"{ASSESSMENTS}/{aid}",))


def rows_for_project(h, pid) -> list[dict]:
    return outbox_rows(h, "key = %s", (pid,))


@dataclass
class Message:
    value: dict
    key: str | None
    headers: dict[str, str]
    partition: int
    offset: int
    raw: bytes = field(repr=False, default=b"")

    @property
    def ce_id(self) -> str | None:
        return self.headers.get("ce_id")


def consume(h, topic=TOPIC, match=lambda m: True, n=1, timeout=30.0) -> list[Message]:
    """Reads `topic` from the beginning with a fresh consumer (its own group id,
    auto.offset.reset=earliest) until at least `n` messages satisfying `match` have arrived and
    every partition has been read to its end, or until `timeout` seconds have passed. Returns the
    matching messages in (partition, offset) order of arrival; the caller asserts on the count."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

    c = Consumer({
        "bootstrap.servers": h.kafka_brokers,
        "group.id": "pins-api-test-" + uuid.uuid4().hex,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "fetch.wait.max.ms": 100,
        "log_level": 3,
    })
    found: list[Message] = []
    try:
        md = c.list_topics(topic, timeout=10)
        parts = sorted(md.topics[topic].partitions)
        assert parts, f"topic {topic} has no partitions"
        # assign() (not subscribe()) spares the group join; the group id is still our own.
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
        at_end: set[int] = set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = c.poll(0.1)
            if m is None:
                continue
            err = m.error()
            if err is not None:
                if err.code() == KafkaError._PARTITION_EOF:
                    at_end.add(m.partition())
                    if len(found) >= n and at_end >= set(parts):
                        break
                    continue
                raise AssertionError(f"consumer error on {topic}: {err}")
            at_end.discard(m.partition())
            raw = m.value()
            try:
                value = json.loads(raw)
            except ValueError:
                value = {"__unparsable__": raw[:200]}
            msg = Message(value=value, key=m.key().decode() if m.key() is not None else None,
                          headers={k: (v.decode() if v is not None else None)
                                   for k, v in (m.headers() or [])},
                          partition=m.partition(), offset=m.offset(), raw=raw)
            if match(msg):
                found.append(msg)
    finally:
        c.close()
    return found


def for_subject(*aids):
    subjects = {f"{ASSESSMENTS}/{a}" for a in aids}
    return lambda m: m.value.get("subject") in subjects


def for_key(*pids):
    keys = set(pids)
    return lambda m: m.key in keys


def check_message(m: Message):
    """One Kafka message of ours: CloudEvents structured mode, key = project id, ce_id = id."""
    check_envelope(m.value)
    assert m.headers.get("ce_id") == m.value["id"], (m.headers, m.value["id"])
    assert m.headers.get("content-type") == "application/cloudevents+json", m.headers
    assert m.key == m.value["data"]["project_id"], (m.key, m.value["data"]["project_id"])


# ---------------------------------------------------------------------------------------------
# The broker and the relays
# ---------------------------------------------------------------------------------------------


def _broker_lines(h, word) -> int:
    try:
        text = h.broker_stderr.read_text(errors="replace")
    except OSError:
        return 0
    return sum(1 for line in text.splitlines() if line.rstrip().endswith(word))


def _broker_signal(h, sig, word, timeout=10.0):
    before = _broker_lines(h, word)
    h.broker_proc.send_signal(sig)
    deadline = time.monotonic() + timeout
    while _broker_lines(h, word) <= before:
        assert time.monotonic() < deadline, f"pins-dev-kafka logged no '{word}' line within {timeout}s"
        time.sleep(0.02)


def kafka_down(h):
    """SIGUSR1: every broker down; returns once pins-dev-kafka said so."""
    _broker_signal(h, signal.SIGUSR1, "down")


def kafka_up(h):
    _broker_signal(h, signal.SIGUSR2, "up")


def log_lines(proc) -> list[dict]:
    out = []
    for raw in proc.stderr_text().splitlines():
        raw = raw.strip()
        if raw.startswith("{"):
            try:
                out.append(json.loads(raw))
            except ValueError:
                out.append({"msg": raw})
        elif raw:
            out.append({"msg": raw})
    return out


def active_count(proc) -> int:
    """How often this relay has said it holds the outbox lock."""
    return sum(1 for line in log_lines(proc) if "active (holds the outbox lock)" in str(line.get("msg", "")))


def wait_active(proc, before=0, timeout=10.0) -> float:
    """Waits until `proc` logs its (before+1)-th "active" line; returns the seconds it took."""
    t0 = time.monotonic()
    while active_count(proc) <= before:
        assert proc.proc.poll() is None, f"{proc.name} exited {proc.proc.returncode}: {proc.stderr_text()[-2000:]}"
        assert time.monotonic() - t0 < timeout, \
            f"{proc.name} did not take the outbox lock within {timeout}s; stderr:\n{proc.stderr_text()[-2000:]}"
        time.sleep(0.02)
    return time.monotonic() - t0


def wait_published(h, where: str, params=(), timeout=30.0):
    """Waits until no outbox row matching `where` is unpublished."""
    deadline = time.monotonic() + timeout
    while True:
        with h.db() as conn:
            left = conn.execute(f"SELECT count(*) FROM outbox WHERE published_at IS NULL AND ({where})",
                                params).fetchone()[0]
        if left == 0:
            return
        assert time.monotonic() < deadline, f"{left} outbox rows still unpublished after {timeout}s"
        time.sleep(0.1)
