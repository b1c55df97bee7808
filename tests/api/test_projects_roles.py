"""Issue 3: who may see and do what, table-driven (role x route x own/other organisation), and the
project list showing each caller exactly the projects it may see.

A caller who may not see a project gets 404; one who may see it but not do the action gets 403.
"""

from __future__ import annotations

import itertools
import random
import uuid

import pytest

from projects import (EVALUATOR, NATIONAL, add_partner, as_icb, as_la, as_pcf,
                      as_school, create_project, enrol, expect, fy, get_project, new_area,
                      new_school, partnership, path, plan_body, problem, put_plan, rand_start,
                      ready_project, step, visible_ids, walk, withdraw)
from harness import rand_word


@pytest.fixture(scope="module")
def world(h):
    """ICB A with LA1 (a partner of project P, with forum PCF1) and LA2 (not a partner, forum PCF2);
    ICB B with its own project Q. School S1 is enrolled in P; S2 (in LA1) is in no project."""
    a = new_area(h, n_las=2)
    b = new_area(h, n_las=1)
    la1, la2 = a.las
    start = random.randint(2030, 2070)
    years = (fy(y) for y in itertools.count(start, 2))      # gaps: every project is "new"
    p = create_project(h, a.icb, next(years))["id"]
    partnership(h, p, a, las=[la1])
    put_plan(h, p)
    s1 = a.school(la1)
    enrol(h, p, s1)
    q = create_project(h, b.icb, fy(start))["id"]
    partnership(h, q, b)
    enrol(h, q, b.school())
    return {"a": a, "b": b, "p": p, "q": q, "s1": s1, "s2": a.school(la1), "years": years,
            "la1": la1, "la2": la2, "pcf1": a.pcfs[la1], "pcf2": a.pcfs[la2]}


# role case -> (token kwargs from the world, sees project P)
ROLES = {
    "national": (lambda w: NATIONAL, True),
    "evaluator": (lambda w: EVALUATOR, True),
    "icb_own": (lambda w: as_icb(w["a"].icb), True),
    "icb_other": (lambda w: as_icb(w["b"].icb), False),
    "la_partner": (lambda w: as_la(w["la1"]), True),
    "la_not_partner": (lambda w: as_la(w["la2"]), False),
    "pcf_partner": (lambda w: as_pcf(w["pcf1"]), True),
    "pcf_not_partner": (lambda w: as_pcf(w["pcf2"]), False),
    "school_enrolled": (lambda w: as_school(w["s1"]), True),
    "school_not_enrolled": (lambda w: as_school(w["s2"]), False),
}

# route -> roles allowed to do it (among those that see the project); others that see it get 403.
ALLOWED = {
    "get_project": set(k for k, (_, sees) in ROLES.items() if sees),
    "list_membership": set(k for k, (_, sees) in ROLES.items() if sees),
    "post_partner": {"national", "icb_own"},
    "put_plan": {"national", "icb_own"},
    "post_sign_off": {"icb_own", "la_partner", "pcf_partner"},
    "post_submit": {"icb_own"},
    "post_approve": {"national"},
    "post_school": {"national", "icb_own"},
    "delete_school": {"national", "icb_own"},
}
SUCCESS = {"get_project": 200, "list_membership": 200, "post_partner": 201, "put_plan": 200,
           "post_sign_off": 201, "post_submit": 200, "post_approve": 200, "post_school": 201,
           "delete_school": 200}


def expected_status(route, role):
    if route == "list_membership":
        return 200
    if not ROLES[role][1]:
        return 404
    return SUCCESS[route] if role in ALLOWED[route] else 403


def call(h, w, route, role, who):
    """Makes the request for (route, role) and returns (response, check) where check() verifies
    the effect of a success. Allowed steps that change the project's status get a fresh project
    in the right state; everything else runs against the shared project P."""
    allowed = role in ALLOWED[route] and ROLES[role][1]
    p = w["p"]
    if route == "get_project":
        r = h.get(path(p), **who)
        return r, (lambda: r.json()["id"] == p) if allowed else None
    if route == "list_membership":
        r = h.get("/v1/projects", params={"icb_code": w["a"].icb, "limit": 500}, **who)
        return r, None
    if route == "post_partner":
        code = "PROV-" + rand_word(8).upper()
        r = h.post(path(p, "/partners"), json={"org_type": "provider", "org_code": code}, **who)
        listed = lambda: any(x["org_code"] == code for x in h.get(path(p, "/partners")).json()["items"])
        return r, listed if allowed else (lambda: not listed())
    if route == "put_plan":
        approach = "Approach " + rand_word()
        r = h.put(path(p, "/delivery-plan"), json=plan_body(commissioning_approach=approach), **who)
        current = lambda: h.get(path(p, "/delivery-plan")).json()["commissioning_approach"] == approach
        return r, current if allowed else (lambda: not current())
    if route == "post_sign_off":
        r = h.post(path(p, "/delivery-plan/sign-offs"), **who)
        return r, None
    if route == "post_submit":
        target = ready_project(h, area=w["a"], year=next(w["years"])).id if allowed else p
        r = h.post(path(target, "/delivery-plan/submit"), **who)
        status = lambda: get_project(h, target)["status"]
        return r, (lambda: status() == "plan_submitted") if allowed else (lambda: status() == "setup")
    if route == "post_approve":
        if allowed:
            target = ready_project(h, area=w["a"], year=next(w["years"])).id
            step(h, target, "delivery-plan/submit", who=as_icb(w["a"].icb))
        else:
            target = p
        before = get_project(h, target)["status"]
        r = h.post(path(target, "/delivery-plan/approve"), **who)
        status = lambda: get_project(h, target)["status"]
        return r, (lambda: status() == "plan_approved") if allowed else (lambda: status() == before)
    if route == "post_school":
        urn = new_school(h, w["la1"])
        r = h.post(path(p, "/schools"), json={"urn": urn, "cohort": "new", "selection_reason": "x"},
                   **who)
        there = lambda: h.get(path(p, f"/schools/{urn}")).status_code == 200
        return r, there if allowed else (lambda: not there())
    if route == "delete_school":
        urn = new_school(h, w["la1"])
        enrol(h, p, urn)
        r = withdraw(h, p, urn, who=who)
        gone = lambda: h.get(path(p, f"/schools/{urn}")).json()["withdrawn_at"] is not None
        return r, gone if allowed else (lambda: not gone())
    raise AssertionError(route)


@pytest.mark.parametrize("route", list(ALLOWED))
@pytest.mark.parametrize("role", list(ROLES))
def test_role_matrix(h, world, role, route):
    who = ROLES[role][0](world)
    want = expected_status(route, role)
    r, check = call(h, world, route, role, who)
    if want in (403, 404):
        problem(r, want)
    else:
        expect(r, want)
    if route == "list_membership":
        ids = {x["id"] for x in r.json()["items"]}
        assert (world["p"] in ids) == ROLES[role][1], f"{role}: P listed={world['p'] in ids}"
    if check is not None:
        assert check(), f"{role} {route}: the project's state does not match the answer {r.status_code}"


def test_reads_of_every_project_route(h, world):
    """Every read route: 200 for those who see the project, 404 for the others."""
    p, s1 = world["p"], world["s1"]
    reads = ["", "/history", "/partners", "/governance-members", "/delivery-plan", "/schools",
             f"/schools/{s1}"]
    wrong = []
    for role, (mk, sees) in ROLES.items():
        for tail in reads:
            r = h.get(path(p, tail), **mk(world))
            if r.status_code != (200 if sees else 404):
                wrong.append(f"{role} GET {tail or '/'}: {r.status_code} {r.text[:200]}")
    assert not wrong, "\n".join(wrong)


def test_national_only_steps_and_other_writes(h, world):
    """Writes not in the main matrix: return, MoU, funding release, close (national only);
    partner and member removal, governance additions (project writers only)."""
    p = world["p"]
    for role, (mk, sees) in ROLES.items():
        if role == "national":
            continue
        who = mk(world)
        want = 404 if not sees else 403
        for name, body in [("delivery-plan/return", {"comment": "x"}), ("mou", {"signed_on": "2031-01-01"}),
                           ("funding-release", {"released_on": "2031-01-01", "amount_pence": 1}),
                           ("close", {})]:
            problem(h.post(path(p, "/" + name), json=body, **who), want)
        write = 403 if role not in ("icb_own",) and sees else (404 if not sees else None)
        if write is None:
            continue
        problem(h.post(path(p, "/governance-members"),
                       json={"org_type": "pcf", "org_code": world["pcf1"], "role_title": "x"}, **who), write)
        problem(h.delete(path(p, f"/partners/pcf/{world['pcf1']}"), **who), write)
        problem(h.delete(path(p, f"/governance-members/pcf/{world['pcf1']}"), **who), write)
    assert get_project(h, p)["status"] == "setup"
    partners = {x["org_code"] for x in expect(h.get(path(p, "/partners")), 200)["items"]}
    assert world["pcf1"] in partners


def test_unknown_project_is_404(h):
    for pid in (str(uuid.uuid4()), "not-a-uuid", "00000000-0000-0000-0000-00000000000g"):
        problem(h.get(path(pid)), 404)
        problem(h.post(path(pid, "/partners"), json={"org_type": "provider", "org_code": "X1"}), 404)
        problem(h.get(path(pid, "/history")), 404)


def test_list_shows_each_caller_only_what_it_may_see(h):
    a = new_area(h, n_las=3)
    b = new_area(h, n_las=1)
    la1, la2, la3 = a.las
    start = rand_start()
    p1 = create_project(h, a.icb, fy(start))["id"]
    p2 = create_project(h, a.icb, fy(start + 2))["id"]
    q = create_project(h, b.icb, fy(start))["id"]
    add_partner(h, p1, "local_authority", la1)
    add_partner(h, p1, "pcf", a.pcfs[la1])
    add_partner(h, p2, "local_authority", la2)
    add_partner(h, q, "local_authority", b.la)
    add_partner(h, q, "pcf", b.pcf)
    s1, s_gone, s_none = a.school(la1), a.school(la2), a.school(la1)
    enrol(h, p1, s1)
    enrol(h, p2, s_gone)
    assert withdraw(h, p2, s_gone).status_code == 200       # was enrolled: still sees it
    sq = b.school()
    enrol(h, q, sq)

    cases = [
        (as_icb(a.icb), {p1, p2}), (as_icb(b.icb), {q}),
        (as_la(la1), {p1}), (as_la(la2), {p2}), (as_la(la3), set()), (as_la(b.la), {q}),
        (as_pcf(a.pcfs[la1]), {p1}), (as_pcf(a.pcfs[la2]), set()), (as_pcf(b.pcf), {q}),
        (as_school(s1), {p1}), (as_school(s_gone), {p2}), (as_school(s_none), set()),
        (as_school(sq), {q}),
    ]
    wrong = []
    for who, want in cases:
        got = visible_ids(h, who)
        if got != want:
            wrong.append(f"{who}: listed {sorted(got)}, expected {sorted(want)}")
        for pid in (p1, p2, q):
            st = h.get(path(pid), **who).status_code
            if st != (200 if pid in want else 404):
                wrong.append(f"{who}: GET {pid} -> {st}")
    for who in (NATIONAL, EVALUATOR):
        got = visible_ids(h, who)
        if not {p1, p2, q} <= got:
            wrong.append(f"{who}: does not list {sorted({p1, p2, q} - got)}")
        for icb, want in ((a.icb, {p1, p2}), (b.icb, {q})):
            got = visible_ids(h, who, icb_code=icb)
            if got != want:
                wrong.append(f"{who} icb_code={icb}: listed {sorted(got)}, expected {sorted(want)}")
    assert not wrong, "\n".join(wrong)


def test_list_filters_and_pages(h):
    a = new_area(h)
    start = rand_start()
    ids = [create_project(h, a.icb, fy(start + 2 * k))["id"] for k in range(3)]
    p = ready_project(h, area=a, year=fy(start + 6))
    step(h, p.id, "delivery-plan/submit", who=as_icb(a.icb))
    ids.append(p.id)

    by_year = walk(h, "/v1/projects", params={"icb_code": a.icb, "financial_year": fy(start + 2)})
    assert [x["id"] for x in by_year] == [ids[1]], by_year
    submitted = walk(h, "/v1/projects", params={"icb_code": a.icb, "status": "plan_submitted"})
    assert [x["id"] for x in submitted] == [p.id], submitted
    assert walk(h, "/v1/projects", params={"icb_code": a.icb, "status": "funded"}) == []

    pages = walk(h, "/v1/projects", who=as_icb(a.icb), limit=1)
    assert sorted(x["id"] for x in pages) == sorted(ids), pages
    assert all(x["icb_code"] == a.icb for x in pages)
    r = h.get("/v1/projects", params={"limit": 1}, **as_icb(a.icb))
    assert r.status_code == 200 and r.json()["next_cursor"] and 'rel="next"' in r.headers.get("Link", "")

    for bad in ({"icb_code": "qk1"}, {"financial_year": "2025-27"}, {"status": "open"},
                {"limit": "0"}, {"cursor": "nope"}):
        problem(h.get("/v1/projects", params=bad), 400)
