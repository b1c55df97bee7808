#!/usr/bin/python3
"""PINS Hub benchmark data generator (issue 5): a national-scale data set, deterministic by seed,
loaded through the service's own write paths.

What it loads (scale 1; --scale F multiplies every count below except ICBs, LAs, projects and
reports; --scale 10 is the x10 growth mode):

* the 42 ICBs and 153 LAs are already there (`pins-api load-reference-data`); so are the
  parent carer forums pcf-<la_code>;
* 16,800 open-ish primary schools and 3,000 others (secondary, special, PRU, nursery, ...), URNs
  800000 upwards (fictional), through POST /v1/schools/import (JSON, 2,000 rows a request);
* 84 projects: every ICB a "new" project in 2024-25 and a "continuing" one in 2025-26, each with
  its LAs and their forums as partners and governance members, a delivery plan signed by
  everyone, submitted, approved, MoU signed and funded (2024-25 ones closed at the end);
* ~3,300 enrolments (40 new schools a project in 2024-25; 30 new plus 7-12 embedding schools
  from the year before in 2025-26);
* 6,600 completed self-assessments (a baseline for every enrolment, follow-ups for the rest),
  each created, answered (PATCH) and completed;
* 20,000 interventions (planned, commissioned, delivered or cancelled);
* 10,000 engagement meetings (most completed, some cancelled);
* a parent carer group for about 60% of enrolled schools;
* 336 quarterly reports (4 a project; 2024-25 all accepted, 2025-26 Q1-Q2 accepted, Q3
  submitted, Q4 draft).

Every choice is drawn from random.Random(seed) *before* anything is sent, so the content is the
same on every run whatever the thread scheduling; only server-made ids and timestamps differ.
Requests run on --threads threads (keep-alive connections).

Writes into --out: urns.txt (every school URN), la_codes.txt (LAs with schools), projects.txt
(project ids), years.txt, national_tokens.txt, icb_tokens.txt ("ICB token" lines) and
summary.json; prints the summary (counts and seconds per phase) on stdout.

--tiny: 3 ICBs, a few schools per project: the smoke run.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import http.client
import json
import random
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

DOMAINS = ["leadership_culture_values", "mental_health", "readiness_to_learn", "teaching_and_learning",
           "environment", "communication"]
ITEMS_PER_DOMAIN = 4
YEARS = ["2024-25", "2025-26"]

PRIMARY_TYPES = [("Community school", 30), ("Academy converter", 25), ("Academy sponsor led", 10),
                 ("Voluntary aided school", 12), ("Voluntary controlled school", 12), ("Foundation school", 5),
                 ("Free schools", 6)]
PRIMARY_STATUS = [("open", 92), ("open_proposed_to_close", 4), ("closed", 3), ("proposed_to_open", 1)]
# (phase, establishment type, mainstream, weight) for the 3,000 others.
OTHER_KINDS = [("secondary", "Academy converter", True, 30), ("secondary", "Community school", True, 15),
               ("secondary", "Free schools", True, 8), ("nursery", "Local authority nursery school", True, 5),
               ("all_through", "Academy converter", True, 5), ("sixteen_plus", "Further education", False, 4),
               ("middle_deemed_secondary", "Community school", True, 3),
               ("not_applicable", "Community special school", False, 12),
               ("not_applicable", "Academy special converter", False, 8),
               ("not_applicable", "Pupil referral unit", False, 5), ("not_applicable", "Academy alternative provision converter", False, 5)]
OTHER_STATUS = [("open", 90), ("closed", 6), ("open_proposed_to_close", 3), ("proposed_to_open", 1)]

NAME_A = ["Oak", "Ash", "Willow", "Beech", "Holly", "Rowan", "Elm", "Hazel", "Birch", "Cedar", "Maple", "Alder",
          "Linden", "Poplar", "Juniper", "Heather", "Meadow", "Brook", "River", "Hill", "Castle", "Church",
          "Mill", "Bridge", "Park", "Green", "Moor", "Vale", "Field", "Lea", "Ford", "Wood", "Marsh", "Dale",
          "Cliff", "Harbour", "Kings", "Queens", "St Mary's", "St John's", "St Peter's", "All Saints", "Holy Trinity"]
NAME_B = ["Lane", "Road", "Street", "End", "Side", "Gate", "View", "Grove", "Rise", "Bank", "Cross", "Common",
          "Heath", "Hollow", "Furlong", "Croft", "Hurst", "Combe", "Acre", "Crescent"]
STAFF_ROLES = ["teachers", "teaching assistants", "SENCo", "senior leaders", "lunchtime staff"]
THEMES = ["sensory environment", "communication at pick-up", "transitions between lessons", "homework load",
          "visual timetables", "quiet spaces", "after-school clubs", "lunchtime support", "anxiety about school",
          "information for parents", "uniform flexibility", "trips and events"]


def weighted(rng: random.Random, pairs):
    total = sum(p[-1] for p in pairs)
    x = rng.uniform(0, total)
    for p in pairs:
        x -= p[-1]
        if x <= 0:
            return p
    return pairs[-1]


def fy_dates(year: str) -> tuple[dt.date, dt.date]:
    start = int(year[:4])
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def rand_date(rng, a: dt.date, b: dt.date) -> str:
    return (a + dt.timedelta(days=rng.randint(0, (b - a).days))).isoformat()


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------

class ApiError(RuntimeError):
    pass


class Client:
    """Keep-alive HTTP/1.1 connections, one per thread; counts requests."""

    def __init__(self, base: str):
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.local = threading.local()
        self.lock = threading.Lock()
        self.count = 0

    def _conn(self):
        c = getattr(self.local, "conn", None)
        # MHD closes idle connections after 30 s: reconnect before that instead of failing.
        if c is None or time.monotonic() - self.local.used > 20:
            if c is not None:
                c.close()
            c = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self.local.conn = c
        self.local.used = time.monotonic()
        return c

    def call(self, method: str, path: str, token: str, body=None, expect=(200, 201)):
        headers = {"Authorization": "Bearer " + token}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(3):
            conn = self._conn()
            try:
                conn.request(method, path, body=data, headers=headers)
                r = conn.getresponse()
                raw = r.read()
                break
            except (http.client.HTTPException, OSError) as e:
                conn.close()
                self.local.conn = None
                # Only reads are retried: a write may have happened.
                if method != "GET" or attempt == 2:
                    raise ApiError(f"{method} {path}: {e!r}") from e
        with self.lock:
            self.count += 1
        if r.status not in expect:
            raise ApiError(f"{method} {path} -> {r.status}: {raw[:800].decode('utf-8', 'replace')} "
                           f"(body {data[:400] if data else None!r})")
        return json.loads(raw) if raw else None


class Tokens:
    """Tokens from bin/pins-token, minted once per (role, org) and cached."""

    def __init__(self, exe: str, key: str, ttl: int):
        self.exe, self.key, self.ttl = exe, key, ttl
        self.cache: dict = {}
        self.lock = threading.Lock()

    def mint(self, role: str, org: str | None = None, sub: str | None = None) -> str:
        argv = [self.exe, "--role", role, "--key", self.key, "--ttl", str(self.ttl)]
        if org is not None:
            argv += ["--org", org]
        if sub is not None:
            argv += ["--sub", sub]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if p.returncode != 0 or p.stdout.count(".") != 2:
            raise RuntimeError(f"pins-token {argv[1:]}: {p.returncode} {p.stderr[-300:]}")
        return p.stdout.strip()

    def get(self, role: str, org: str | None = None) -> str:
        k = (role, org)
        with self.lock:
            if k in self.cache:
                return self.cache[k]
        tok = self.mint(role, org, sub=f"bench-{role}-{org or 'all'}")
        with self.lock:
            self.cache.setdefault(k, tok)
            return self.cache[k]

    def prefetch(self, pairs, pool):
        list(pool.map(lambda p: self.get(*p), pairs))


# ---------------------------------------------------------------------------------------------
# The plan: every record, decided up front
# ---------------------------------------------------------------------------------------------

def make_params(scale: float, tiny: bool) -> dict:
    if tiny:
        return dict(icbs=3, primary=150, other=30, y1_new=5, y2_new=4, embed=(2, 3), completed_total=None,
                    interventions=72, meetings=36, allocation=30_000_000)
    s = scale
    return dict(icbs=None, primary=round(16_800 * s), other=round(3_000 * s), y1_new=max(1, round(40 * s)),
                y2_new=max(1, round(30 * s)), embed=(max(0, round(7 * s)), max(1, round(12 * s))),
                completed_total=round(6_600 * s), interventions=round(20_000 * s), meetings=round(10_000 * s),
                allocation=round(30_000_000 * max(s, 0.1)))


def plan_everything(rng: random.Random, prm: dict, icbs: list[str], las_of: dict, pcf_of: dict,
                    menu: list[dict]) -> dict:
    # -- schools --------------------------------------------------------------------------
    n_primary, n_other = prm["primary"], prm["other"]
    icb_w = {i: rng.uniform(0.6, 1.4) for i in icbs}
    la_w = {}
    for i in icbs:
        ws = {la: rng.uniform(0.5, 1.5) for la in las_of[i]}
        t = sum(ws.values())
        for la, w in ws.items():
            la_w[la] = icb_w[i] * w / t
    las = sorted(la_w)
    total_w = sum(la_w.values())
    # Largest-remainder split of the counts over LAs.
    def split(n):
        raw = {la: n * la_w[la] / total_w for la in las}
        out = {la: int(raw[la]) for la in las}
        rest = n - sum(out.values())
        for la in sorted(las, key=lambda la: raw[la] - out[la], reverse=True)[:rest]:
            out[la] += 1
        return out
    p_split, o_split = split(n_primary), split(n_other)
    schools = []
    for la in las:
        for _ in range(p_split[la]):
            t = weighted(rng, PRIMARY_TYPES)[0]
            st = weighted(rng, PRIMARY_STATUS)[0]
            phase = "primary" if rng.random() < 0.97 else "middle_deemed_primary"
            suffix = "Academy" if t.startswith("Academy") else rng.choice(["Primary School", "Primary School",
                                                                            "Junior School", "Infant School",
                                                                            "CofE Primary School"])
            schools.append(dict(name=f"{rng.choice(NAME_A)} {rng.choice(NAME_B)} {suffix}", la_code=la,
                                phase=phase, establishment_type=t, is_mainstream=True, status=st))
        for _ in range(o_split[la]):
            phase, t, mainstream, _w = weighted(rng, OTHER_KINDS)
            st = weighted(rng, OTHER_STATUS)[0]
            suffix = {"secondary": "High School", "nursery": "Nursery School", "all_through": "Academy",
                      "sixteen_plus": "College", "middle_deemed_secondary": "Middle School"}.get(phase, "School")
            if "special" in t:
                suffix = "Special School"
            elif "referral" in t or "alternative" in t:
                suffix = "Learning Centre"
            schools.append(dict(name=f"{rng.choice(NAME_A)} {rng.choice(NAME_B)} {suffix}", la_code=la,
                                phase=phase, establishment_type=t, is_mainstream=mainstream, status=st))
    rng.shuffle(schools)
    base = 800000
    if base + len(schools) > 999999:
        base = 100000
    for k, s in enumerate(schools):
        s["urn"] = base + k
        s["valid_from"] = rand_date(rng, dt.date(1990, 9, 1), dt.date(2023, 9, 1))
        if s["status"] == "closed":
            s["valid_to"] = rand_date(rng, dt.date.fromisoformat(s["valid_from"]), dt.date(2024, 3, 31))
        # The key order of a POST body.
        s_keys = ["urn", "name", "la_code", "phase", "establishment_type", "is_mainstream", "status", "valid_from"]
        if "valid_to" in s:
            s_keys.append("valid_to")
        schools[k] = {kk: s[kk] for kk in s_keys}

    eligible = {}  # ICB -> open mainstream primaries, in a seeded order
    for s in schools:
        if s["phase"] in ("primary", "middle_deemed_primary") and s["status"] == "open" and s["is_mainstream"]:
            eligible.setdefault(icb_of_la[s["la_code"]], []).append(s["urn"])
    for i in icbs:
        rng.shuffle(eligible.setdefault(i, []))

    active_menu = [m for m in menu if m["active"]]

    # -- projects and enrolments ---------------------------------------------------------
    projects = []   # dicts: key, icb, year, kind, allocation, las, pcfs, enrol [(urn, cohort)]
    for i in icbs:
        pool = eligible[i]
        need = prm["y1_new"] + prm["y2_new"]
        if len(pool) < need:
            raise SystemExit(f"ICB {i}: only {len(pool)} eligible schools for {need} enrolments; raise --scale")
        y1 = pool[:prm["y1_new"]]
        y2_new = pool[prm["y1_new"]:need]
        n_embed = min(len(y1), rng.randint(*prm["embed"]))
        y2_embed = rng.sample(y1, n_embed)
        pcfs = [pcf_of[la] for la in las_of[i] if la in pcf_of]
        for year, kind, enrol in ((YEARS[0], "new", [(u, "new") for u in y1]),
                                  (YEARS[1], "continuing", [(u, "new") for u in y2_new] + [(u, "embedding") for u in y2_embed])):
            projects.append(dict(key=f"{i}/{year}", icb=i, year=year, kind=kind, las=list(las_of[i]), pcfs=pcfs,
                                 enrol=enrol, allocation=prm["allocation"]))

    school_by_urn = {s["urn"]: s for s in schools}
    enrolments = [(p["key"], u, c) for p in projects for (u, c) in p["enrol"]]

    # -- self-assessments: a baseline for each enrolment, follow-ups to reach the total -----
    template_keys = [f"{d}.{n}" for d in DOMAINS for n in range(1, ITEMS_PER_DOMAIN + 1)]
    total = prm["completed_total"] if prm["completed_total"] is not None else 2 * len(enrolments)
    n_follow = max(0, min(len(enrolments), total - len(enrolments)))
    follow = set(rng.sample(range(len(enrolments)), n_follow))
    assessments = []  # chains: (project key, urn, [responses baseline, responses follow-up?])
    for k, (pk, urn, _c) in enumerate(enrolments):
        level = rng.choice([1.6, 2.0, 2.4, 2.8, 3.2])
        base = {key: min(4, max(1, round(level + rng.uniform(-1, 1)))) for key in template_keys}
        steps = [base]
        if k in follow:
            steps.append({key: min(4, v + (1 if rng.random() < 0.4 else 0)) for key, v in base.items()})
        notes = {rng.choice(DOMAINS): "Staff noted the need for quieter spaces at lunchtime."}
        voice = {"parent_carer": [{"theme": rng.choice(THEMES), "count": rng.randint(1, 12)}],
                 "children": [{"theme": rng.choice(THEMES), "count": rng.randint(1, 20)}]}
        assessments.append(dict(project=pk, urn=urn, steps=steps, notes=notes, voice=voice))

    # -- interventions, spread over projects by enrolments -----------------------------
    by_project = {p["key"]: p for p in projects}
    weights = [len(p["enrol"]) for p in projects]
    interventions = []
    committed = {p["key"]: 0 for p in projects}
    proj_list = rng.choices(projects, weights=weights, k=prm["interventions"])
    for p in proj_list:
        item = rng.choice(active_menu)
        urn = None if rng.random() < 0.1 else rng.choice(p["enrol"])[0]
        days = rng.randint(1, 4)
        cost = days * rng.choice([30_000, 35_000, 40_000, 45_000, 50_000])
        committed[p["key"]] += cost
        r = rng.random()
        if p["year"] == YEARS[0]:
            fate = "delivered" if r < 0.8 else "cancelled" if r < 0.9 else "commissioned"
        else:
            fate = "delivered" if r < 0.4 else "commissioned" if r < 0.7 else "planned" if r < 0.95 else "cancelled"
        a, b = fy_dates(p["year"])
        body = {"urn": urn, "menu_item_code": item["code"], "professional_type": rng.choice(item["professional_types"]),
                "delivery_mode": rng.choice(item["delivery_modes"]), "planned_days": days, "cost_pence": cost,
                "addresses_domains": rng.sample(item["domains"], rng.randint(1, len(item["domains"]))),
                "builds_on_local_offer": rng.random() < 0.5}
        deliver = {"delivered_on": rand_date(rng, a, b), "delivered_days": rng.randint(max(0, days - 1), days),
                   "attendance": [{"staff_role": r_, "count": rng.randint(1, 30)}
                                  for r_ in rng.sample(STAFF_ROLES, rng.randint(1, 3))]}
        interventions.append(dict(project=p["key"], body=body, fate=fate, deliver=deliver))
    for p in projects:  # allocation: always enough for what is committed, with a margin
        p["allocation"] = max(p["allocation"], int(committed[p["key"]] * 1.25) + 1_000_000)

    # -- engagement meetings ------------------------------------------------------------
    meetings = []
    for p in rng.choices(projects, weights=weights, k=prm["meetings"]):
        urn = rng.choice(p["enrol"])[0]
        la = school_by_urn[urn]["la_code"]
        a, b = fy_dates(p["year"])
        day = rand_date(rng, a, b)
        r = rng.random()
        fate = "completed" if r < 0.85 else "cancelled" if r < 0.9 else "scheduled"
        complete = {"held_on": day,
                    "attendance": {"parent_carers": rng.randint(2, 25), "senior_leaders": rng.randint(1, 3),
                                   "school_staff": rng.randint(1, 8), "pcf_representatives": rng.randint(1, 3)},
                    "themes": rng.sample(THEMES, rng.randint(1, 4)),
                    "actions": [{"description": "Share the visual timetable with families",
                                 "owner_role": rng.choice(["school", "pcf", "parent_carer_group"]),
                                 "due_on": rand_date(rng, dt.date.fromisoformat(day), b + dt.timedelta(days=60))}
                                for _ in range(rng.randint(0, 3))]}
        meetings.append(dict(project=p["key"], body={"project_id": None, "urn": urn, "pcf_id": pcf_of[la],
                                                     "scheduled_for": day}, fate=fate, complete=complete))

    # -- parent carer groups ----------------------------------------------------------
    groups = []
    for pk, urn, _c in enrolments:
        if rng.random() < 0.6:
            p = by_project[pk]
            a, b = fy_dates(p["year"])
            groups.append(dict(project=pk, urn=urn, body={"pcf_id": pcf_of[school_by_urn[urn]["la_code"]],
                                                          "formed_on": rand_date(rng, a, b),
                                                          "member_count": rng.randint(3, 25)}))

    # -- quarterly reports --------------------------------------------------------------
    reports = []
    for p in projects:
        for q in range(1, 5):
            if p["year"] == YEARS[0] or q <= 2:
                fate = "accepted"
            else:
                fate = "submitted" if q == 3 else "draft"
            reports.append(dict(project=p["key"], quarter=f"{p['year']}-Q{q}", fate=fate,
                                narrative={"progress": f"Quarter {q}: {rng.randint(3, 15)} schools started support.",
                                           "risks": rng.choice(["Recruitment of therapists", "Supply cover",
                                                                "None identified"]),
                                           "next_steps": "Continue the sensory audits."}))
    return dict(schools=schools, projects=projects, assessments=assessments, interventions=interventions,
                meetings=meetings, groups=groups, reports=reports)


icb_of_la: dict = {}


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

def plan_body(allocation: int) -> dict:
    half = allocation // 2
    return {
        "commissioning_priorities": [
            {"domains": ["environment", "communication"], "menu_items": ["OT-SENSORY-AUDIT", "SLT-COACHING"],
             "description": "Sensory and communication-friendly classrooms"},
            {"domains": ["mental_health"], "menu_items": ["MH-WELLBEING-WHOLE-SCHOOL"]},
        ],
        "commissioning_approach": "Jointly commissioned through the ICB's community provider.",
        "builds_on_local_offers": True,
        "funding_lines": [{"purpose": "Specialist support in schools", "amount_pence": half},
                          {"purpose": "Whole-school training", "amount_pence": allocation - half}],
    }


class Loader:
    def __init__(self, args, plan: dict, tokens: Tokens, client: Client, pool: cf.ThreadPoolExecutor):
        self.a, self.plan, self.tok, self.c, self.pool = args, plan, tokens, client, pool
        self.ids: dict[str, str] = {}       # project key -> id
        self.timings: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def nat(self):
        return self.tok.get("national")

    def phase(self, name, fn, items):
        t = time.monotonic()
        before = self.c.count
        futs = [self.pool.submit(fn, it) for it in items]
        for f in cf.as_completed(futs):
            f.result()  # the first failure stops the run
        self.timings[name] = round(time.monotonic() - t, 2)
        self.counts[name + "_requests"] = self.c.count - before
        print(f"generate: {name}: {len(items)} in {self.timings[name]} s "
              f"({self.c.count - before} requests)", file=sys.stderr, flush=True)

    # -- steps ----------------------------------------------------------------------------
    def import_chunk(self, chunk):
        res = self.c.call("POST", "/v1/schools/import", self.nat(), chunk)
        if res.get("errors") or res["created"] + res["updated"] + res["unchanged"] != len(chunk):
            raise ApiError(f"import: {json.dumps(res)[:800]}")

    def setup_project(self, p):
        nat, icb = self.nat(), self.tok.get("icb", p["icb"])
        doc = self.c.call("POST", "/v1/projects", icb, {"icb_code": p["icb"], "financial_year": p["year"],
                                                        "kind": p["kind"], "allocation_pence": p["allocation"]})
        pid = doc["id"]
        self.ids[p["key"]] = pid
        base = f"/v1/projects/{pid}"
        for la in p["las"]:
            self.c.call("POST", base + "/partners", icb, {"org_type": "local_authority", "org_code": la})
        for f in p["pcfs"]:
            self.c.call("POST", base + "/partners", icb, {"org_type": "pcf", "org_code": f})
        self.c.call("POST", base + "/governance-members", icb,
                    {"org_type": "icb", "org_code": p["icb"], "role_title": "Senior responsible owner"})
        for la in p["las"]:
            self.c.call("POST", base + "/governance-members", icb,
                        {"org_type": "local_authority", "org_code": la, "role_title": "SEND lead"})
        for f in p["pcfs"]:
            self.c.call("POST", base + "/governance-members", icb,
                        {"org_type": "pcf", "org_code": f, "role_title": "Parent carer representative"})
        for urn, cohort in p["enrol"]:
            self.c.call("POST", base + "/schools", icb, {"urn": urn, "cohort": cohort,
                                                         "selection_reason": "Identified by the LA's inclusion team"})
        self.c.call("PUT", base + "/delivery-plan", icb, plan_body(p["allocation"]))
        self.c.call("POST", base + "/delivery-plan/sign-offs", icb, expect=(201,))
        for la in p["las"]:
            self.c.call("POST", base + "/delivery-plan/sign-offs", self.tok.get("local_authority", la), expect=(201,))
        for f in p["pcfs"]:
            self.c.call("POST", base + "/delivery-plan/sign-offs", self.tok.get("pcf", f), expect=(201,))
        self.c.call("POST", base + "/delivery-plan/submit", icb, {"comment": "Signed by every partner"})
        self.c.call("POST", base + "/delivery-plan/approve", nat, {"comment": "Approved"})
        y = int(p["year"][:4])
        self.c.call("POST", base + "/mou", nat, {"signed_on": f"{y}-05-01"})
        half = p["allocation"] // 2
        self.c.call("POST", base + "/funding-release", nat, {"released_on": f"{y}-06-01", "amount_pence": half})
        self.c.call("POST", base + "/funding-release", nat,
                    {"released_on": f"{y}-10-01", "amount_pence": p["allocation"] - half})

    def assessment_chain(self, a):
        pid = self.ids[a["project"]]
        icb = self.tok.get("icb", a["project"].split("/")[0])
        for n, responses in enumerate(a["steps"]):
            kind = "baseline" if n == 0 else "follow_up"
            doc = self.c.call("POST", "/v1/self-assessments", icb,
                              {"project_id": pid, "urn": a["urn"], "kind": kind, "template_version": 1})
            path = f"/v1/self-assessments/{doc['id']}"
            self.c.call("PATCH", path, icb, {"responses": responses, "domain_notes": a["notes"],
                                             "voice_themes": a["voice"]})
            self.c.call("POST", path + "/complete", icb, {})

    def intervention_chain(self, iv):
        pid = self.ids[iv["project"]]
        icb = self.tok.get("icb", iv["project"].split("/")[0])
        base = f"/v1/projects/{pid}/interventions"
        doc = self.c.call("POST", base, icb, iv["body"], expect=(201,))
        path = f"{base}/{doc['id']}"
        fate = iv["fate"]
        if fate in ("commissioned", "delivered") or (fate == "cancelled" and iv["deliver"]["delivered_days"] % 2):
            self.c.call("POST", path + "/commission", icb, {})
        if fate == "delivered":
            self.c.call("POST", path + "/deliver", icb, iv["deliver"])
        elif fate == "cancelled":
            self.c.call("POST", path + "/cancel", icb, {"reason": "The provider withdrew"})

    def meeting_chain(self, m):
        pid = self.ids[m["project"]]
        icb = self.tok.get("icb", m["project"].split("/")[0])
        doc = self.c.call("POST", "/v1/engagement-meetings", icb, dict(m["body"], project_id=pid), expect=(201,))
        path = f"/v1/engagement-meetings/{doc['id']}"
        if m["fate"] == "completed":
            self.c.call("POST", path + "/complete", icb, m["complete"])
        elif m["fate"] == "cancelled":
            self.c.call("POST", path + "/cancel", icb, {"reason": "The school closed for snow"})

    def group_put(self, g):
        pid = self.ids[g["project"]]
        icb = self.tok.get("icb", g["project"].split("/")[0])
        self.c.call("PUT", f"/v1/projects/{pid}/schools/{g['urn']}/parent-carer-group", icb, g["body"])

    def report_chain(self, r):
        pid = self.ids[r["project"]]
        icb, nat = self.tok.get("icb", r["project"].split("/")[0]), self.nat()
        base = f"/v1/projects/{pid}/quarterly-reports"
        doc = self.c.call("POST", base, icb, {"quarter": r["quarter"]}, expect=(201,))
        path = f"{base}/{doc['id']}"
        self.c.call("PATCH", path, icb, r["narrative"])
        if r["fate"] in ("submitted", "accepted"):
            self.c.call("POST", path + "/submit", icb, {})
        if r["fate"] == "accepted":
            self.c.call("POST", path + "/accept", nat, {"comment": "Thank you"})

    def close(self, p):
        self.c.call("POST", f"/v1/projects/{self.ids[p['key']]}/close", self.nat(), {"comment": "Year ended"})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--db", required=True, help="libpq URI (read-only use: the reference data)")
    ap.add_argument("--key", required=True, help="private key for bin/pins-token")
    ap.add_argument("--token-bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20250401)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--token-ttl", type=int, default=86400)
    ap.add_argument("--national-tokens", type=int, default=8, help="distinct national tokens for wrk")
    ap.add_argument("--plan-only", action="store_true", help="print the planned counts; load nothing")
    a = ap.parse_args()

    import psycopg
    t_start = time.monotonic()
    with psycopg.connect(a.db, autocommit=True) as db:
        las = db.execute("SELECT code, icb_code FROM local_authorities WHERE valid_to IS NULL ORDER BY code").fetchall()
        pcfs = db.execute("SELECT id, la_code FROM parent_carer_forums WHERE id = 'pcf-' || la_code").fetchall()
        menu = db.execute("SELECT code, active, professional_types, delivery_modes, domains FROM menu_items "
                          "ORDER BY code").fetchall()
    las_of: dict[str, list[str]] = {}
    for code, icb in las:
        las_of.setdefault(icb, []).append(code)
        icb_of_la[code] = icb
    pcf_of = {la: pid for pid, la in pcfs}
    menu = [dict(code=c, active=act, professional_types=list(pt), delivery_modes=list(dm), domains=list(d))
            for c, act, pt, dm, d in menu]
    icbs = sorted(las_of)
    prm = make_params(a.scale, a.tiny)
    rng = random.Random(a.seed)
    if prm["icbs"]:
        icbs = sorted(rng.sample(icbs, prm["icbs"]))
        las_of = {i: las_of[i] for i in icbs}
    plan = plan_everything(rng, prm, icbs, las_of, pcf_of, menu)
    if a.plan_only:
        print(json.dumps({"schools": len(plan["schools"]), "projects": len(plan["projects"]),
                          "enrolments": sum(len(p["enrol"]) for p in plan["projects"]),
                          "self_assessments_completed": sum(len(x["steps"]) for x in plan["assessments"]),
                          "interventions": len(plan["interventions"]), "engagement_meetings": len(plan["meetings"]),
                          "parent_carer_groups": len(plan["groups"]), "quarterly_reports": len(plan["reports"]),
                          "urn_range": [plan["schools"][0]["urn"] if plan["schools"] else None,
                                        max(s["urn"] for s in plan["schools"])]}))
        return 0

    tokens = Tokens(a.token_bin, a.key, a.token_ttl)
    client = Client(a.url)
    with cf.ThreadPoolExecutor(max_workers=a.threads) as pool:
        t = time.monotonic()
        pairs = [("national", None), ("evaluator", None)] + [("icb", i) for i in icbs]
        pairs += [("local_authority", la) for i in icbs for la in las_of[i]]
        pairs += [("pcf", pcf_of[la]) for i in icbs for la in las_of[i] if la in pcf_of]
        tokens.prefetch(pairs, pool)
        national = [tokens.mint("national", sub=f"bench-reader-{k}") for k in range(a.national_tokens)]
        print(f"generate: {len(tokens.cache) + len(national)} tokens in {time.monotonic() - t:.1f} s",
              file=sys.stderr, flush=True)

        ld = Loader(a, plan, tokens, client, pool)
        chunks = [plan["schools"][k:k + 2000] for k in range(0, len(plan["schools"]), 2000)]
        ld.phase("schools_import", ld.import_chunk, chunks)
        y1 = [p for p in plan["projects"] if p["year"] == YEARS[0]]
        y2 = [p for p in plan["projects"] if p["year"] == YEARS[1]]
        ld.phase("projects_2024_25", ld.setup_project, y1)
        ld.phase("projects_2025_26", ld.setup_project, y2)
        ld.phase("self_assessments", ld.assessment_chain, plan["assessments"])
        ld.phase("interventions", ld.intervention_chain, plan["interventions"])
        ld.phase("engagement_meetings", ld.meeting_chain, plan["meetings"])
        ld.phase("parent_carer_groups", ld.group_put, plan["groups"])
        ld.phase("quarterly_reports", ld.report_chain, plan["reports"])
        ld.phase("close_2024_25", ld.close, y1)

    with open(f"{a.out}/urns.txt", "w") as f:
        f.writelines(f"{s['urn']}\n" for s in plan["schools"])
    with open(f"{a.out}/la_codes.txt", "w") as f:
        f.writelines(f"{la}\n" for la in sorted({s["la_code"] for s in plan["schools"]}))
    with open(f"{a.out}/projects.txt", "w") as f:
        f.writelines(f"{ld.ids[p['key']]}\n" for p in plan["projects"])
    with open(f"{a.out}/years.txt", "w") as f:
        f.writelines(f"{y}\n" for y in YEARS)
    with open(f"{a.out}/national_tokens.txt", "w") as f:
        f.writelines(f"{t}\n" for t in national)
    with open(f"{a.out}/icb_tokens.txt", "w") as f:
        f.writelines(f"{i} {tokens.get('icb', i)}\n" for i in icbs)

    n_completed = sum(len(x["steps"]) for x in plan["assessments"])
    summary = {
        "seed": a.seed, "scale": a.scale, "tiny": a.tiny,
        "counts": {"icbs": len(icbs), "las": sum(len(v) for v in las_of.values()),
                   "schools": len(plan["schools"]),
                   "primary_schools": sum(1 for s in plan["schools"] if s["phase"] in ("primary", "middle_deemed_primary")
                                          and s["is_mainstream"]),
                   "projects": len(plan["projects"]), "enrolments": sum(len(p["enrol"]) for p in plan["projects"]),
                   "self_assessments_completed": n_completed, "interventions": len(plan["interventions"]),
                   "engagement_meetings": len(plan["meetings"]), "parent_carer_groups": len(plan["groups"]),
                   "quarterly_reports": len(plan["reports"])},
        "requests": client.count, "seconds": round(time.monotonic() - t_start, 1), "phases": ld.timings,
    }
    summary["requests_per_second"] = round(client.count / max(summary["seconds"], 0.001))
    with open(f"{a.out}/summary.json", "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
