"""Shared helpers for the school-work tests (issue 4, part 2): interventions, parent carer groups,
engagement meetings and quarterly reports.

Isolation: every test builds its own `Site` (a fresh ICB with fresh LAs, each with a parent carer
forum, and fresh schools, all made through the national reference-data API) and one project in it,
so any financial year is free. The fresh LAs here take codes from 500-799, a range neither the
reference data nor the other helpers use (records.py draws 9??, projects.py 000-199), so this module
never exhausts their ranges; `harness._unique` keeps every code distinct within the session.

Events are read straight from the outbox table (psycopg) by subject, so a test sees only its own
records' events however many other tests have run.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

import records
from harness import _unique, assert_problem, error_pointers
from projects import (EVALUATOR, NATIONAL, as_icb, as_la, as_pcf, as_school, add_partner,  # noqa: F401
                      create_project, enrol, expect, fy, get_project, new_pcf, path, walk)

ENGAGEMENT_MEETINGS = "/v1/engagement-meetings"
SELF_ASSESSMENTS = "/v1/self-assessments"

DOMAINS = ["leadership_culture_values", "mental_health", "readiness_to_learn",
           "teaching_and_learning", "environment", "communication"]

MEETING_COMPLETED = "uk.gov.pins.engagement_meeting.completed.v1"
INTERVENTION_DELIVERED = "uk.gov.pins.intervention.delivered.v1"
REPORT_SUBMITTED = "uk.gov.pins.quarterly_report.submitted.v1"
REPORT_ACCEPTED = "uk.gov.pins.quarterly_report.accepted.v1"
REPORT_RETURNED = "uk.gov.pins.quarterly_report.returned.v1"

# ---------------------------------------------------------------------------------------------
# Fresh areas and projects
# ---------------------------------------------------------------------------------------------


def new_la_code() -> str:
    return _unique(lambda: f"{random.randint(500, 799):03d}")


def future_start() -> int:
    """A financial year far in the future (no report of it is late yet)."""
    return random.randint(2040, 2090)


def past_start() -> int:
    """A financial year well in the past (every quarter's due date has gone)."""
    return random.randint(2005, 2020)


@dataclass
class Site:
    """A project in a fresh ICB: `las` are partner LAs, each with a partner forum (`pcfs`), and
    `schools` are enrolled (cohort new) in the first LA."""
    h: object = field(repr=False)
    icb: str
    las: list[str]
    pcfs: dict[str, str]
    project: dict
    schools: list[int]
    start: int

    @property
    def id(self) -> str:
        return self.project["id"]

    @property
    def year(self) -> str:
        return fy(self.start)

    @property
    def la(self) -> str:
        return self.las[0]

    @property
    def pcf(self) -> str:
        return self.pcfs[self.las[0]]

    def path(self, tail="") -> str:
        return path(self.id, tail)

    def school(self, la: str | None = None, enrolled=False) -> int:
        """A fresh open mainstream primary school in `la` (default the first LA)."""
        urn = records.create(self.h, "school", {"la": la or self.la})["urn"]
        if enrolled:
            enrol(self.h, self.id, urn)
        return urn


def new_site(h, n_schools=2, n_las=1, start=None, allocation=10_000_000, school_las=None) -> Site:
    """A fresh ICB, `n_las` fresh LAs (each with a forum), a project of the financial year starting
    `start` (default random future), every LA and forum a partner, and `n_schools` fresh schools
    enrolled: in the first LA, or one in each LA of `school_las` (list of LA indexes)."""
    icb = records.create(h, "icb")["code"]
    las, pcfs = [], {}
    for _ in range(n_las):
        la = records.create(h, "local_authority", {"icb": icb}, code=new_la_code())["code"]
        las.append(la)
        pcfs[la] = new_pcf(h, la)
    start = start or future_start()
    project = create_project(h, icb, fy(start), allocation=allocation)
    for la in las:
        add_partner(h, project["id"], "local_authority", la)
        add_partner(h, project["id"], "pcf", pcfs[la])
    idx = school_las if school_las is not None else [0] * n_schools
    schools = []
    for i in idx:
        urn = records.create(h, "school", {"la": las[i]})["urn"]
        enrol(h, project["id"], urn)
        schools.append(urn)
    return Site(h=h, icb=icb, las=las, pcfs=pcfs, project=project, schools=schools, start=start)


def other_icb(h) -> str:
    return records.create(h, "icb")["code"]


def funding(h, pid) -> dict:
    return get_project(h, pid)["funding"]


# ---------------------------------------------------------------------------------------------
# Interventions
# ---------------------------------------------------------------------------------------------


def intervention_body(urn, **over) -> dict:
    body = {"urn": urn, "menu_item_code": "OT-SENSORY-AUDIT", "professional_type": "occupational_therapist",
            "delivery_mode": "face_to_face", "planned_days": 3, "cost_pence": 150_000,
            "addresses_domains": ["environment", "readiness_to_learn"], "builds_on_local_offer": True}
    body.update(over)
    return body


def create_intervention(h, pid, urn, who=NATIONAL, **over) -> dict:
    r = h.post(path(pid, "/interventions"), json=intervention_body(urn, **over), **who)
    doc = expect(r, 201)
    assert r.headers.get("Location") == path(pid, f"/interventions/{doc['id']}"), r.headers
    return doc


def intervention_step(h, pid, iid, step, body=None, who=NATIONAL, status=200):
    url = path(pid, f"/interventions/{iid}/{step}")
    r = h.post(url, json=body, **who) if body is not None else h.post(url, **who)
    return expect(r, status) if status < 400 else r


def deliver_body(**over) -> dict:
    body = {"delivered_on": "2041-01-20", "delivered_days": 2,
            "attendance": [{"staff_role": "teaching_assistant", "count": 6},
                           {"staff_role": "class_teacher", "count": 4}]}
    body.update(over)
    return body


# ---------------------------------------------------------------------------------------------
# Parent carer groups and engagement meetings
# ---------------------------------------------------------------------------------------------


def group_path(pid, urn) -> str:
    return path(pid, f"/schools/{urn}/parent-carer-group")


def group_body(pcf_id, **over) -> dict:
    body = {"pcf_id": pcf_id, "formed_on": "2040-09-01", "member_count": 12}
    body.update(over)
    return body


def put_group(h, pid, urn, pcf_id, who=NATIONAL, **over) -> dict:
    return expect(h.put(group_path(pid, urn), json=group_body(pcf_id, **over), **who), 200)


def meeting_body(pid, urn, pcf_id, **over) -> dict:
    body = {"project_id": pid, "urn": urn, "pcf_id": pcf_id, "scheduled_for": "2040-10-14"}
    body.update(over)
    return body


def create_meeting(h, pid, urn, pcf_id, who, **over) -> dict:
    r = h.post(ENGAGEMENT_MEETINGS, json=meeting_body(pid, urn, pcf_id, **over), **who)
    doc = expect(r, 201)
    assert r.headers.get("Location") == f"{ENGAGEMENT_MEETINGS}/{doc['id']}", r.headers
    return doc


def completion_body(**over) -> dict:
    body = {"held_on": "2040-10-14",
            "attendance": {"parent_carers": 9, "senior_leaders": 2, "school_staff": 3, "pcf_representatives": 1},
            "themes": ["Transitions between classes", "Communication with home"],
            "actions": [{"description": "Publish a visual timetable for parents", "owner_role": "school",
                         "due_on": "2040-11-30"},
                        {"description": "Run a drop-in for parent carers", "owner_role": "pcf",
                         "due_on": "2040-12-15"}]}
    body.update(over)
    return body


def meeting_url(mid, tail="") -> str:
    return f"{ENGAGEMENT_MEETINGS}/{mid}{tail}"


def complete_meeting(h, mid, who, **over) -> dict:
    return expect(h.post(meeting_url(mid, "/complete"), json=completion_body(**over), **who), 200)


def meeting_ids(h, who, **params) -> set[str]:
    return {m["id"] for m in walk(h, ENGAGEMENT_MEETINGS, who=who, limit=500, params=params)}


# ---------------------------------------------------------------------------------------------
# Self-assessments (only what the report figures need)
# ---------------------------------------------------------------------------------------------


def complete_baseline(h, pid, urn, who=None) -> dict:
    who = who or as_school(urn)
    r = h.post(SELF_ASSESSMENTS, json={"project_id": pid, "urn": urn, "kind": "baseline",
                                       "template_version": 1}, **who)
    sa = expect(r, 201)
    responses = {f"{d}.{i}": 1 + (k + i) % 4 for k, d in enumerate(DOMAINS) for i in range(1, 5)}
    expect(h.patch(f"{SELF_ASSESSMENTS}/{sa['id']}", json={"responses": responses}, **who), 200)
    return expect(h.post(f"{SELF_ASSESSMENTS}/{sa['id']}/complete", json={}, **who), 200)


# ---------------------------------------------------------------------------------------------
# Quarterly reports
# ---------------------------------------------------------------------------------------------


def quarter(start: int, q: int) -> str:
    return f"{fy(start)}-Q{q}"


def due_on(start: int, q: int, days: int = 15) -> str:
    """The quarter's last day plus `days` (15 never crosses a month end here)."""
    assert days == 15
    return {1: f"{start}-07-15", 2: f"{start}-10-15", 3: f"{start + 1}-01-15",
            4: f"{start + 1}-04-15"}[q]


def reports_path(pid, rid=None, tail="") -> str:
    return path(pid, "/quarterly-reports" + (f"/{rid}" if rid else "") + tail)


def create_report(h, pid, q: str, who=NATIONAL) -> dict:
    r = h.post(reports_path(pid), json={"quarter": q}, **who)
    doc = expect(r, 201)
    assert r.headers.get("Location") == reports_path(pid, doc["id"]), r.headers
    return doc


def get_report(h, pid, rid, who=NATIONAL) -> dict:
    return expect(h.get(reports_path(pid, rid), **who), 200)


def report_step(h, pid, rid, step, body=None, who=NATIONAL):
    url = reports_path(pid, rid, "/" + step)
    return h.post(url, json=body, **who) if body is not None else h.post(url, **who)


# ---------------------------------------------------------------------------------------------
# Events (outbox)
# ---------------------------------------------------------------------------------------------


def outbox_rows(h, subject: str, type_: str | None = None) -> list[dict]:
    """Outbox rows whose envelope subject is `subject` (and type `type_`), in seq order, with the
    envelope parsed."""
    with h.db() as conn:
        rows = conn.execute(
            "SELECT seq, topic, key, type, envelope FROM outbox WHERE envelope::jsonb ->> 'subject' = %s"
            " AND (%s::text IS NULL OR type = %s) ORDER BY seq", (subject, type_, type_)).fetchall()
    return [{"seq": s, "topic": t, "key": k, "type": ty, "envelope": json.loads(e)} for s, t, k, ty, e in rows]


def assert_envelope(row: dict, type_: str, topic: str, key: str, subject: str, data: dict):
    env = row["envelope"]
    assert row["type"] == type_ and row["topic"] == topic and row["key"] == key, row
    assert env["specversion"] == "1.0" and env["source"] == "/pins-hub", env
    assert env["type"] == type_ and env["subject"] == subject, env
    assert env["datacontenttype"] == "application/json", env
    assert env["id"] and env["time"], env
    assert env["data"] == data, f"event data differs from the record:\n{env['data']}\n!=\n{data}"


def feed_events(h, type_: str, subject: str) -> list[dict]:
    """Envelopes of `type_` about `subject` from GET /v1/events, as the evaluator."""
    out = []
    for env in walk(h, "/v1/events", who=EVALUATOR, limit=500, params={"type": type_}):
        if env.get("subject") == subject:
            out.append(env)
    return out


def problem(r, status, pointers=None):
    slug = {403: "forbidden", 404: "not-found", 409: "conflict", 422: "validation"}.get(status)
    body = assert_problem(r, status, slug)
    if pointers:
        got = error_pointers(body)
        missing = set(pointers) - got
        assert not missing, f"pointers {sorted(missing)} missing from {body['errors']}"
    return body
