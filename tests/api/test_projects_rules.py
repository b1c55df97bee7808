"""Issue 3: every refusal of the projects contract, each on its own fresh project."""

from __future__ import annotations

import pytest

from harness import new_icb_code, new_urn
from projects import (NATIONAL, add_member, add_partner, as_icb, as_la, as_pcf, create_project,
                      details, enrol, expect, fy, get_project, history, new_area, new_pcf, new_project_la_code, new_school,
                      partnership, path, plan_body, problem, put_plan, rand_start, ready_project,
                      reserve_years, sign, sign_all, step, submitted_project, withdraw)

# ---------------------------------------------------------------------------------------------
# Creating projects
# ---------------------------------------------------------------------------------------------


def body(icb, year, kind="new", allocation=1_000_000):
    return {"icb_code": icb, "financial_year": year, "kind": kind, "allocation_pence": allocation}


def test_continuing_needs_last_years_project(h):
    area = new_area(h, n_las=0)
    start = rand_start()
    r = h.post("/v1/projects", json=body(area.icb, fy(start), "continuing"))
    b = problem(r, 422, ["/kind"])
    assert fy(start - 1) in " ".join(details(b, "/kind")), b
    # The project two years back does not count; last year's does.
    create_project(h, area.icb, fy(start - 2))
    problem(h.post("/v1/projects", json=body(area.icb, fy(start), "continuing")), 422, ["/kind"])
    create_project(h, area.icb, fy(start - 1), "continuing")
    create_project(h, area.icb, fy(start), "continuing")


def test_new_refused_when_last_years_project_exists(h):
    area = new_area(h, n_las=0)
    start = rand_start()
    create_project(h, area.icb, fy(start - 1))
    problem(h.post("/v1/projects", json=body(area.icb, fy(start), "new")), 422, ["/kind"])
    # The right kind is accepted.
    create_project(h, area.icb, fy(start), "continuing")


def test_one_project_per_icb_per_year(h):
    area = new_area(h, n_las=0)
    year = fy(rand_start())
    create_project(h, area.icb, year)
    r = h.post("/v1/projects", json=body(area.icb, year, allocation=2_000_000))
    problem(r, 409)
    r = h.post("/v1/projects", json=body(area.icb, year), **as_icb(area.icb))
    problem(r, 409)


def test_icb_creates_only_for_itself(h):
    mine, other = new_area(h, n_las=0), new_area(h, n_las=0)
    year = fy(rand_start())
    problem(h.post("/v1/projects", json=body(other.icb, year), **as_icb(mine.icb)), 403)
    # Other roles may not create at all.
    for who in (as_la("856"), as_pcf("pcf-856"), {"role": "school", "org": "700001"},
                {"role": "evaluator"}):
        problem(h.post("/v1/projects", json=body(mine.icb, year), **who), 403)
    create_project(h, other.icb, year, who=as_icb(other.icb))


def test_create_body_errors_all_at_once(h):
    r = h.post("/v1/projects", json={"icb_code": "qk1", "financial_year": "2025-27", "kind": "old",
                                     "allocation_pence": 0})
    problem(r, 422, ["/icb_code", "/financial_year", "/kind", "/allocation_pence"])
    # An ICB that does not exist.
    problem(h.post("/v1/projects", json=body(new_icb_code(), fy(rand_start()))), 422, ["/icb_code"])


# ---------------------------------------------------------------------------------------------
# Partners and governance
# ---------------------------------------------------------------------------------------------


def test_partner_la_must_lie_in_or_reach_into_the_icb(h):
    area = new_area(h)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    r = h.post(path(pid, "/partners"), json={"org_type": "local_authority", "org_code": "856"})
    b = problem(r, 422, ["/org_code"])
    assert "856" in " ".join(details(b, "/org_code")), b
    problem(h.post(path(pid, "/partners"),
                   json={"org_type": "local_authority", "org_code": new_project_la_code()}),
            422, ["/org_code"])
    add_partner(h, pid, "local_authority", area.la)
    problem(h.post(path(pid, "/partners"), json={"org_type": "local_authority", "org_code": area.la}),
            409)


def test_essex_reaches_qjg_and_qm7_but_no_other_icb(h):
    """Essex (881) is mapped to QH8 but la_icb_splits.csv has it reaching QJG and QM7 as well."""
    (year,) = reserve_years(["QH8", "QJG", "QM7"])
    ids = {}
    for icb in ("QH8", "QJG", "QM7"):
        pid = ids[icb] = create_project(h, icb, year)["id"]
        p = add_partner(h, pid, "local_authority", "881")
        assert p["name"] == "Essex", p
    pid = create_project(h, new_area(h, n_las=0).icb, year)["id"]
    problem(h.post(path(pid, "/partners"), json={"org_type": "local_authority", "org_code": "881"}),
            422, ["/org_code"])
    # Hertfordshire (919) is QM7's and reaches QUE, not QJG.
    add_partner(h, ids["QM7"], "local_authority", "919")
    problem(h.post(path(ids["QJG"], "/partners"),
                   json={"org_type": "local_authority", "org_code": "919"}), 422, ["/org_code"])


def test_pcf_must_belong_to_a_partner_la(h):
    area = new_area(h, n_las=2)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", area.las[0])
    r = h.post(path(pid, "/partners"), json={"org_type": "pcf", "org_code": area.pcfs[area.las[1]]})
    b = problem(r, 422, ["/org_code"])
    assert area.las[1] in " ".join(details(b, "/org_code")), b
    problem(h.post(path(pid, "/partners"), json={"org_type": "pcf", "org_code": "no-such-forum"}),
            422, ["/org_code"])
    add_partner(h, pid, "pcf", area.pcfs[area.las[0]])
    # A second forum of a partner LA is fine.
    add_partner(h, pid, "pcf", new_pcf(h, area.las[0]))


def test_governance_members_must_be_the_icb_or_partners(h):
    area = new_area(h, n_las=2)
    other = new_area(h, n_las=0)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", area.las[0])
    add_partner(h, pid, "pcf", area.pcfs[area.las[0]])
    for org_type, code in [("local_authority", area.las[1]), ("pcf", area.pcfs[area.las[1]]),
                           ("icb", other.icb)]:
        r = h.post(path(pid, "/governance-members"),
                   json={"org_type": org_type, "org_code": code, "role_title": "Member"})
        problem(r, 422, ["/org_code"])
    add_member(h, pid, "icb", area.icb)
    add_member(h, pid, "local_authority", area.las[0])
    add_member(h, pid, "pcf", area.pcfs[area.las[0]])
    problem(h.post(path(pid, "/governance-members"),
                   json={"org_type": "icb", "org_code": area.icb, "role_title": "Again"}), 409)
    # Removing a member, then removing it again.
    r = h.delete(path(pid, f"/governance-members/pcf/{area.pcfs[area.las[0]]}"))
    assert r.status_code == 204, r.text
    problem(h.delete(path(pid, f"/governance-members/pcf/{area.pcfs[area.las[0]]}")), 404)
    actions = [i["action"] for i in history(h, pid)]
    assert actions[-1] == "governance_member_removed", actions


def test_removing_an_la_with_enrolled_schools(h):
    area = new_area(h)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", area.la)
    urn = area.school()
    enrol(h, pid, urn)
    r = h.delete(path(pid, f"/partners/local_authority/{area.la}"))
    b = problem(r, 409)
    assert area.la in b["detail"], b
    assert len(expect(h.get(path(pid, "/partners")), 200)["items"]) == 1
    # Once the school has been withdrawn the LA can go.
    assert withdraw(h, pid, urn).status_code == 200
    r = h.delete(path(pid, f"/partners/local_authority/{area.la}"))
    assert r.status_code == 204, r.text
    assert expect(h.get(path(pid, "/partners")), 200)["items"] == []
    problem(h.delete(path(pid, f"/partners/local_authority/{area.la}")), 404)
    assert [i["action"] for i in history(h, pid)][-1] == "partner_removed"


# ---------------------------------------------------------------------------------------------
# Delivery plan
# ---------------------------------------------------------------------------------------------


def test_plan_funding_over_allocation(h):
    area = new_area(h, n_las=0)
    pid = create_project(h, area.icb, fy(rand_start()), allocation=1_000_000)["id"]
    r = h.put(path(pid, "/delivery-plan"), json=plan_body(funding=(600_000, 400_001)))
    problem(r, 422, ["/funding_lines"])
    problem(h.get(path(pid, "/delivery-plan")), 404)
    plan = put_plan(h, pid, plan_body(funding=(600_000, 400_000)))
    assert plan["funding_total_pence"] == 1_000_000
    assert get_project(h, pid)["funding"]["planned_pence"] == 1_000_000


def test_plan_inactive_menu_item_and_every_bad_field(h):
    area = new_area(h, n_las=0)
    pid = create_project(h, area.icb, fy(rand_start()), allocation=1_000_000)["id"]
    bad = plan_body(menu_items=("OT-SENSORY-AUDIT", "ND-SHORT-VIRTUAL-BRIEFING"))
    b = problem(h.put(path(pid, "/delivery-plan"), json=bad), 422,
                ["/commissioning_priorities/0/menu_items/1"])
    assert "/commissioning_priorities/0/menu_items/0" not in {e["pointer"] for e in b["errors"]}
    # Every bad field at once.
    worse = plan_body(funding=(2_000_000,), commissioning_approach=None)
    worse["commissioning_priorities"][1]["domains"] = ["not_a_domain"]
    worse["builds_on_local_offers"] = "yes"
    b = problem(h.put(path(pid, "/delivery-plan"), json=worse), 422)
    ptrs = {e["pointer"] for e in b["errors"]}
    assert {"/commissioning_approach", "/builds_on_local_offers"} <= ptrs, b
    assert any(p.startswith("/commissioning_priorities/1/domains") for p in ptrs), b
    problem(h.put(path(pid, "/delivery-plan"), json=plan_body(commissioning_priorities=[])), 422,
            ["/commissioning_priorities"])
    problem(h.get(path(pid, "/delivery-plan")), 404)


def test_plan_change_clears_sign_offs(h):
    area = new_area(h)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    partnership(h, pid, area)
    plan = put_plan(h, pid)
    assert plan["plan_version"] == 1
    plan = sign(h, pid, as_la(area.la))
    signed = {(s["org_type"], s["org_code"]): s["signed_at"] for s in plan["sign_offs"]}
    assert signed[("local_authority", area.la)] is not None, plan
    plan = put_plan(h, pid, plan_body(funding=(100,)))
    assert plan["plan_version"] == 2, plan
    assert all(s["signed_at"] is None for s in plan["sign_offs"]), plan
    assert expect(h.get(path(pid, "/delivery-plan")), 200)["sign_offs"] == plan["sign_offs"]
    # The old sign-off does not count for submitting.
    sign(h, pid, as_icb(area.icb))
    sign(h, pid, as_pcf(area.pcf))
    b = problem(step_raw(h, pid, "delivery-plan/submit", who=as_icb(area.icb)), 422)
    missing = unsigned(b)
    assert len(missing) == 1 and area.la in missing[0], b
    sign(h, pid, as_la(area.la))
    assert step(h, pid, "delivery-plan/submit", who=as_icb(area.icb))["status"] == "plan_submitted"


def test_sign_off_needs_a_plan_and_a_signer(h):
    area = new_area(h)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", area.la)
    problem(h.post(path(pid, "/delivery-plan/sign-offs"), **as_icb(area.icb)), 409)
    put_plan(h, pid)
    problem(h.post(path(pid, "/delivery-plan/sign-offs"), **NATIONAL), 403)
    sign(h, pid, as_la(area.la))


def unsigned(body) -> list[str]:
    """The details of a submit refusal's missing sign-offs, whatever their pointer (the pointer
    itself is checked by test_submit_lists_every_unmet_condition_of_a_partial_project)."""
    return [e["detail"] for e in body["errors"] if "has not signed" in e["detail"]]


def step_raw(h, pid, name, body=None, who=NATIONAL):
    if body is None:
        return h.post(path(pid, "/" + name), **who)
    return h.post(path(pid, "/" + name), json=body, **who)


# ---------------------------------------------------------------------------------------------
# Submitting and the other steps
# ---------------------------------------------------------------------------------------------


def test_submit_lists_every_unmet_condition_of_an_empty_project(h):
    area = new_area(h, n_las=0)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    b = problem(step_raw(h, pid, "delivery-plan/submit", who=as_icb(area.icb)), 422,
                ["/delivery-plan", "/partners", "/governance-members"])
    assert len(details(b, "/partners")) == 2, b                # no LA, no forum
    assert len(details(b, "/governance-members")) >= 2, b      # no ICB member, no parent carer rep
    assert get_project(h, pid)["status"] == "setup"
    assert [i["action"] for i in history(h, pid)] == ["created"]


def test_submit_lists_every_unmet_condition_of_a_partial_project(h):
    area = new_area(h, n_las=2)
    la1, la2 = area.las
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", la1)
    add_partner(h, pid, "local_authority", la2)
    add_partner(h, pid, "pcf", area.pcfs[la1])
    add_member(h, pid, "local_authority", la1)          # no ICB, no parent carer rep, no la2
    put_plan(h, pid)
    enrol(h, pid, area.school(la1))
    enrol(h, pid, area.school(la2))
    sign(h, pid, as_la(la1))
    b = problem(step_raw(h, pid, "delivery-plan/submit", who=as_icb(area.icb)), 422)
    assert get_project(h, pid)["status"] == "setup"
    ptrs = {e["pointer"] for e in b["errors"]}
    assert "/partners" not in ptrs and "/delivery-plan" not in ptrs, b
    gov = details(b, "/governance-members")
    assert len(gov) == 3, b                    # the ICB, a parent carer rep, LA 2 with a school
    assert any(la2 in d for d in gov) and not any(la1 in d for d in gov), b
    missing = unsigned(b)
    assert len(missing) == 3, b                # the ICB, LA 2 and the forum
    for code in (area.icb, la2, area.pcfs[la1]):
        assert any(code in d for d in missing), (code, b)
    assert not any(f"local_authority {la1} " in d for d in missing), b
    assert len(b["errors"]) == 6, b
    # Each missing sign-off is reported at /delivery-plan/sign-offs (a JSON pointer into the
    # project's delivery plan, as the contract lists it).
    assert [e["pointer"] for e in b["errors"] if "has not signed" in e["detail"]] == \
        ["/delivery-plan/sign-offs"] * 3, b["errors"]


def test_steps_from_the_wrong_status(h):
    p = ready_project(h)
    pid, icb = p.id, as_icb(p.area.icb)
    release = {"released_on": "2031-01-01", "amount_pence": 100}
    in_setup = [("delivery-plan/approve", None), ("delivery-plan/return", {"comment": "x"}),
                ("mou", {"signed_on": "2031-01-01"}), ("funding-release", release), ("close", None)]
    for name, b in in_setup:
        r = problem(step_raw(h, pid, name, b), 409)
        assert "setup" in r["detail"], (name, r)
    step(h, pid, "delivery-plan/submit", who=icb)
    for name, b, who in [("delivery-plan/submit", None, icb), ("mou", {"signed_on": "2031-01-01"}, NATIONAL),
                         ("funding-release", release, NATIONAL), ("close", None, NATIONAL)]:
        r = problem(step_raw(h, pid, name, b, who), 409)
        assert "plan_submitted" in r["detail"], (name, r)
    # No plan changes or signing after submission.
    problem(h.put(path(pid, "/delivery-plan"), json=plan_body()), 409)
    problem(h.post(path(pid, "/delivery-plan/sign-offs"), **icb), 409)
    step(h, pid, "delivery-plan/approve")
    problem(step_raw(h, pid, "delivery-plan/approve"), 409)
    problem(step_raw(h, pid, "delivery-plan/return", {"comment": "late"}), 409)
    problem(step_raw(h, pid, "funding-release", release), 409)
    step(h, pid, "mou", {"signed_on": "2031-01-01"})
    problem(step_raw(h, pid, "mou", {"signed_on": "2031-01-02"}), 409)
    problem(step_raw(h, pid, "close"), 409)
    step(h, pid, "funding-release", release)
    step(h, pid, "close")
    r = problem(step_raw(h, pid, "funding-release", release), 409)
    assert "closed" in r["detail"], r
    problem(step_raw(h, pid, "close"), 409)
    assert get_project(h, pid)["status"] == "closed"


def test_step_bodies(h):
    p = submitted_project(h)
    pid = p.id
    problem(step_raw(h, pid, "delivery-plan/return"), 422, ["/comment"])
    problem(step_raw(h, pid, "delivery-plan/return", {}), 422, ["/comment"])
    problem(step_raw(h, pid, "delivery-plan/return", {"comment": None}), 422, ["/comment"])
    assert get_project(h, pid)["status"] == "plan_submitted"
    step(h, pid, "delivery-plan/approve")
    problem(step_raw(h, pid, "mou", {}), 422, ["/signed_on"])
    problem(step_raw(h, pid, "mou", {"signed_on": "2031-02-30"}), 422, ["/signed_on"])
    step(h, pid, "mou", {"signed_on": "2031-02-28"})
    problem(step_raw(h, pid, "funding-release", {"amount_pence": 0}), 422,
            ["/released_on", "/amount_pence"])


def test_return_edit_resubmit(h):
    p = submitted_project(h)
    pid, area, icb = p.id, p.area, as_icb(p.area.icb)
    doc = step(h, pid, "delivery-plan/return", {"comment": "Say more about the approach"})
    assert doc["status"] == "setup", doc
    last = history(h, pid)[-1]
    assert (last["action"], last["from"], last["to"], last["comment"], last["role"]) == \
        ("plan_returned", "plan_submitted", "setup", "Say more about the approach", "national"), last
    plan = put_plan(h, pid, plan_body(commissioning_approach="More detail on the approach"), who=icb)
    assert plan["plan_version"] == 2 and plan["commissioning_approach"] == "More detail on the approach"
    b = problem(step_raw(h, pid, "delivery-plan/submit", who=icb), 422)
    assert len(unsigned(b)) == 3 and len(b["errors"]) == 3, b
    sign_all(h, pid, area)
    assert step(h, pid, "delivery-plan/submit", {"comment": "Updated"}, who=icb)["status"] == \
        "plan_submitted"
    assert step(h, pid, "delivery-plan/approve")["status"] == "plan_approved"
    actions = [i["action"] for i in history(h, pid)]
    tail = actions[actions.index("plan_returned"):]
    assert tail == ["plan_returned", "delivery_plan_updated"] + ["delivery_plan_signed"] * 3 + \
        ["plan_submitted", "plan_approved"], tail


# ---------------------------------------------------------------------------------------------
# Schools
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("over,expect_word", [
    ({"status": "closed"}, "open"),
    ({"is_mainstream": False, "establishment_type": "Community special school"}, "mainstream"),
    ({"phase": "secondary"}, "primary"),
    ({"phase": "nursery"}, "primary"),
    ({"status": "proposed_to_open"}, "open"),
])
def test_enrol_refuses_a_school_that_is_not_open_mainstream_primary(h, over, expect_word):
    area = new_area(h)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", area.la)
    urn = area.school(**over)
    r = h.post(path(pid, "/schools"), json={"urn": urn, "cohort": "new", "selection_reason": "x"})
    b = problem(r, 422, ["/urn"])
    ds = details(b, "/urn")
    assert len(ds) == 1 and expect_word in ds[0], b
    assert expect(h.get(path(pid, "/schools")), 200)["items"] == []
    problem(h.get(path(pid, f"/schools/{urn}")), 404)


def test_enrol_accepts_middle_deemed_primary_and_proposed_to_close(h):
    area = new_area(h)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", area.la)
    enrol(h, pid, area.school(phase="middle_deemed_primary"))
    enrol(h, pid, area.school(status="open_proposed_to_close"))
    assert get_project(h, pid)["enrolled"] == {"new": 2, "embedding": 0}


def test_enrol_names_every_rule_a_school_breaks(h):
    area = new_area(h, n_las=2)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", area.las[0])
    # In the ICB but not in a partner LA.
    r = h.post(path(pid, "/schools"),
               json={"urn": area.school(area.las[1]), "cohort": "new", "selection_reason": "x"})
    b = problem(r, 422, ["/urn"])
    assert any(area.las[1] in d and "partner" in d for d in details(b, "/urn")), b
    # Closed, special, secondary and outside the partnership: four errors on /urn.
    urn = area.school(area.las[1], status="closed", is_mainstream=False, phase="secondary",
                      establishment_type="Foundation special school")
    b = problem(h.post(path(pid, "/schools"), json={"urn": urn, "cohort": "new",
                                                    "selection_reason": "x"}), 422, ["/urn"])
    ds = " | ".join(details(b, "/urn"))
    assert len(details(b, "/urn")) == 4, b
    for word in ("open", "mainstream", "primary", "partner"):
        assert word in ds, (word, b)
    # A school that does not exist.
    b = problem(h.post(path(pid, "/schools"), json={"urn": new_urn(),
                                                    "cohort": "new", "selection_reason": "x"}),
                422, ["/urn"])
    # Bad fields.
    problem(h.post(path(pid, "/schools"), json={"urn": "abc", "cohort": "old"}), 422,
            ["/urn", "/cohort", "/selection_reason"])


def test_embedding_rules(h):
    area = new_area(h)
    start = rand_start()
    prev = create_project(h, area.icb, fy(start - 1))["id"]
    add_partner(h, prev, "local_authority", area.la)
    was, was_not = area.school(), area.school()
    enrol(h, prev, was)
    # Embedding in a new project: refused.
    r = h.post(path(prev, "/schools"), json={"urn": was_not, "cohort": "embedding",
                                             "selection_reason": "x"})
    problem(r, 422, ["/cohort"])
    cur = create_project(h, area.icb, fy(start), "continuing")["id"]
    add_partner(h, cur, "local_authority", area.la)
    b = problem(h.post(path(cur, "/schools"), json={"urn": was_not, "cohort": "embedding",
                                                    "selection_reason": "x"}), 422, ["/cohort"])
    assert fy(start - 1) in " ".join(details(b, "/cohort")), b
    e = enrol(h, cur, was, "embedding")
    assert e["cohort"] == "embedding"
    # The school that was not in last year's project can join as new.
    enrol(h, cur, was_not, "new")
    assert get_project(h, cur)["enrolled"] == {"new": 1, "embedding": 1}


def test_embedding_only_from_this_icbs_previous_year(h):
    """A school in another ICB's previous-year project is not embedding here (Essex reaches
    QJG and QM7)."""
    prev_year, year = reserve_years(["QJG", "QM7"], 2)
    school = new_school(h, "881")
    qjg_prev = create_project(h, "QJG", prev_year)["id"]
    add_partner(h, qjg_prev, "local_authority", "881")
    enrol(h, qjg_prev, school)
    create_project(h, "QM7", prev_year)
    qm7 = create_project(h, "QM7", year, "continuing")["id"]
    add_partner(h, qm7, "local_authority", "881")
    problem(h.post(path(qm7, "/schools"), json={"urn": school, "cohort": "embedding",
                                                "selection_reason": "x"}), 422, ["/cohort"])
    enrol(h, qm7, school, "new")


def test_one_project_a_year_per_school(h):
    (year,) = reserve_years(["QJG", "QM7"])
    school = new_school(h, "881")
    a = create_project(h, "QJG", year)["id"]
    b = create_project(h, "QM7", year)["id"]
    for pid in (a, b):
        add_partner(h, pid, "local_authority", "881")
    enrol(h, a, school)
    r = h.post(path(b, "/schools"), json={"urn": school, "cohort": "new", "selection_reason": "x"})
    problem(r, 409)
    r = h.post(path(a, "/schools"), json={"urn": school, "cohort": "new", "selection_reason": "x"})
    problem(r, 409)
    assert get_project(h, b)["enrolled"]["new"] == 0
    assert get_project(h, a)["enrolled"]["new"] == 1
    # Withdrawn from the first, the school may join the second.
    assert withdraw(h, a, school).status_code == 200
    enrol(h, b, school)


def test_withdraw(h):
    area = new_area(h)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", area.la)
    stay, leave = area.school(), area.school()
    enrol(h, pid, stay)
    enrol(h, pid, leave)
    assert get_project(h, pid)["enrolled"]["new"] == 2
    problem(h.delete(path(pid, f"/schools/{leave}"), json={}), 422, ["/reason"])
    r = withdraw(h, pid, leave, "Head teacher left")
    e = expect(r, 200)
    assert e["urn"] == leave and e["withdrawn_at"] and e["withdrawal_reason"] == "Head teacher left", e
    got = expect(h.get(path(pid, f"/schools/{leave}")), 200)
    assert got["withdrawn_at"] == e["withdrawn_at"], got
    listed = {x["urn"]: x for x in expect(h.get(path(pid, "/schools")), 200)["items"]}
    assert set(listed) == {stay, leave}, "a withdrawn school stays listed"
    assert listed[leave]["withdrawn_at"] and listed[stay]["withdrawn_at"] is None
    doc = get_project(h, pid)
    assert doc["enrolled"] == {"new": 1, "embedding": 0}, doc
    problem(withdraw(h, pid, leave), 409)
    problem(withdraw(h, pid, area.school()), 404)
    problem(withdraw(h, pid, 12), 404)
    last = history(h, pid)[-1]
    assert last["action"] == "school_withdrawn" and last["comment"] == "Head teacher left", last
    assert last["detail"]["urn"] == leave, last
