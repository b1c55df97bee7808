"""Issue 3: a new and a continuing project from creation to funding and closing, with the history
of every step and the project's counts and funding figures along the way."""

from __future__ import annotations

from datetime import datetime

from projects import (add_member, add_partner, as_icb, as_la, as_pcf, create_project,
                      enrol, expect, fy, get_project, history, new_area, path, plan_body, problem,
                      put_plan, rand_start, sign, step, walk, withdraw)

PROJECT_KEYS = {"id", "icb_code", "financial_year", "kind", "allocation_pence", "status",
                "new_school_target", "enrolled", "over_target", "funding", "mou_signed_on",
                "created_at"}

PLAN_KEYS = {"project_id", "plan_version", "commissioning_priorities", "commissioning_approach",
             "builds_on_local_offers", "funding_lines", "funding_total_pence", "updated_at",
             "sign_offs"}
ENROLMENT_KEYS = {"project_id", "urn", "name", "la_code", "cohort", "selection_reason",
                  "enrolled_at", "withdrawn_at", "withdrawal_reason"}


def check_project(doc, *, status, new=0, embedding=0, over=False, planned=0, released=0,
                  allocation=10_000_000):
    assert PROJECT_KEYS <= set(doc), f"project lacks {PROJECT_KEYS - set(doc)}: {doc}"
    assert doc["status"] == status, doc
    assert doc["enrolled"] == {"new": new, "embedding": embedding}, doc
    assert doc["over_target"] is over, doc
    assert doc["funding"] == {"allocation_pence": allocation, "planned_pence": planned,
                              "released_pence": released, "committed_pence": 0,
                              "remaining_pence": allocation}, doc


def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def check_history(items, expected):
    """expected: list of (action, role, org, from, to) in order; from/to ... means not checked."""
    got = [(i["action"], i["role"], i["org"], i["from"], i["to"]) for i in items]
    want = [tuple(e) for e in expected]
    assert len(got) == len(want), "history differs:\n" + "\n".join(
        f"{g!r:70} {w!r}" for g, w in zip(got + [None] * 99, want + [None] * 99) if g or w)
    for n, (g, w) in enumerate(zip(got, want)):
        assert all(wv is ... or gv == wv for gv, wv in zip(g, w)), f"history[{n}] is {g}, expected {w}"
    ids = [i["id"] for i in items]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), ids
    ats = [ts(i["at"]) for i in items]
    assert ats == sorted(ats), "history is not in time order"
    for i in items:
        assert {"id", "at", "role", "org", "sub", "action", "from", "to", "comment", "detail"} <= set(i), i


def test_new_project_from_creation_to_closing(h):
    area = new_area(h, n_las=2)
    la1, la2 = area.las
    pcf1, pcf2 = area.pcfs[la1], area.pcfs[la2]
    icb = as_icb(area.icb)
    year = fy(rand_start())

    # Created by the ICB for itself.
    doc = create_project(h, area.icb, year, "new", 10_000_000, who=icb)
    pid = doc["id"]
    assert doc["icb_code"] == area.icb and doc["financial_year"] == year and doc["kind"] == "new"
    assert doc["allocation_pence"] == 10_000_000 and doc["new_school_target"] == 40
    assert doc["mou_signed_on"] is None
    check_project(doc, status="setup")
    r = h.get(path(pid), **icb)
    assert r.status_code == 200 and r.json() == doc, r.text
    assert r.headers.get("ETag"), "GET project has no ETag"

    # Partnership: both LAs and their forums; the governance group.
    add_partner(h, pid, "local_authority", la1, who=icb)
    add_partner(h, pid, "local_authority", la2, who=icb)
    add_partner(h, pid, "pcf", pcf1, who=icb)
    p = add_partner(h, pid, "pcf", pcf2)
    assert set(p) >= {"org_type", "org_code", "name", "added_at"}, p
    assert p["org_type"] == "pcf" and p["org_code"] == pcf2 and p["name"] and p["added_at"], p
    partners = expect(h.get(path(pid, "/partners"), **icb), 200)
    assert [(x["org_type"], x["org_code"]) for x in partners["items"]] == \
        sorted([("local_authority", la1), ("local_authority", la2), ("pcf", pcf1), ("pcf", pcf2)])
    assert all(x["name"] for x in partners["items"]), partners

    add_member(h, pid, "icb", area.icb, "Senior responsible owner", who=icb)
    add_member(h, pid, "local_authority", la1, "Head of SEND", who=icb)
    add_member(h, pid, "local_authority", la2, "Head of SEND", who=icb)
    m = add_member(h, pid, "pcf", pcf1, "Parent carer representative", who=icb)
    assert set(m) >= {"org_type", "org_code", "name", "role_title", "added_at"}, m
    assert m["role_title"] == "Parent carer representative" and m["name"], m
    members = expect(h.get(path(pid, "/governance-members"), **icb), 200)["items"]
    assert {(x["org_type"], x["org_code"]) for x in members} == \
        {("icb", area.icb), ("local_authority", la1), ("local_authority", la2), ("pcf", pcf1)}

    # The delivery plan.
    r = h.get(path(pid, "/delivery-plan"), **icb)
    problem(r, 404)
    plan = put_plan(h, pid, plan_body(funding=(6_000_000, 3_000_000)), who=icb)
    assert PLAN_KEYS <= set(plan), f"plan lacks {PLAN_KEYS - set(plan)}"
    assert plan["project_id"] == pid and plan["plan_version"] == 1, plan
    assert plan["funding_total_pence"] == 9_000_000, plan
    assert plan["builds_on_local_offers"] is True and len(plan["commissioning_priorities"]) == 2
    signers = [(s["org_type"], s["org_code"]) for s in plan["sign_offs"]]
    assert sorted(signers) == sorted([("icb", area.icb), ("local_authority", la1),
                                      ("local_authority", la2), ("pcf", pcf1), ("pcf", pcf2)]), plan
    assert all(s["signed_at"] is None for s in plan["sign_offs"]), plan
    assert expect(h.get(path(pid, "/delivery-plan"), **icb), 200) == plan
    check_project(get_project(h, pid), status="setup", planned=9_000_000)

    # Schools: 40 (the target) in the first LA, then one more in the second: over the target.
    batch = area.schools(40, la1)
    for urn in batch:
        e = enrol(h, pid, urn, who=icb)
    assert ENROLMENT_KEYS <= set(e), f"enrolment lacks {ENROLMENT_KEYS - set(e)}"
    assert e["project_id"] == pid and e["urn"] == batch[-1] and e["la_code"] == la1 and e["name"], e
    assert e["cohort"] == "new" and e["withdrawn_at"] is None and e["enrolled_at"], e
    check_project(get_project(h, pid), status="setup", new=40, over=False, planned=9_000_000)
    extra = area.school(la2)
    enrol(h, pid, extra)
    check_project(get_project(h, pid), status="setup", new=41, over=True, planned=9_000_000)
    listed = walk(h, path(pid, "/schools"), who=icb, limit=7)
    assert sorted(x["urn"] for x in listed) == sorted(batch + [extra]), "school list incomplete"
    assert [x["urn"] for x in listed] == sorted(x["urn"] for x in listed)

    # Every partner signs the current version.
    for who, org_type, org in [(icb, "icb", area.icb), (as_la(la1), "local_authority", la1),
                               (as_la(la2), "local_authority", la2), (as_pcf(pcf1), "pcf", pcf1),
                               (as_pcf(pcf2), "pcf", pcf2)]:
        plan = sign(h, pid, who)
        entry = [s for s in plan["sign_offs"] if (s["org_type"], s["org_code"]) == (org_type, org)]
        assert len(entry) == 1 and entry[0]["signed_at"], plan
    assert all(s["signed_at"] for s in plan["sign_offs"]), plan

    # Submit, approve, MoU, two releases (one refused in between: over the allocation), close.
    doc = step(h, pid, "delivery-plan/submit", {"comment": "All partners signed"}, who=icb)
    check_project(doc, status="plan_submitted", new=41, over=True, planned=9_000_000)
    doc = step(h, pid, "delivery-plan/approve", {"comment": "Approved"})
    check_project(doc, status="plan_approved", new=41, over=True, planned=9_000_000)
    mou_on = f"{year[:4]}-05-01"
    doc = step(h, pid, "mou", {"signed_on": mou_on})
    check_project(doc, status="mou_signed", new=41, over=True, planned=9_000_000)
    assert doc["mou_signed_on"] == mou_on, doc
    doc = step(h, pid, "funding-release", {"released_on": f"{year[:4]}-06-01", "amount_pence": 4_000_000})
    check_project(doc, status="funded", new=41, over=True, planned=9_000_000, released=4_000_000)
    r = h.post(path(pid, "/funding-release"),
               json={"released_on": f"{year[:4]}-07-01", "amount_pence": 6_000_001})
    problem(r, 422, ["/amount_pence"])
    check_project(get_project(h, pid), status="funded", new=41, over=True, planned=9_000_000,
                  released=4_000_000)
    doc = step(h, pid, "funding-release", {"released_on": f"{year[:4]}-09-01", "amount_pence": 6_000_000})
    check_project(doc, status="funded", new=41, over=True, planned=9_000_000, released=10_000_000)
    doc = step(h, pid, "close", {"comment": "Year complete"})
    check_project(doc, status="closed", new=41, over=True, planned=9_000_000, released=10_000_000)
    assert doc["mou_signed_on"] == mou_on

    # A closed project takes no more partners, members, plan changes or schools.
    problem(h.post(path(pid, "/partners"), json={"org_type": "provider", "org_code": "PROV-1"}), 409)
    problem(h.post(path(pid, "/governance-members"),
                   json={"org_type": "pcf", "org_code": pcf2, "role_title": "Rep"}), 409)
    problem(h.put(path(pid, "/delivery-plan"), json=plan_body()), 409)
    problem(h.post(path(pid, "/schools"),
                   json={"urn": area.school(), "cohort": "new", "selection_reason": "Late"}), 409)

    # History: every step in order, with who did it; nothing for the refused requests.
    icb_row = ("icb", area.icb)
    nat = ("national", None)
    expected = [("created", *icb_row, None, "setup")]
    expected += [("partner_added", *icb_row, None, None)] * 3
    expected += [("partner_added", *nat, None, None)]
    expected += [("governance_member_added", *icb_row, None, None)] * 4
    expected += [("delivery_plan_updated", *icb_row, None, None)]
    expected += [("school_enrolled", *icb_row, None, None)] * 40
    expected += [("school_enrolled", *nat, None, None)]
    expected += [("delivery_plan_signed", "icb", area.icb, None, None),
                 ("delivery_plan_signed", "local_authority", la1, None, None),
                 ("delivery_plan_signed", "local_authority", la2, None, None),
                 ("delivery_plan_signed", "pcf", pcf1, None, None),
                 ("delivery_plan_signed", "pcf", pcf2, None, None),
                 ("plan_submitted", *icb_row, "setup", "plan_submitted"),
                 ("plan_approved", *nat, "plan_submitted", "plan_approved"),
                 ("mou_signed", *nat, "plan_approved", "mou_signed"),
                 ("funding_released", *nat, "mou_signed", "funded"),
                 ("funding_released", *nat, "funded", "funded"),
                 ("closed", *nat, "funded", "closed")]
    items = history(h, pid, who=icb, limit=25)
    check_history(items, expected)
    assert history(h, pid) == items, "history differs between page sizes"
    by_action = {}
    for i in items:
        by_action.setdefault(i["action"], []).append(i)
    assert by_action["plan_submitted"][0]["comment"] == "All partners signed"
    assert by_action["plan_approved"][0]["comment"] == "Approved"
    assert by_action["closed"][0]["comment"] == "Year complete"
    assert by_action["created"][0]["detail"]["financial_year"] == year
    assert [i["detail"]["amount_pence"] for i in by_action["funding_released"]] == [4_000_000, 6_000_000]
    assert by_action["school_enrolled"][-1]["detail"]["urn"] == extra
    # Partners read the history too, without the actors' sub (only national and the owning ICB see it).
    assert history(h, pid, who=as_pcf(pcf2)) == [dict(i, sub=None) for i in items]


def test_continuing_project_from_creation_to_closing(h):
    area = new_area(h)
    icb = as_icb(area.icb)
    start = rand_start()
    prev_year, year = fy(start - 1), fy(start)

    # Last year's project, with three schools.
    prev = create_project(h, area.icb, prev_year, "new", 5_000_000, who=icb)["id"]
    add_partner(h, prev, "local_authority", area.la)
    last_year = area.schools(3)
    for urn in last_year:
        enrol(h, prev, urn)

    doc = create_project(h, area.icb, year, "continuing", 8_000_000, who=icb)
    pid = doc["id"]
    assert doc["kind"] == "continuing" and doc["new_school_target"] == 30, doc
    check_project(doc, status="setup", allocation=8_000_000)

    add_partner(h, pid, "local_authority", area.la, who=icb)
    add_partner(h, pid, "pcf", area.pcf, who=icb)
    add_member(h, pid, "icb", area.icb, "SRO", who=icb)
    add_member(h, pid, "local_authority", area.la, "SEND lead", who=icb)
    add_member(h, pid, "pcf", area.pcf, "Parent carer rep", who=icb)
    put_plan(h, pid, plan_body(funding=(5_000_000, 2_500_000)), who=icb)

    # Two of last year's schools embed; one school is new.
    e = enrol(h, pid, last_year[0], "embedding", who=icb)
    assert e["cohort"] == "embedding", e
    enrol(h, pid, last_year[1], "embedding", who=icb)
    fresh = area.school()
    enrol(h, pid, fresh, "new", who=icb)
    check_project(get_project(h, pid), status="setup", new=1, embedding=2, planned=7_500_000,
                  allocation=8_000_000)

    sign(h, pid, icb)
    sign(h, pid, as_la(area.la))
    sign(h, pid, as_pcf(area.pcf))
    step(h, pid, "delivery-plan/submit", who=icb)
    step(h, pid, "delivery-plan/approve")
    step(h, pid, "mou", {"signed_on": f"{year[:4]}-04-20"})
    doc = step(h, pid, "funding-release", {"released_on": f"{year[:4]}-05-01", "amount_pence": 8_000_000})
    check_project(doc, status="funded", new=1, embedding=2, planned=7_500_000, released=8_000_000,
                  allocation=8_000_000)
    problem(h.post(path(pid, "/funding-release"),
                   json={"released_on": f"{year[:4]}-06-01", "amount_pence": 1}), 422, ["/amount_pence"])
    doc = step(h, pid, "close")
    check_project(doc, status="closed", new=1, embedding=2, planned=7_500_000, released=8_000_000,
                  allocation=8_000_000)

    icb_row, nat = ("icb", area.icb), ("national", None)
    check_history(history(h, pid), [
        ("created", *icb_row, None, "setup"),
        ("partner_added", *icb_row, None, None), ("partner_added", *icb_row, None, None),
        ("governance_member_added", *icb_row, None, None),
        ("governance_member_added", *icb_row, None, None),
        ("governance_member_added", *icb_row, None, None),
        ("delivery_plan_updated", *icb_row, None, None),
        ("school_enrolled", *icb_row, None, None), ("school_enrolled", *icb_row, None, None),
        ("school_enrolled", *icb_row, None, None),
        ("delivery_plan_signed", *icb_row, None, None),
        ("delivery_plan_signed", "local_authority", area.la, None, None),
        ("delivery_plan_signed", "pcf", area.pcf, None, None),
        ("plan_submitted", *icb_row, "setup", "plan_submitted"),
        ("plan_approved", *nat, "plan_submitted", "plan_approved"),
        ("mou_signed", *nat, "plan_approved", "mou_signed"),
        ("funding_released", *nat, "mou_signed", "funded"),
        ("closed", *nat, "funded", "closed"),
    ])
    # Last year's project is untouched by this year's.
    check_project(get_project(h, prev), status="setup", new=3, allocation=5_000_000)


def test_over_target_counts_new_schools_not_withdrawn_or_embedding(h):
    """A continuing project's target is 30 new schools; embedding and withdrawn schools do not
    count towards it. Going over is allowed and flagged."""
    area = new_area(h)
    start = rand_start()
    prev = create_project(h, area.icb, fy(start - 1))["id"]
    add_partner(h, prev, "local_authority", area.la)
    embedding = area.school()
    enrol(h, prev, embedding)
    pid = create_project(h, area.icb, fy(start), "continuing")["id"]
    add_partner(h, pid, "local_authority", area.la)
    enrol(h, pid, embedding, "embedding")
    schools = area.schools(31)
    for urn in schools[:30]:
        enrol(h, pid, urn)
    doc = get_project(h, pid)
    assert (doc["enrolled"], doc["over_target"]) == ({"new": 30, "embedding": 1}, False), doc
    enrol(h, pid, schools[30])
    doc = get_project(h, pid)
    assert (doc["enrolled"], doc["over_target"]) == ({"new": 31, "embedding": 1}, True), doc
    assert expect(withdraw(h, pid, schools[0]), 200)["withdrawn_at"]
    doc = get_project(h, pid)
    assert (doc["enrolled"], doc["over_target"]) == ({"new": 30, "embedding": 1}, False), doc
