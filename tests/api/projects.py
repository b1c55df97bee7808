"""Shared helpers for the project tests (issue 3): fresh areas to run projects in, financial years
that no other test uses, and one call per project route that asserts success.

Isolation: each test builds its own `Area` (a fresh ICB with fresh LAs, forums and schools made
through the national reference-data API), so any financial year is free in it. Fresh LAs take codes
000-199 (none exist in the reference data; records.py uses 9??), so they do not exhaust the 9??
range other modules draw from. Tests that need seed organisations (Essex 881 reaching QJG and QM7
through la_icb_splits.csv) reserve years with `reserve_years`, which hands out blocks no other test
in the session touches.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

import records
from harness import _unique, assert_problem, error_pointers, rand_word

PROJECTS = "/v1/projects"

# ---------------------------------------------------------------------------------------------
# Financial years
# ---------------------------------------------------------------------------------------------


def fy(start: int) -> str:
    """2045 -> "2045-46"."""
    return f"{start}-{(start + 1) % 100:02d}"


def rand_start() -> int:
    return random.randint(2030, 2090)


_reserved: dict[str, set[int]] = {}
_reserved_lock = threading.Lock()


def reserve_years(icbs, count: int = 1) -> list[str]:
    """`count` consecutive financial years that no other test of this session uses for any of
    `icbs` (seed ICBs shared between tests). The year before the first and the year after the last
    are kept free too, so that a "new" project is never refused for a neighbour's project and a
    neighbour's "new" project is never refused for ours."""
    for _ in range(1000):
        start = random.randint(2010, 2096 - count)
        block = set(range(start - 1, start + count + 1))
        with _reserved_lock:
            if all(not (_reserved.setdefault(i, set()) & block) for i in icbs):
                for i in icbs:
                    _reserved[i] |= block
                return [fy(start + k) for k in range(count)]
    raise RuntimeError(f"no free financial years left for {icbs}")


# ---------------------------------------------------------------------------------------------
# Fresh reference data
# ---------------------------------------------------------------------------------------------


def new_project_la_code() -> str:
    # 001-199: "000" stays unknown, the code tests use for a local authority that does not exist
    return _unique(lambda: f"{random.randint(1, 199):03d}")


@dataclass
class Area:
    """A fresh ICB with fresh LAs (each with one parent carer forum)."""
    icb: str
    las: list[str]
    pcfs: dict[str, str]                      # la_code -> forum id
    h: object = field(repr=False, default=None)

    @property
    def la(self) -> str:
        return self.las[0]

    @property
    def pcf(self) -> str:
        return self.pcfs[self.las[0]]

    def school(self, la: str | None = None, **over) -> int:
        """A fresh open mainstream primary school (unless `over` says otherwise); returns its URN."""
        return new_school(self.h, la or self.la, **over)

    def schools(self, n: int, la: str | None = None, **over) -> list[int]:
        return new_schools(self.h, n, la or self.la, **over)


def new_area(h, n_las: int = 1, icb: str | None = None) -> Area:
    """A fresh ICB (or the given one) with `n_las` fresh LAs in it, each with a forum."""
    if icb is None:
        icb = records.create(h, "icb")["code"]
    las, pcfs = [], {}
    for _ in range(n_las):
        la = records.create(h, "local_authority", {"icb": icb}, code=new_project_la_code())["code"]
        las.append(la)
        pcfs[la] = new_pcf(h, la)
    return Area(icb=icb, las=las, pcfs=pcfs, h=h)


def new_pcf(h, la: str) -> str:
    return records.create(h, "parent_carer_forum", {"la": la})["id"]


def new_school(h, la: str, **over) -> int:
    return records.create(h, "school", {"la": la}, **over)["urn"]


def new_schools(h, n: int, la: str, **over) -> list[int]:
    """n fresh schools in one import request."""
    recs = [records.school({"la": la}, **over) for _ in range(n)]
    r = h.post("/v1/schools/import", json=recs)
    assert r.status_code == 200 and r.json()["created"] == n, r.text[:500]
    return [rec["urn"] for rec in recs]


# ---------------------------------------------------------------------------------------------
# Tokens: who is calling
# ---------------------------------------------------------------------------------------------

NATIONAL = {"role": "national"}


def as_icb(code):
    return {"role": "icb", "org": code}


def as_la(code):
    return {"role": "local_authority", "org": code}


def as_pcf(code):
    return {"role": "pcf", "org": code}


def as_school(urn):
    return {"role": "school", "org": str(urn)}


EVALUATOR = {"role": "evaluator"}

# ---------------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------------


def path(pid, tail=""):
    return f"{PROJECTS}/{pid}{tail}"


def expect(r, status):
    assert r.status_code == status, (f"{r.request.method} {r.request.url}: expected {status}, got "
                                     f"{r.status_code}: {r.text[:800]}")
    return r.json() if r.content else None


def create_project(h, icb, year, kind="new", allocation=10_000_000, who=NATIONAL, **kw):
    r = h.post(PROJECTS, json={"icb_code": icb, "financial_year": year, "kind": kind,
                               "allocation_pence": allocation}, **who, **kw)
    doc = expect(r, 201)
    assert r.headers.get("Location") == path(doc["id"]), r.headers
    return doc


def get_project(h, pid, who=NATIONAL):
    return expect(h.get(path(pid), **who), 200)


def add_partner(h, pid, org_type, org_code, who=NATIONAL):
    r = h.post(path(pid, "/partners"), json={"org_type": org_type, "org_code": org_code}, **who)
    doc = expect(r, 201)
    assert r.headers.get("Location") == path(pid, f"/partners/{org_type}/{org_code}"), r.headers
    return doc


def add_member(h, pid, org_type, org_code, role_title=None, who=NATIONAL):
    r = h.post(path(pid, "/governance-members"),
               json={"org_type": org_type, "org_code": org_code,
                     "role_title": role_title or f"Member for {org_code}"}, **who)
    return expect(r, 201)


def plan_body(funding=(600_000, 400_000), menu_items=("OT-SENSORY-AUDIT", "SLT-COACHING"),
              **over) -> dict:
    body = {
        "commissioning_priorities": [
            {"domains": ["environment", "communication"], "menu_items": list(menu_items),
             "description": "Sensory and communication-friendly classrooms"},
            {"domains": ["mental_health"], "menu_items": ["MH-WELLBEING-WHOLE-SCHOOL"]},
        ],
        "commissioning_approach": "Jointly commissioned through the ICB's community provider.",
        "builds_on_local_offers": True,
        "funding_lines": [{"purpose": f"Line {i + 1}", "amount_pence": a}
                          for i, a in enumerate(funding)],
    }
    body.update(over)
    return body


def put_plan(h, pid, body=None, who=NATIONAL):
    return expect(h.put(path(pid, "/delivery-plan"), json=body or plan_body(), **who), 200)


def sign(h, pid, who):
    return expect(h.post(path(pid, "/delivery-plan/sign-offs"), **who), 201)


def step(h, pid, name, body=None, who=NATIONAL, status=200):
    """POST .../{name} (delivery-plan/submit, delivery-plan/approve, mou, ...)."""
    r = h.post(path(pid, "/" + name), json=body, **who) if body is not None \
        else h.post(path(pid, "/" + name), **who)
    return expect(r, status)


def enrol(h, pid, urn, cohort="new", who=NATIONAL, reason=None):
    r = h.post(path(pid, "/schools"), json={"urn": urn, "cohort": cohort,
                                            "selection_reason": reason or "High need"}, **who)
    doc = expect(r, 201)
    assert r.headers.get("Location") == path(pid, f"/schools/{urn}"), r.headers
    return doc


def withdraw(h, pid, urn, reason="Left the programme", who=NATIONAL):
    return h.delete(path(pid, f"/schools/{urn}"), json={"reason": reason}, **who)


def walk(h, url, who=NATIONAL, limit=None, params=None) -> list[dict]:
    """Every item of a paginated list, following next_cursor (a feed, whose cursor never ends,
    stops at its first empty page)."""
    items, cursor = [], None
    for _ in range(1000):
        q = dict(params or {})
        if limit:
            q["limit"] = limit
        if cursor:
            q["cursor"] = cursor
        body = expect(h.get(url, params=q, **who), 200)
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor or not body["items"]:
            return items
    raise AssertionError(f"{url}: more than 1000 pages")


def history(h, pid, who=NATIONAL, limit=None) -> list[dict]:
    return walk(h, path(pid, "/history"), who=who, limit=limit)


def visible_ids(h, who, **params) -> set[str]:
    return {p["id"] for p in walk(h, PROJECTS, who=who, limit=500, params=params)}


def problem(r, status, pointers=None):
    """Asserts a problem with `status`; for a 422 with `pointers`, asserts they are all among the
    errors' pointers. Returns the body."""
    slug = {403: "forbidden", 404: "not-found", 409: "conflict", 422: "validation"}.get(status)
    body = assert_problem(r, status, slug)
    if pointers:
        got = error_pointers(body)
        missing = set(pointers) - got
        assert not missing, f"pointers {sorted(missing)} missing from {body['errors']}"
    return body


def answer(r) -> tuple:
    """What a response says, for comparing two answers: status, media type and body, without
    the request ids that differ between any two requests."""
    ctype = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
    body = r.json() if r.content else None
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in ("request_id", "client_request_id")}
    return r.status_code, ctype, body


def details(body, pointer) -> list[str]:
    return [e["detail"] for e in body.get("errors", []) if e["pointer"] == pointer]


# ---------------------------------------------------------------------------------------------
# Whole set-ups
# ---------------------------------------------------------------------------------------------


@dataclass
class Ready:
    """A project with a complete partnership, governance group, plan and every sign-off."""
    id: str
    area: Area
    year: str
    doc: dict
    schools: list[int]


def partnership(h, pid, area: Area, who=NATIONAL, las=None):
    """Every LA of `las` (default all of the area's) and their forums as partners; the ICB, the LAs
    and the forums in the governance group."""
    las = area.las if las is None else las
    for la in las:
        add_partner(h, pid, "local_authority", la, who=who)
        add_partner(h, pid, "pcf", area.pcfs[la], who=who)
    add_member(h, pid, "icb", area.icb, "Senior responsible owner", who=who)
    for la in las:
        add_member(h, pid, "local_authority", la, "SEND lead", who=who)
        add_member(h, pid, "pcf", area.pcfs[la], "Parent carer representative", who=who)


def sign_all(h, pid, area: Area, las=None):
    las = area.las if las is None else las
    plan = sign(h, pid, as_icb(area.icb))
    for la in las:
        plan = sign(h, pid, as_la(la))
        plan = sign(h, pid, as_pcf(area.pcfs[la]))
    return plan


def ready_project(h, area: Area | None = None, year=None, kind="new", allocation=10_000_000,
                  n_schools=1) -> Ready:
    """A project ready to submit: partnership, governance, a plan signed by everyone and
    `n_schools` new schools enrolled in the first LA."""
    area = area or new_area(h)
    year = year or fy(rand_start())
    doc = create_project(h, area.icb, year, kind, allocation)
    pid = doc["id"]
    partnership(h, pid, area)
    put_plan(h, pid)
    schools = area.schools(n_schools) if n_schools > 1 else [area.school() for _ in range(n_schools)]
    for urn in schools:
        enrol(h, pid, urn)
    sign_all(h, pid, area)
    return Ready(pid, area, year, doc, schools)


def submitted_project(h, **kw) -> Ready:
    p = ready_project(h, **kw)
    step(h, p.id, "delivery-plan/submit", who=as_icb(p.area.icb))
    return p


def unique_key(prefix="idem") -> str:
    return f"{prefix}-{rand_word(16)}"

