"""Parent carer engagement (issue 4): each school's parent carer group (PUT/GET
/v1/projects/{id}/schools/{urn}/parent-carer-group) and engagement meetings (/v1/engagement-meetings),
with the engagement_access rule and the completed-meeting event."""

from __future__ import annotations

import uuid

from harness import assert_problem
from projects import answer
from school_work import (ENGAGEMENT_MEETINGS, EVALUATOR, MEETING_COMPLETED, NATIONAL, as_icb, as_la, as_pcf,
                         as_school, assert_envelope, complete_meeting, completion_body, create_meeting, expect,
                         feed_events, group_body, group_path, meeting_body, meeting_ids, meeting_url, new_pcf,
                         new_site, other_icb, outbox_rows, problem, put_group, walk)

GROUP_FIELDS = {"project_id", "urn", "pcf_id", "formed_on", "member_count", "updated_at"}
MEETING_FIELDS = {"id", "project_id", "urn", "pcf_id", "scheduled_for", "status", "held_on", "attendance",
                  "themes", "actions", "cancel_reason", "created_at", "updated_at"}

# ---------------------------------------------------------------------------------------------
# Parent carer group
# ---------------------------------------------------------------------------------------------


def test_group_put_get_and_access(h):
    s = new_site(h, n_schools=2, n_las=2, school_las=[0, 1])
    u1, u2 = s.schools
    pcf1, pcf2 = s.pcfs[s.las[0]], s.pcfs[s.las[1]]
    url = group_path(s.id, u1)

    # No group yet.
    problem(h.get(url, **as_icb(s.icb)), 404)

    # The partner forum of the school's LA writes.
    g = put_group(h, s.id, u1, pcf1, who=as_pcf(pcf1), formed_on="2040-09-01", member_count=12)
    assert set(g) == GROUP_FIELDS, sorted(g)
    assert (g["project_id"], g["urn"], g["pcf_id"], g["formed_on"], g["member_count"]) == \
        (s.id, u1, pcf1, "2040-09-01", 12)
    assert expect(h.get(url, **as_pcf(pcf1)), 200) == g

    # The school writes its own (PUT replaces).
    g2 = put_group(h, s.id, u1, pcf1, who=as_school(u1), member_count=15, formed_on="2040-09-08")
    assert g2["member_count"] == 15 and g2["formed_on"] == "2040-09-08"
    # The ICB writes.
    g3 = put_group(h, s.id, u1, pcf1, who=as_icb(s.icb), member_count=16)
    assert g3["member_count"] == 16

    # Readers: the school's partner LA, the evaluator and the national team (403 on PUT).
    for who in (as_la(s.las[0]), EVALUATOR, NATIONAL):
        assert expect(h.get(url, **who), 200) == g3, who
        problem(h.put(url, json=group_body(pcf1, member_count=1), **who), 403)

    # Not visible: a forum that is not a partner (even one of the school's own LA), a partner
    # forum of another LA that does not run the group, another partner LA, another school of the
    # project, another ICB.
    outsider = new_pcf(h, s.las[0])
    for who in (as_pcf(outsider), as_pcf(pcf2), as_la(s.las[1]), as_school(u2), as_icb(other_icb(h))):
        problem(h.get(url, **who), 404)
        problem(h.put(url, json=group_body(pcf1, member_count=1), **who), 404)
    assert expect(h.get(url), 200)["member_count"] == 16

    # A forum that runs a school's group may write it even when the school is in another LA.
    put_group(h, s.id, u2, pcf1, who=as_icb(s.icb))
    assert put_group(h, s.id, u2, pcf1, who=as_pcf(pcf1), member_count=4)["member_count"] == 4
    assert expect(h.get(group_path(s.id, u2), **as_pcf(pcf2)), 200)["pcf_id"] == pcf1

    # Refusals: a pcf_id that names no forum, bad fields.
    r = h.put(url, json=group_body("no-such-forum-anywhere"), **as_icb(s.icb))
    problem(r, 422, ["/pcf_id"])
    problem(h.put(url, json=group_body(pcf1, member_count=-1), **as_icb(s.icb)), 422, ["/member_count"])
    problem(h.put(url, json=group_body(pcf1, formed_on="2040-13-01"), **as_icb(s.icb)), 422, ["/formed_on"])
    problem(h.put(url, json={"pcf_id": pcf1}, **as_icb(s.icb)), 422, ["/formed_on", "/member_count"])
    assert expect(h.get(url), 200)["member_count"] == 16

    # A school that is not enrolled has no group to record.
    loose = s.school()
    problem(h.put(group_path(s.id, loose), json=group_body(pcf1), **as_icb(s.icb)), 404)
    problem(h.get(group_path(s.id, loose), **as_icb(s.icb)), 404)


def test_group_forum_must_be_a_partner(h):
    """Issue 11: a group's forum is a partner of the project, as a meeting's is."""
    s = new_site(h, n_schools=1)
    urn = s.schools[0]
    url = group_path(s.id, urn)
    outsider = new_pcf(h, s.la)  # a forum of the school's own LA, not a partner
    for who in (as_icb(s.icb), as_school(urn), as_pcf(s.pcf)):
        body = problem(h.put(url, json=group_body(outsider), **who), 422, ["/pcf_id"])
        assert [e["detail"] for e in body["errors"]] == \
            ["the parent carer forum is not a partner in this project"], body
    problem(h.get(url), 404)
    g = put_group(h, s.id, urn, s.pcf, who=as_icb(s.icb))
    # A forum that was a partner once but is no longer.
    assert h.delete(s.path(f"/partners/pcf/{s.pcf}")).status_code == 204
    problem(h.put(url, json=group_body(s.pcf, member_count=3), **as_icb(s.icb)), 422, ["/pcf_id"])
    assert expect(h.get(url), 200) == g


# ---------------------------------------------------------------------------------------------
# Engagement meetings
# ---------------------------------------------------------------------------------------------


def test_meeting_for_a_project_the_school_cannot_see(h):
    """Issue 11: a school answered 404 for another tenant's project learnt from the 422 of a
    meeting that the project exists (urn "not enrolled") and which forums are its partners
    (pcf_id "not a partner" only for the others). A project the caller may not see is answered
    exactly as one that does not exist, whatever the forum."""
    mine, theirs = new_site(h, n_schools=1), new_site(h, n_schools=1)
    urn = mine.schools[0]
    school = as_school(urn)
    problem(h.get(theirs.path(), **school), 404)
    unknown = str(uuid.uuid4())
    answers = set()
    for pcf_id in (theirs.pcf, mine.pcf, new_pcf(h, theirs.la), "no-such-forum-anywhere"):
        for pid in (theirs.id, unknown):
            r = h.post(ENGAGEMENT_MEETINGS, json=meeting_body(pid, urn, pcf_id), **school)
            body = problem(r, 422, ["/project_id"])
            assert [e["pointer"] for e in body["errors"]] == ["/project_id"], body
            answers.add(repr(answer(r)))
    assert len(answers) == 1, answers
    # A school not enrolled in the project it names is such a caller too.
    loose = theirs.school()
    r = h.post(ENGAGEMENT_MEETINGS, json=meeting_body(theirs.id, loose, theirs.pcf), **as_school(loose))
    assert repr(answer(r)) in answers, r.text
    assert not meeting_ids(h, NATIONAL, project_id=theirs.id)


def test_meeting_create_by_each_role_and_refusals(h):
    s = new_site(h, n_schools=1)
    urn = s.schools[0]

    by_pcf = create_meeting(h, s.id, urn, s.pcf, as_pcf(s.pcf))
    assert set(by_pcf) == MEETING_FIELDS, sorted(by_pcf)
    assert (by_pcf["project_id"], by_pcf["urn"], by_pcf["pcf_id"], by_pcf["scheduled_for"], by_pcf["status"]) \
        == (s.id, urn, s.pcf, "2040-10-14", "scheduled")
    for k in ("held_on", "attendance", "themes", "actions", "cancel_reason"):
        assert by_pcf[k] is None, (k, by_pcf)
    r = h.get(meeting_url(by_pcf["id"]), **as_pcf(s.pcf))
    assert expect(r, 200) == by_pcf and r.headers.get("ETag"), r.headers
    create_meeting(h, s.id, urn, s.pcf, as_school(urn), scheduled_for="2040-11-01")
    create_meeting(h, s.id, urn, s.pcf, as_icb(s.icb), scheduled_for="2040-12-01")

    # The school is not enrolled (the school itself may not see the project: below).
    loose = s.school()
    for who in (as_icb(s.icb), as_pcf(s.pcf)):
        problem(h.post(ENGAGEMENT_MEETINGS, json=meeting_body(s.id, loose, s.pcf), **who), 422, ["/urn"])

    # A school withdrawn from the project.
    gone = s.school(enrolled=True)
    expect(h.delete(s.path(f"/schools/{gone}"), json={"reason": "Moved away"}), 200)
    problem(h.post(ENGAGEMENT_MEETINGS, json=meeting_body(s.id, gone, s.pcf), **as_icb(s.icb)), 422, ["/urn"])

    # The forum is not a partner of the project (or names no forum at all).
    outsider = new_pcf(h, s.la)
    for pcf_id in (outsider, "no-such-forum-anywhere"):
        problem(h.post(ENGAGEMENT_MEETINGS, json=meeting_body(s.id, urn, pcf_id), **as_icb(s.icb)), 422,
                ["/pcf_id"])

    # Roles that never arrange meetings.
    for who in (EVALUATOR, NATIONAL, as_la(s.la)):
        problem(h.post(ENGAGEMENT_MEETINGS, json=meeting_body(s.id, urn, s.pcf), **who), 403)

    # Callers with no engagement access to the school: 422 naming the project.
    for who in (as_pcf(outsider), as_icb(other_icb(h)), as_school(loose)):
        problem(h.post(ENGAGEMENT_MEETINGS, json=meeting_body(s.id, urn, s.pcf), **who), 422, ["/project_id"])
    unknown = "00000000-0000-4000-8000-000000000000"
    problem(h.post(ENGAGEMENT_MEETINGS, json=meeting_body(unknown, urn, s.pcf), **as_icb(s.icb)), 422,
            ["/project_id"])

    # Shape errors.
    problem(h.post(ENGAGEMENT_MEETINGS, json=meeting_body(s.id, urn, s.pcf, scheduled_for="soon"),
                   **as_icb(s.icb)), 422, ["/scheduled_for"])
    problem(h.post(ENGAGEMENT_MEETINGS, json={"project_id": s.id}, **as_icb(s.icb)), 422,
            ["/urn", "/pcf_id", "/scheduled_for"])

    assert len(meeting_ids(h, as_icb(s.icb), project_id=s.id)) == 3


def test_meeting_complete_event_and_refusals(h):
    s = new_site(h, n_schools=1)
    urn = s.schools[0]
    m = create_meeting(h, s.id, urn, s.pcf, as_pcf(s.pcf))
    subject = meeting_url(m["id"])

    # A failed completion (an attendance member missing) changes nothing and leaves no event.
    bad = completion_body()
    del bad["attendance"]["school_staff"]
    problem(h.post(meeting_url(m["id"], "/complete"), json=bad, **as_pcf(s.pcf)), 422, ["/attendance/school_staff"])
    problem(h.post(meeting_url(m["id"], "/complete"), json=completion_body(attendance=None), **as_pcf(s.pcf)),
            422, ["/attendance"])
    problem(h.post(meeting_url(m["id"], "/complete"),
                   json=completion_body(actions=[{"description": "x", "owner_role": "mayor",
                                                  "due_on": "2040-11-01"}]), **as_pcf(s.pcf)),
            422, ["/actions/0/owner_role"])
    problem(h.post(meeting_url(m["id"], "/complete"), json={"attendance": completion_body()["attendance"]},
                   **as_pcf(s.pcf)), 422, ["/held_on"])
    assert outbox_rows(h, subject) == []
    assert expect(h.get(subject), 200)["status"] == "scheduled"

    # Readers may not complete it.
    for who in (as_la(s.la), EVALUATOR, NATIONAL):
        problem(h.post(meeting_url(m["id"], "/complete"), json=completion_body(), **who), 403)
    problem(h.post(meeting_url(m["id"], "/complete"), json=completion_body(), **as_icb(other_icb(h))), 404)
    assert outbox_rows(h, subject) == []

    done = complete_meeting(h, m["id"], as_school(urn))
    body = completion_body()
    assert done["status"] == "completed" and done["held_on"] == body["held_on"]
    assert done["attendance"] == body["attendance"]
    assert done["themes"] == body["themes"] and done["actions"] == body["actions"]
    got = expect(h.get(subject, **as_icb(s.icb)), 200)
    assert got == done

    rows = outbox_rows(h, subject)
    assert len(rows) == 1, rows
    assert_envelope(rows[0], MEETING_COMPLETED, "pins.engagement-meetings", s.id, subject, got)
    # The HTTP feed carries the same envelope.
    feed = feed_events(h, MEETING_COMPLETED, subject)
    assert feed == [rows[0]["envelope"]], feed

    # Completing (or cancelling) again is a conflict and adds no event.
    problem(h.post(meeting_url(m["id"], "/complete"), json=completion_body(), **as_icb(s.icb)), 409)
    problem(h.post(meeting_url(m["id"], "/cancel"), json={"reason": "Too late"}, **as_icb(s.icb)), 409)
    assert len(outbox_rows(h, subject)) == 1
    assert expect(h.get(subject), 200) == got

    # themes and actions are optional (default empty lists).
    m2 = create_meeting(h, s.id, urn, s.pcf, as_icb(s.icb))
    bare = expect(h.post(meeting_url(m2["id"], "/complete"),
                         json={"held_on": "2040-10-20", "attendance": body["attendance"]}, **as_icb(s.icb)), 200)
    assert bare["themes"] == [] and bare["actions"] == []
    rows = outbox_rows(h, meeting_url(m2["id"]))
    assert len(rows) == 1 and rows[0]["envelope"]["data"] == bare


def test_meeting_cancel(h):
    s = new_site(h, n_schools=1)
    urn = s.schools[0]
    m = create_meeting(h, s.id, urn, s.pcf, as_icb(s.icb))
    url = meeting_url(m["id"])
    problem(h.post(url + "/cancel", json={}, **as_icb(s.icb)), 422, ["/reason"])
    problem(h.post(url + "/cancel", json={"reason": "x"}, **as_la(s.la)), 403)
    c = expect(h.post(url + "/cancel", json={"reason": "Head teacher unwell"}, **as_pcf(s.pcf)), 200)
    assert c["status"] == "cancelled" and c["cancel_reason"] == "Head teacher unwell" and c["held_on"] is None
    assert expect(h.get(url), 200) == c
    problem(h.post(url + "/cancel", json={"reason": "again"}, **as_icb(s.icb)), 409)
    problem(h.post(url + "/complete", json=completion_body(), **as_icb(s.icb)), 409)
    assert outbox_rows(h, url) == []
    unknown = "00000000-0000-4000-8000-000000000000"
    problem(h.get(meeting_url(unknown), **as_icb(s.icb)), 404)
    problem(h.post(meeting_url(unknown, "/cancel"), json={"reason": "x"}, **as_icb(s.icb)), 404)


def test_meeting_list_by_visibility(h):
    # Two LAs, each with a partner forum; one enrolled school in each.
    s = new_site(h, n_schools=2, n_las=2, school_las=[0, 1])
    (la1, la2), (u1, u2) = s.las, s.schools
    pcf1, pcf2 = s.pcfs[la1], s.pcfs[la2]
    m1 = create_meeting(h, s.id, u1, pcf1, as_pcf(pcf1))["id"]
    m2 = create_meeting(h, s.id, u2, pcf2, as_pcf(pcf2))["id"]
    m3 = create_meeting(h, s.id, u2, pcf2, as_school(u2), scheduled_for="2041-02-01")["id"]
    complete_meeting(h, m2, as_icb(s.icb))
    expect(h.post(meeting_url(m3, "/cancel"), json={"reason": "Snow"}, **as_icb(s.icb)), 200)
    all3 = {m1, m2, m3}

    # Another project (another ICB) with its own meeting, to see that lists keep to their own.
    t = new_site(h, n_schools=1)
    n1 = create_meeting(h, t.id, t.schools[0], t.pcf, as_icb(t.icb))["id"]

    assert meeting_ids(h, as_icb(s.icb)) == all3
    assert meeting_ids(h, as_icb(t.icb)) == {n1}
    assert meeting_ids(h, EVALUATOR, project_id=s.id) == all3
    assert meeting_ids(h, NATIONAL, project_id=s.id) == all3
    assert {m1, m2, m3, n1} <= meeting_ids(h, EVALUATOR)
    assert meeting_ids(h, as_school(u1)) == {m1}
    assert meeting_ids(h, as_school(u2)) == {m2, m3}
    assert meeting_ids(h, as_la(la1)) == {m1}
    assert meeting_ids(h, as_la(la2)) == {m2, m3}
    assert meeting_ids(h, as_pcf(pcf1)) == {m1}
    assert meeting_ids(h, as_pcf(pcf2)) == {m2, m3}
    assert meeting_ids(h, as_pcf(new_pcf(h, la1))) == set()

    # Each read the list allows, the record allows; the others are 404.
    problem(h.get(meeting_url(m2), **as_pcf(pcf1)), 404)
    problem(h.get(meeting_url(m1), **as_la(la2)), 404)
    problem(h.get(meeting_url(m1), **as_icb(t.icb)), 404)
    assert expect(h.get(meeting_url(m2), **as_la(la2)), 200)["status"] == "completed"

    # A forum that runs a school's parent carer group sees (and arranges) that school's meetings.
    put_group(h, s.id, u2, pcf1, who=as_icb(s.icb))
    assert meeting_ids(h, as_pcf(pcf1)) == all3
    m4 = create_meeting(h, s.id, u2, pcf1, as_pcf(pcf1))["id"]
    assert meeting_ids(h, as_pcf(pcf2)) == {m2, m3, m4}

    # Filters.
    assert meeting_ids(h, as_icb(s.icb), status="scheduled") == {m1, m4}
    assert meeting_ids(h, as_icb(s.icb), status="completed") == {m2}
    assert meeting_ids(h, as_icb(s.icb), status="cancelled") == {m3}
    assert meeting_ids(h, as_icb(s.icb), urn=u2) == {m2, m3, m4}
    assert meeting_ids(h, EVALUATOR, project_id=s.id, urn=u1) == {m1}
    assert meeting_ids(h, EVALUATOR, project_id=t.id) == {n1}
    # pages of one
    paged = [m["id"] for m in walk(h, ENGAGEMENT_MEETINGS, who=as_icb(s.icb), limit=1)]
    assert sorted(paged) == sorted(all3 | {m4}) and len(paged) == 4
    for bad in ({"project_id": "nope"}, {"urn": "1"}, {"status": "held"}):
        assert_problem(h.get(ENGAGEMENT_MEETINGS, params=bad, **as_icb(s.icb)), 400)
