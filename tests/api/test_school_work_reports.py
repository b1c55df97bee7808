"""Quarterly reports (issue 4): drafts with live figures, the narrative, submission freezing the
figures (late or not against the due date), national review (accept / return), resubmission, and
one outbox event per submission, acceptance and return."""

from __future__ import annotations

import pytest

from school_work import (EVALUATOR, NATIONAL, REPORT_ACCEPTED, REPORT_RETURNED, REPORT_SUBMITTED, as_icb, as_la,
                         as_pcf, as_school, assert_envelope, complete_baseline, complete_meeting, create_intervention,
                         create_meeting, create_report, deliver_body, due_on, expect, get_report, intervention_step,
                         new_site, other_icb, outbox_rows, past_start, problem, put_group, quarter, report_step,
                         reports_path, walk)

REPORT_FIELDS = {"id", "project_id", "quarter", "status", "narrative", "figures", "figures_live", "due_on",
                 "submitted_at", "submitted_late", "review_comment", "created_at", "updated_at"}
ALLOCATION = 5_000_000


def zero_figures(n_new=0, allocation=ALLOCATION):
    return {"schools": {"new": n_new, "embedding": 0, "withdrawn": 0},
            "self_assessments_completed": {"baseline": 0, "follow_up": 0},
            "interventions": {"commissioned": 0, "delivered": 0, "by_delivery_mode": {}},
            "engagement_meetings_held": 0, "schools_with_parent_carer_group": 0,
            "funding": {"allocation_pence": allocation, "committed_pence": 0, "released_pence": 0}}


def test_create_due_dates_and_refusals(h):
    s = new_site(h, n_schools=1, allocation=ALLOCATION)
    icb = as_icb(s.icb)
    reports = {}
    for q in (1, 2, 3, 4):
        who = icb if q != 2 else NATIONAL
        doc = create_report(h, s.id, quarter(s.start, q), who=who)
        assert set(doc) == REPORT_FIELDS, sorted(set(doc) ^ REPORT_FIELDS)
        assert doc["project_id"] == s.id and doc["quarter"] == quarter(s.start, q)
        assert doc["status"] == "draft" and doc["figures_live"] is True
        assert doc["due_on"] == due_on(s.start, q), (q, doc["due_on"])
        assert doc["narrative"] == {"progress": None, "risks": None, "next_steps": None}
        assert doc["submitted_at"] is None and doc["submitted_late"] is None and doc["review_comment"] is None
        assert doc["figures"] == zero_figures(n_new=1), doc["figures"]
        reports[q] = doc
    # e.g. 2040-41: Q1 2040-07-15, Q2 2040-10-15, Q3 2041-01-15, Q4 2041-04-15
    assert reports[4]["due_on"] == f"{s.start + 1}-04-15"
    assert reports[3]["due_on"] == f"{s.start + 1}-01-15"

    listed = walk(h, reports_path(s.id), who=icb, limit=3)
    assert sorted(r["id"] for r in listed) == sorted(r["id"] for r in reports.values())
    assert get_report(h, s.id, reports[3]["id"], who=icb) == reports[3]

    # One report per quarter.
    problem(h.post(reports_path(s.id), json={"quarter": quarter(s.start, 1)}, **icb), 409)
    # Only quarters of the project's own financial year.
    for q in (quarter(s.start + 1, 1), quarter(s.start - 1, 4)):
        problem(h.post(reports_path(s.id), json={"quarter": q}, **icb), 422, ["/quarter"])
    for bad in (f"{s.year}-Q5", f"{s.year}-Q0", f"{s.year}Q1", "2040-42-Q1", "", 3):
        problem(h.post(reports_path(s.id), json={"quarter": bad}, **icb), 422, ["/quarter"])
    problem(h.post(reports_path(s.id), json={}, **icb), 422, ["/quarter"])

    # Who: the partners, the evaluator and schools read; only national and the ICB create.
    q1 = reports[1]["id"]
    for who in (as_la(s.la), as_pcf(s.pcf), EVALUATOR, as_school(s.schools[0])):
        assert get_report(h, s.id, q1, who=who)["id"] == q1
        assert len(walk(h, reports_path(s.id), who=who)) == 4
        problem(h.post(reports_path(s.id), json={"quarter": quarter(s.start, 1)}, **who), 403)
        problem(h.patch(reports_path(s.id, q1), json={"progress": "x"}, **who), 403)
    other = as_icb(other_icb(h))
    problem(h.get(reports_path(s.id), **other), 404)
    problem(h.get(reports_path(s.id, q1), **other), 404)
    problem(h.post(reports_path(s.id), json={"quarter": quarter(s.start, 1)}, **other), 404)
    unknown = "00000000-0000-4000-8000-000000000000"
    problem(h.get(reports_path(s.id, unknown), **icb), 404)
    problem(h.get(reports_path(s.id, "nope"), **icb), 404)
    # A report is found only under its own project.
    t = new_site(h, n_schools=1)
    problem(h.get(reports_path(t.id, q1)), 404)


def test_live_figures_then_frozen_at_submission(h):
    s = new_site(h, n_schools=2, allocation=ALLOCATION)
    u1, u2 = s.schools
    icb = as_icb(s.icb)
    rep = create_report(h, s.id, quarter(s.start, 2), who=icb)
    rid = rep["id"]
    assert rep["figures"] == zero_figures(n_new=2)

    # Enrol a third school, complete a baseline, commission and deliver support, hold a meeting,
    # record a parent carer group.
    u3 = s.school(enrolled=True)
    complete_baseline(h, s.id, u1)
    a = create_intervention(h, s.id, u1, who=icb, cost_pence=100_000, planned_days=3)
    b = create_intervention(h, s.id, u2, who=icb, cost_pence=50_000, planned_days=2,
                            menu_item_code="MH-WELLBEING-WHOLE-SCHOOL",
                            professional_type="mental_health_practitioner", delivery_mode="virtual",
                            addresses_domains=["mental_health"])
    c = create_intervention(h, s.id, None, who=icb, cost_pence=7_000, planned_days=1, delivery_mode="face_to_face")
    for i in (a, b):
        intervention_step(h, s.id, i["id"], "commission", who=icb)
    intervention_step(h, s.id, a["id"], "deliver", deliver_body(delivered_days=2), who=icb)
    x = create_intervention(h, s.id, u3, who=icb, cost_pence=999)
    intervention_step(h, s.id, x["id"], "cancel", {"reason": "Not needed"}, who=icb)
    m = create_meeting(h, s.id, u1, s.pcf, as_pcf(s.pcf))
    complete_meeting(h, m["id"], as_pcf(s.pcf))
    create_meeting(h, s.id, u2, s.pcf, as_pcf(s.pcf))                      # scheduled: not held
    put_group(h, s.id, u1, s.pcf, who=as_school(u1))

    live = get_report(h, s.id, rid, who=icb)
    assert live["figures_live"] is True and live["status"] == "draft"
    f = live["figures"]
    assert f["schools"] == {"new": 3, "embedding": 0, "withdrawn": 0}, f
    assert f["self_assessments_completed"] == {"baseline": 1, "follow_up": 0}, f
    assert f["interventions"]["commissioned"] == 2 and f["interventions"]["delivered"] == 1, f
    modes = f["interventions"]["by_delivery_mode"]
    assert modes["face_to_face"] == {"commissioned": 1, "delivered": 1, "planned_days": 4, "delivered_days": 2,
                                     "cost_pence": 107_000}, modes
    assert modes["virtual"] == {"commissioned": 1, "delivered": 0, "planned_days": 2, "delivered_days": 0,
                                "cost_pence": 50_000}, modes
    assert f["engagement_meetings_held"] == 1 and f["schools_with_parent_carer_group"] == 1, f
    assert f["funding"] == {"allocation_pence": ALLOCATION, "committed_pence": 157_000, "released_pence": 0}, f
    assert c["urn"] is None

    # A withdrawn school moves from new to withdrawn.
    expect(h.delete(s.path(f"/schools/{u3}"), json={"reason": "Closed"}), 200)
    f = get_report(h, s.id, rid, who=icb)["figures"]
    assert f["schools"] == {"new": 2, "embedding": 0, "withdrawn": 1}, f
    u3 = s.school(enrolled=True)
    f = get_report(h, s.id, rid, who=icb)["figures"]
    assert f["schools"] == {"new": 3, "embedding": 0, "withdrawn": 1}, f

    # Narrative: merged member by member; null clears.
    r = h.patch(reports_path(s.id, rid), json={"progress": "All three schools started."}, **icb)
    assert expect(r, 200)["narrative"] == {"progress": "All three schools started.", "risks": None,
                                           "next_steps": None}
    r = h.patch(reports_path(s.id, rid), json={"risks": "Therapist recruitment.", "next_steps": "Follow-ups."},
                **NATIONAL)
    assert expect(r, 200)["narrative"] == {"progress": "All three schools started.",
                                           "risks": "Therapist recruitment.", "next_steps": "Follow-ups."}
    r = h.patch(reports_path(s.id, rid), json={"next_steps": None}, **icb)
    assert expect(r, 200)["narrative"]["next_steps"] is None
    problem(h.patch(reports_path(s.id, rid), json={"progress": 7}, **icb), 422, ["/progress"])
    problem(h.patch(reports_path(s.id, rid), json={"summary": "x"}, **icb), 422)
    before = get_report(h, s.id, rid, who=icb)

    # Submit: only the ICB (not national, not a partner).
    for who in (NATIONAL, as_la(s.la), as_pcf(s.pcf), EVALUATOR):
        problem(report_step(h, s.id, rid, "submit", who=who), 403)
    sub = expect(report_step(h, s.id, rid, "submit", who=icb), 200)
    assert sub["status"] == "submitted" and sub["figures_live"] is False
    assert sub["submitted_at"] and sub["submitted_late"] is False
    assert sub["figures"] == before["figures"] and sub["narrative"] == before["narrative"]
    assert get_report(h, s.id, rid, who=icb) == sub

    # Later work does not change the frozen figures.
    create_intervention(h, s.id, u2, who=icb, cost_pence=1_000)
    m2 = create_meeting(h, s.id, u2, s.pcf, as_icb(s.icb))
    complete_meeting(h, m2["id"], as_icb(s.icb))
    complete_baseline(h, s.id, u2)
    put_group(h, s.id, u2, s.pcf, who=icb)
    s.school(enrolled=True)
    after = get_report(h, s.id, rid, who=icb)
    assert after["figures"] == sub["figures"] and after["figures_live"] is False
    # ... while a draft for another quarter collates them live.
    other = create_report(h, s.id, quarter(s.start, 3), who=icb)
    assert other["figures"]["engagement_meetings_held"] == 2
    assert other["figures"]["self_assessments_completed"]["baseline"] == 2
    assert other["figures"]["schools"] == {"new": 4, "embedding": 0, "withdrawn": 1}
    assert other["figures"]["funding"]["committed_pence"] == 158_000

    # A submitted report is not edited or submitted again.
    problem(h.patch(reports_path(s.id, rid), json={"progress": "late edit"}, **icb), 409)
    problem(report_step(h, s.id, rid, "submit", who=icb), 409)
    assert get_report(h, s.id, rid) == after

    rows = outbox_rows(h, reports_path(s.id, rid), REPORT_SUBMITTED)
    assert len(rows) == 1, rows
    assert_envelope(rows[0], REPORT_SUBMITTED, "pins.quarterly-reports", s.id, reports_path(s.id, rid), sub)


def test_due_days_configurable(h, spawn):
    """PINS_REPORT_DUE_DAYS=30: due 30 days after the quarter's last day."""
    from harness import free_port
    port = free_port()
    srv = spawn("due30", h.server_env(PINS_LISTEN_PORT=port, PINS_REPORT_DUE_DAYS=30), port, wait_healthy=True)
    s = new_site(h, n_schools=1)
    y = s.start
    want = {1: f"{y}-07-30", 2: f"{y}-10-30", 3: f"{y + 1}-01-30", 4: f"{y + 1}-04-30"}
    for q, due in want.items():
        r = h.post(reports_path(s.id), json={"quarter": quarter(y, q)}, base_url=srv.base_url, **as_icb(s.icb))
        assert expect(r, 201)["due_on"] == due, (q, r.text)


@pytest.mark.parametrize("q", [1, 4])
def test_submitted_late_for_a_past_quarter(h, q):
    s = new_site(h, n_schools=1, start=past_start())
    rep = create_report(h, s.id, quarter(s.start, q), who=as_icb(s.icb))
    assert rep["due_on"] == due_on(s.start, q)
    sub = expect(report_step(h, s.id, rep["id"], "submit", who=as_icb(s.icb)), 200)
    assert sub["status"] == "submitted" and sub["submitted_late"] is True, sub


def test_review_return_resubmit_accept_and_events(h):
    s = new_site(h, n_schools=1)
    icb = as_icb(s.icb)
    rid = create_report(h, s.id, quarter(s.start, 1), who=icb)["id"]
    subject = reports_path(s.id, rid)

    def events(type_):
        return outbox_rows(h, subject, type_)

    # Nothing to review until submitted.
    problem(report_step(h, s.id, rid, "accept", who=NATIONAL), 409)
    problem(report_step(h, s.id, rid, "return", {"comment": "x"}, who=NATIONAL), 409)
    assert outbox_rows(h, subject) == []

    sub1 = expect(report_step(h, s.id, rid, "submit", who=icb), 200)
    assert [r["envelope"]["data"] for r in events(REPORT_SUBMITTED)] == [sub1]

    # Review is national's: the ICB and the others are refused.
    for who in (icb, as_la(s.la), EVALUATOR):
        problem(report_step(h, s.id, rid, "accept", who=who), 403)
        problem(report_step(h, s.id, rid, "return", {"comment": "x"}, who=who), 403)
    # Returning needs a comment; a refused return changes nothing and adds no event.
    problem(report_step(h, s.id, rid, "return", {}, who=NATIONAL), 422, ["/comment"])
    problem(report_step(h, s.id, rid, "return", who=NATIONAL), 422, ["/comment"])
    problem(report_step(h, s.id, rid, "return", {"comment": None}, who=NATIONAL), 422, ["/comment"])
    assert get_report(h, s.id, rid) == sub1
    assert events(REPORT_RETURNED) == []

    ret = expect(report_step(h, s.id, rid, "return", {"comment": "Please add the risks."}, who=NATIONAL), 200)
    assert ret["status"] == "returned" and ret["review_comment"] == "Please add the risks."
    assert ret["figures_live"] is True
    rows = events(REPORT_RETURNED)
    assert len(rows) == 1
    assert_envelope(rows[0], REPORT_RETURNED, "pins.quarterly-reports", s.id, subject, ret)

    # Returned: live figures again, editable, resubmittable; not reviewable.
    create_intervention(h, s.id, s.schools[0], who=icb, cost_pence=12_345)
    live = get_report(h, s.id, rid, who=icb)
    assert live["figures"]["funding"]["committed_pence"] == 12_345
    assert sub1["figures"]["funding"]["committed_pence"] == 0
    edited = expect(h.patch(subject, json={"risks": "Recruitment of therapists."}, **icb), 200)
    assert edited["narrative"]["risks"] == "Recruitment of therapists." and edited["status"] == "returned"
    problem(report_step(h, s.id, rid, "accept", who=NATIONAL), 409)
    problem(report_step(h, s.id, rid, "return", {"comment": "again"}, who=NATIONAL), 409)

    sub2 = expect(report_step(h, s.id, rid, "submit", who=icb), 200)
    assert sub2["status"] == "submitted" and sub2["figures_live"] is False
    assert sub2["figures"]["funding"]["committed_pence"] == 12_345
    assert sub2["narrative"]["risks"] == "Recruitment of therapists."
    rows = events(REPORT_SUBMITTED)
    assert [r["envelope"]["data"] for r in rows] == [sub1, sub2], "one submitted event per submission"
    assert rows[0]["envelope"]["id"] != rows[1]["envelope"]["id"]

    acc = expect(report_step(h, s.id, rid, "accept", {"comment": "Thank you."}, who=NATIONAL), 200)
    assert acc["status"] == "accepted" and acc["figures"] == sub2["figures"] and acc["figures_live"] is False
    assert get_report(h, s.id, rid, who=EVALUATOR) == acc
    rows = events(REPORT_ACCEPTED)
    assert len(rows) == 1
    assert_envelope(rows[0], REPORT_ACCEPTED, "pins.quarterly-reports", s.id, subject, acc)

    # Accepted is final.
    problem(report_step(h, s.id, rid, "accept", who=NATIONAL), 409)
    problem(report_step(h, s.id, rid, "return", {"comment": "x"}, who=NATIONAL), 409)
    problem(report_step(h, s.id, rid, "submit", who=icb), 409)
    problem(h.patch(subject, json={"progress": "x"}, **icb), 409)

    # Exactly these events, in this order.
    assert [r["type"] for r in outbox_rows(h, subject)] == \
        [REPORT_SUBMITTED, REPORT_RETURNED, REPORT_SUBMITTED, REPORT_ACCEPTED]


def test_accept_without_comment(h):
    s = new_site(h, n_schools=1)
    icb = as_icb(s.icb)
    rid = create_report(h, s.id, quarter(s.start, 3), who=icb)["id"]
    expect(report_step(h, s.id, rid, "submit", {}, who=icb), 200)
    acc = expect(report_step(h, s.id, rid, "accept", who=NATIONAL), 200)
    assert acc["status"] == "accepted" and acc["review_comment"] is None
    assert [r["type"] for r in outbox_rows(h, reports_path(s.id, rid))] == [REPORT_SUBMITTED, REPORT_ACCEPTED]
