"""Self-assessments (issue 4): a baseline started, edited and completed by each kind of writer; the
scoring rule on a crafted response set; follow-ups and their change since the baseline; every
refusal of the contract; who may see and touch whose assessment."""

from __future__ import annotations

import uuid

import pytest

import events as E
import records
from events import (ASSESSMENTS, DOMAINS, EVALUATOR, ITEMS, NATIONAL, as_icb, as_la, as_pcf, as_school,
                    expect, problem)
from harness import ETAG_RE
from projects import answer


def writer(s: E.Setting, role: str, urn: int) -> dict:
    return {"school": as_school(urn), "icb": as_icb(s.icb), "local_authority": as_la(s.la)}[role]


EMPTY_VOICE = {"parent_carer": [], "children": []}


@pytest.mark.parametrize("role", ["school", "icb", "local_authority"])
def test_baseline_flow(h, role):
    s = E.new_setting(h)
    who = writer(s, role, s.urn)
    doc = E.create(h, s.pid, s.urn, "baseline", who=who)
    assert doc["project_id"] == s.pid and doc["urn"] == s.urn, doc
    assert doc["kind"] == "baseline" and doc["template_version"] == 1 and doc["status"] == "draft", doc
    assert doc["responses"] == {} and doc["domain_notes"] == {} and doc["voice_themes"] == EMPTY_VOICE, doc
    assert doc["results"] is None and doc["completed_at"] is None, doc
    aid = doc["id"]
    r = h.get(f"{ASSESSMENTS}/{aid}", **who)
    assert r.status_code == 200 and r.json() == doc, r.text[:500]
    assert ETAG_RE.match(r.headers.get("ETag", "")), r.headers

    # Responses merge; null clears one.
    first = dict(list(E.responses(2).items())[:10])
    rest = dict(list(E.responses(3).items())[10:])
    d = E.patch(h, aid, {"responses": first}, who)
    assert d["responses"] == first and d["status"] == "draft", d
    d = E.patch(h, aid, {"responses": rest}, who)
    assert d["responses"] == {**first, **rest}, d
    d = E.patch(h, aid, {"responses": {"environment.1": None}}, who)
    assert "environment.1" not in d["responses"] and len(d["responses"]) == 23, d
    # Notes merge; null removes one.
    d = E.patch(h, aid, {"domain_notes": {"environment": "Noisy corridors at changeover."}}, who)
    d = E.patch(h, aid, {"domain_notes": {"communication": "Visual timetables in KS1 only."}}, who)
    assert d["domain_notes"] == {"environment": "Noisy corridors at changeover.",
                                 "communication": "Visual timetables in KS1 only."}, d
    d = E.patch(h, aid, {"domain_notes": {"environment": None}}, who)
    assert d["domain_notes"] == {"communication": "Visual timetables in KS1 only."}, d
    # A voice list replaces the one before; the other stays.
    pc = [{"theme": "Transitions between lessons are hard", "count": 12}, {"theme": "Lunchtime noise", "count": 4}]
    ch = [{"theme": "Quiet space helps", "count": 9}]
    d = E.patch(h, aid, {"voice_themes": {"parent_carer": pc}}, who)
    d = E.patch(h, aid, {"voice_themes": {"children": ch}}, who)
    assert d["voice_themes"] == {"parent_carer": pc, "children": ch}, d
    d = E.patch(h, aid, {"voice_themes": {"parent_carer": pc[:1]}}, who)
    assert d["voice_themes"] == {"parent_carer": pc[:1], "children": ch}, d
    d = E.patch(h, aid, {"responses": {"environment.1": 3}}, who)
    assert d["responses"] == {**first, **rest, "environment.1": 3}, d
    assert d["updated_at"] >= doc["updated_at"] and d["created_at"] == doc["created_at"], d
    r = h.get(f"{ASSESSMENTS}/{aid}", **who)
    assert r.json() == d

    done = E.complete(h, aid, who)
    assert done["status"] == "completed" and done["completed_at"], done
    assert done["responses"] == d["responses"] and done["domain_notes"] == d["domain_notes"], done
    assert done["voice_themes"] == d["voice_themes"], done
    res = done["results"]
    # leadership 2,2,2,2; mental health 2,2,2,2; readiness 2,2,3,3; the rest 3s.
    assert res["domain_scores"] == {"leadership_culture_values": 2.0, "mental_health": 2.0,
                                    "readiness_to_learn": 2.5, "teaching_and_learning": 3.0,
                                    "environment": 3.0, "communication": 3.0}, res
    assert res["overall_score"] == pytest.approx(2.58, abs=0.001), res
    assert res["priority_threshold"] == 2.5, res
    assert res["priority_domains"] == ["leadership_culture_values", "mental_health"], res
    assert "change_since_baseline" not in res and "overall_change" not in res, res
    E.check_envelope({"specversion": "1.0", "id": "00000000-0000-4000-8000-000000000000",
                      "source": "/pins-hub", "type": E.TYPE, "subject": f"{ASSESSMENTS}/{aid}",
                      "time": "2030-01-01T00:00:00.000000Z", "datacontenttype": "application/json",
                      "data": done})
    for reader in (who, NATIONAL, EVALUATOR):
        assert E.get(h, aid, reader) == done

    listed = E.walk(h, ASSESSMENTS, who=who, params={"project_id": s.pid})
    assert [a["id"] for a in listed] == [aid], listed
    assert E.walk(h, ASSESSMENTS, who=who, params={"project_id": s.pid, "status": "draft"}) == []
    assert [a["id"] for a in E.walk(h, ASSESSMENTS, who=EVALUATOR,
                                    params={"urn": s.urn, "kind": "baseline", "status": "completed"})] == [aid]


def active_menu_codes(h) -> dict[str, list[str]]:
    items = E.walk(h, "/v1/menu-items", limit=500)
    return {m["code"]: m["domains"] for m in items if m.get("active")}


def test_scoring_rule(h):
    """Domain score = mean of its items (2 dp); overall = mean of the domain scores; priorities =
    domains below the threshold (2.5), lowest first, at most three; recommended menu items = the
    active menu items naming any priority domain, sorted."""
    s = E.new_setting(h)
    # Menu items of our own next to the national seed menu: one active for a priority domain, one
    # inactive for a priority domain, one active for a low domain that misses the cut of three.
    mine_in = records.create(h, "menu_item", domains=["communication"], active=True)["code"]
    mine_inactive = records.create(h, "menu_item", domains=["communication", "mental_health"], active=False)["code"]
    records.create(h, "menu_item", domains=["environment"], active=True)
    values = {
        "leadership_culture_values": [4, 4, 4, 4],   # 4.00
        "mental_health": [1, 2, 2, 2],               # 1.75
        "readiness_to_learn": [2, 2, 3, 3],          # 2.50: at the threshold, not below it
        "teaching_and_learning": [1, 1, 2, 2],       # 1.50
        "environment": [2, 2, 2, 3],                 # 2.25: below, but the fourth lowest
        "communication": [1, 2, 1, 1],               # 1.25
    }
    who = as_icb(s.icb)
    a = E.create(h, s.pid, s.urn, who=who)
    E.patch(h, a["id"], {"responses": E.responses(values)}, who)
    res = E.complete(h, a["id"], who)["results"]
    assert res["domain_scores"] == {"leadership_culture_values": 4.0, "mental_health": 1.75,
                                    "readiness_to_learn": 2.5, "teaching_and_learning": 1.5,
                                    "environment": 2.25, "communication": 1.25}, res
    assert res["overall_score"] == pytest.approx(2.21, abs=0.001), res     # 13.25 / 6
    assert res["priority_threshold"] == 2.5
    priorities = ["communication", "teaching_and_learning", "mental_health"]
    assert res["priority_domains"] == priorities, res

    # The seed menu (data/reference/menu_items.json): exactly its active items naming a priority.
    seed = {m["code"] for m in E.MENU_ITEMS}
    want_seed = sorted(m["code"] for m in E.MENU_ITEMS
                       if m.get("active", True) and set(m["domains"]) & set(priorities))
    assert "ND-SHORT-VIRTUAL-BRIEFING" not in want_seed            # inactive in the seed
    assert "OT-SENSORY-AUDIT" not in want_seed                     # environment / readiness only
    got = res["recommended_menu_items"]
    assert got == sorted(got), got
    assert [c for c in got if c in seed] == want_seed, (got, want_seed)
    # The whole menu as the API lists it now (other tests add items too).
    active = active_menu_codes(h)
    assert got == sorted(c for c, doms in active.items() if set(doms) & set(priorities)), got
    assert mine_in in got and mine_inactive not in got, got


def test_rounding_and_custom_template(h):
    """A template with three items per domain and its own threshold (3.5): scores are rounded to
    two decimal places and the template's threshold is the one applied and reported."""
    version = new_version()
    tmpl = template_body(version, items=3, priority_threshold=3.5)
    r = h.post(E.TEMPLATES, json=tmpl)
    expect(r, 201)
    s = E.new_setting(h)
    who = as_school(s.urn)
    a = E.create(h, s.pid, s.urn, who=who, template_version=version)
    assert a["template_version"] == version
    vals = {"leadership_culture_values": [1, 1, 2],   # 1.333 -> 1.33
            "mental_health": [2, 2, 1],               # 1.667 -> 1.67
            "readiness_to_learn": [4, 4, 3],          # 3.667 -> 3.67
            "teaching_and_learning": [3, 3, 4],       # 3.333 -> 3.33
            "environment": [4, 4, 4],                 # 4.00
            "communication": [3, 4, 4]}               # 3.667 -> 3.67
    resp = {f"{d}.x{i}": v for d, vs in vals.items() for i, v in enumerate(vs, 1)}
    # An item of template v1 is not an item of this one.
    problem(h.patch(f"{ASSESSMENTS}/{a['id']}", json={"responses": {"environment.1": 3}}, **who), 422,
            ["/responses/environment.1"])
    E.patch(h, a["id"], {"responses": resp}, who)
    res = E.complete(h, a["id"], who)["results"]
    assert res["domain_scores"] == {"leadership_culture_values": 1.33, "mental_health": 1.67,
                                    "readiness_to_learn": 3.67, "teaching_and_learning": 3.33,
                                    "environment": 4.0, "communication": 3.67}, res
    # mean of the rounded domain scores: 17.67 / 6 = 2.945 -> 2.94 or 2.95 (binary rounding)
    assert res["overall_score"] in (pytest.approx(2.94, abs=0.001), pytest.approx(2.95, abs=0.001)), res
    assert res["priority_threshold"] == 3.5, res
    assert res["priority_domains"] == ["leadership_culture_values", "mental_health",
                                       "teaching_and_learning"], res


def test_follow_up_change_since_baseline(h):
    s = E.new_setting(h)
    who = as_la(s.la)
    base_vals = {"leadership_culture_values": [4, 4, 4, 4], "mental_health": [1, 2, 2, 2],
                 "readiness_to_learn": [2, 2, 3, 3], "teaching_and_learning": [1, 1, 2, 2],
                 "environment": [2, 2, 2, 3], "communication": [1, 2, 1, 1]}
    base = E.completed(h, s.pid, s.urn, "baseline", base_vals, who=who)
    follow = E.create(h, s.pid, s.urn, "follow_up", who=as_school(s.urn))
    assert follow["kind"] == "follow_up" and follow["status"] == "draft", follow
    E.patch(h, follow["id"], {"responses": E.responses({**{d: [3, 3, 3, 3] for d in DOMAINS},
                                                        "communication": [2, 2, 2, 3]})}, who)
    done = E.complete(h, follow["id"], as_icb(s.icb))
    res = done["results"]
    assert res["domain_scores"]["communication"] == 2.25, res
    assert res["change_since_baseline"] == {"leadership_culture_values": -1.0, "mental_health": 1.25,
                                            "readiness_to_learn": 0.5, "teaching_and_learning": 1.5,
                                            "environment": 0.75, "communication": 1.0}, res
    # overall 17.25 / 6 = 2.875 -> 2.88 (or 2.87); baseline 2.21
    assert res["overall_score"] in (pytest.approx(2.88, abs=0.001), pytest.approx(2.87, abs=0.001)), res
    assert res["overall_change"] == pytest.approx(res["overall_score"] - base["results"]["overall_score"],
                                                  abs=0.0101), res
    assert res["priority_domains"] == ["communication"], res
    # The baseline is untouched by its follow-up.
    assert E.get(h, base["id"]) == base
    listed = E.walk(h, ASSESSMENTS, who=who, params={"project_id": s.pid, "urn": s.urn})
    assert sorted(a["id"] for a in listed) == sorted([base["id"], follow["id"]])
    assert [a["id"] for a in E.walk(h, ASSESSMENTS, who=who, params={"project_id": s.pid,
                                                                     "kind": "follow_up"})] == [follow["id"]]


# ---------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------


def test_create_refusals(h):
    s = E.new_setting(h, schools_per_project=2)
    urn, other = s.urns
    unenrolled = s.new_school()
    body = {"project_id": s.pid, "urn": urn, "kind": "baseline", "template_version": 1}

    # Roles that never start an assessment.
    for who in (NATIONAL, EVALUATOR, as_pcf(records.create(h, "parent_carer_forum", {"la": s.la})["id"])):
        problem(h.post(ASSESSMENTS, json=body, **who), 403)
    # The school must be enrolled (a school that is not may not see the project: /project_id).
    for who in (as_icb(s.icb), as_la(s.la)):
        problem(h.post(ASSESSMENTS, json={**body, "urn": unenrolled}, **who), 422, ["/urn"])
    problem(h.post(ASSESSMENTS, json={**body, "urn": unenrolled}, **as_school(unenrolled)), 422, ["/project_id"])
    # Unknown template.
    problem(h.post(ASSESSMENTS, json={**body, "template_version": 999998}, **as_school(urn)), 422,
            ["/template_version"])
    # A follow-up needs a completed baseline: none yet, then a draft one.
    problem(h.post(ASSESSMENTS, json={**body, "kind": "follow_up"}, **as_school(urn)), 422, ["/kind"])
    base = E.create(h, s.pid, urn)
    problem(h.post(ASSESSMENTS, json={**body, "kind": "follow_up"}, **as_icb(s.icb)), 422, ["/kind"])
    # One baseline per school per project, whoever asks.
    for who in (as_school(urn), as_icb(s.icb), as_la(s.la)):
        problem(h.post(ASSESSMENTS, json=body, **who), 409)
    E.patch(h, base["id"], {"responses": E.responses(3)}, as_school(urn))
    E.complete(h, base["id"], as_school(urn))
    problem(h.post(ASSESSMENTS, json=body, **as_school(urn)), 409)
    E.create(h, s.pid, urn, "follow_up")
    # A project or school the caller cannot see: another school, another ICB, another LA, none.
    other_icb = records.create(h, "icb")["code"]
    other_la = E.new_la(h, s.icb)
    problem(h.post(ASSESSMENTS, json={**body, "urn": other}, **as_school(urn)), 422, ["/project_id"])
    problem(h.post(ASSESSMENTS, json={**body, "urn": other}, **as_icb(other_icb)), 422, ["/project_id"])
    problem(h.post(ASSESSMENTS, json={**body, "urn": other}, **as_la(other_la)), 422, ["/project_id"])
    problem(h.post(ASSESSMENTS, json={**body, "urn": other, "project_id": "00000000-0000-4000-8000-000000000000"},
                   **as_icb(s.icb)), 422, ["/project_id"])
    # Malformed bodies.
    problem(h.post(ASSESSMENTS, json={}, **as_school(urn)), 422,
            ["/project_id", "/urn", "/kind", "/template_version"])
    problem(h.post(ASSESSMENTS, json={"project_id": "nope", "urn": "abc", "kind": "midterm",
                                      "template_version": 0, "extra": 1}, **as_school(urn)), 422,
            ["/project_id", "/urn", "/kind", "/template_version", "/extra"])
    # None of the refused requests left anything behind.
    listed = E.walk(h, ASSESSMENTS, who=NATIONAL, params={"project_id": s.pid})
    assert sorted((a["urn"], a["kind"]) for a in listed) == [(urn, "baseline"), (urn, "follow_up")], listed


def test_create_for_a_project_the_school_cannot_see(h):
    """Issue 11: a school answered 404 for another tenant's project learnt from the 422 of a new
    assessment that the project exists (urn "not enrolled"). A project the caller may not see is
    answered exactly as one that does not exist."""
    mine, theirs = E.new_setting(h), E.new_setting(h)
    school = as_school(mine.urn)
    problem(h.get(f"/v1/projects/{theirs.pid}", **school), 404)
    unknown = str(uuid.uuid4())
    for over in ({}, {"kind": "follow_up"}, {"template_version": 999998}):
        got = []
        for pid in (theirs.pid, unknown):
            r = h.post(ASSESSMENTS, json={"project_id": pid, "urn": mine.urn, "kind": "baseline",
                                          "template_version": 1, **over}, **school)
            body = problem(r, 422, ["/project_id"])
            assert [e["pointer"] for e in body["errors"]] == ["/project_id"], body
            got.append(answer(r))
        assert got[0] == got[1], (over, got)
    assert not E.walk(h, ASSESSMENTS, who=NATIONAL, params={"project_id": theirs.pid})


def test_patch_refusals(h):
    s = E.new_setting(h)
    who = as_school(s.urn)
    a = E.create(h, s.pid, s.urn)
    aid = a["id"]
    before = E.patch(h, aid, {"responses": {"environment.1": 2}, "domain_notes": {"environment": "ok"},
                              "voice_themes": {"children": [{"theme": "Noise", "count": 3}]}}, who)

    def refused(body, pointers):
        problem(h.patch(f"{ASSESSMENTS}/{aid}", json=body, **who), 422, pointers)
        assert E.get(h, aid, who) == before, f"a refused PATCH changed the record: {body}"

    refused({"responses": {"environment.9": 2}}, ["/responses/environment.9"])
    refused({"responses": {"nonsense": 2}}, ["/responses/nonsense"])
    refused({"responses": {"environment.2": 0}}, ["/responses/environment.2"])
    refused({"responses": {"environment.2": 5}}, ["/responses/environment.2"])
    refused({"responses": {"environment.2": "3"}}, ["/responses/environment.2"])
    refused({"responses": {"environment.2": 2.5}}, ["/responses/environment.2"])
    refused({"responses": {"environment.2": True}}, ["/responses/environment.2"])
    # Every bad member is reported, and none of the good ones is applied.
    refused({"responses": {"environment.2": 3, "environment.3": 7, "bogus.1": 1}},
            ["/responses/environment.3", "/responses/bogus.1"])
    refused({"responses": [1, 2]}, ["/responses"])
    refused({"domain_notes": {"kitchen": "x"}}, ["/domain_notes/kitchen"])
    refused({"domain_notes": {"environment": 3}}, ["/domain_notes/environment"])
    refused({"domain_notes": {"environment": "x" * 4001}}, ["/domain_notes/environment"])
    refused({"status": "completed"}, ["/status"])
    refused({"results": {}}, ["/results"])
    # Voice themes are themes and counts only: no names, nothing about an individual child.
    refused({"voice_themes": {"children": [{"theme": "Noise", "count": 1, "name": "Amira"}]}},
            ["/voice_themes/children/0/name"])
    refused({"voice_themes": {"parent_carer": [{"theme": "Noise", "count": 1, "child": {"age": 7}}]}},
            ["/voice_themes/parent_carer/0/child"])
    refused({"voice_themes": {"children": [{"theme": "Noise"}]}}, ["/voice_themes/children/0/count"])
    refused({"voice_themes": {"children": [{"count": 2}]}}, ["/voice_themes/children/0/theme"])
    refused({"voice_themes": {"children": [{"theme": "Noise", "count": -1}]}}, ["/voice_themes/children/0/count"])
    refused({"voice_themes": {"pupils": []}}, ["/voice_themes/pupils"])
    refused({"voice_themes": {"children": "lots"}}, ["/voice_themes/children"])
    assert E.get(h, aid, who) == before


def test_complete_lists_every_unanswered_item(h):
    s = E.new_setting(h)
    who = as_school(s.urn)
    aid = E.create(h, s.pid, s.urn)["id"]
    body = problem(h.post(f"{ASSESSMENTS}/{aid}/complete", **who), 422,
                   [f"/responses/{k}" for k in E.ALL_ITEMS], exact=True)
    assert all(e["detail"] == "is not answered" for e in body["errors"]), body["errors"]
    answered = {k: 3 for d in DOMAINS for k in ITEMS[d][:2]}          # two of four in each domain
    answered["communication.3"] = 1
    E.patch(h, aid, {"responses": answered}, who)
    missing = [k for k in E.ALL_ITEMS if k not in answered]
    assert len(missing) == 11
    problem(h.post(f"{ASSESSMENTS}/{aid}/complete", **who), 422,
            [f"/responses/{k}" for k in missing], exact=True)
    doc = E.get(h, aid, who)
    assert doc["status"] == "draft" and doc["results"] is None and doc["completed_at"] is None, doc
    # A cleared answer is unanswered again.
    E.patch(h, aid, {"responses": {k: 2 for k in missing}}, who)
    E.patch(h, aid, {"responses": {"mental_health.1": None}}, who)
    problem(h.post(f"{ASSESSMENTS}/{aid}/complete", **who), 422, ["/responses/mental_health.1"], exact=True)
    E.patch(h, aid, {"responses": {"mental_health.1": 4}}, who)
    assert E.complete(h, aid, who)["status"] == "completed"


def test_completed_assessment_is_a_record(h):
    s = E.new_setting(h)
    who = as_icb(s.icb)
    done = E.completed(h, s.pid, s.urn, who=who)
    aid = done["id"]
    for body in ({"responses": {"environment.1": 1}}, {"domain_notes": {"environment": "later"}},
                 {"voice_themes": {"children": []}}, {}):
        problem(h.patch(f"{ASSESSMENTS}/{aid}", json=body, **who), 409)
    problem(h.post(f"{ASSESSMENTS}/{aid}/complete", **who), 409)
    problem(h.post(f"{ASSESSMENTS}/{aid}/complete", **as_school(s.urn)), 409)
    assert E.get(h, aid) == done


def test_who_may_see_and_touch_an_assessment(h):
    s = E.new_setting(h, schools_per_project=2)
    urn, other = s.urns
    aid = E.create(h, s.pid, urn)["id"]
    other_aid = E.create(h, s.pid, other)["id"]
    other_icb = records.create(h, "icb")["code"]
    other_la = E.new_la(h, s.icb)
    pcf = records.create(h, "parent_carer_forum", {"la": s.la})["id"]
    path = f"{ASSESSMENTS}/{aid}"
    patch_body = {"responses": {"environment.1": 2}}
    # No access at all: 404 for every route (the record's existence is not revealed).
    for who in (as_school(other), as_icb(other_icb), as_la(other_la), as_pcf(pcf)):
        problem(h.get(path, **who), 404)
        problem(h.patch(path, json=patch_body, **who), 404)
        problem(h.post(path + "/complete", **who), 404)
        listed = E.walk(h, ASSESSMENTS, who=who, params={"project_id": s.pid})
        assert aid not in {a["id"] for a in listed}, (who, listed)
    # Readers: national and the evaluator see it but may not change it.
    for who in (NATIONAL, EVALUATOR):
        assert E.get(h, aid, who)["id"] == aid
        problem(h.patch(path, json=patch_body, **who), 403)
        problem(h.post(path + "/complete", **who), 403)
        assert {aid, other_aid} <= {a["id"] for a in E.walk(h, ASSESSMENTS, who=who,
                                                            params={"project_id": s.pid})}
    # Writers: the school itself, the project's ICB, the school's LA while it is a partner.
    for who in (as_school(urn), as_icb(s.icb), as_la(s.la)):
        assert E.patch(h, aid, patch_body, who)["responses"] == {"environment.1": 2}
    assert [a["id"] for a in E.walk(h, ASSESSMENTS, who=as_school(urn), params={"project_id": s.pid})] == [aid]
    assert {a["id"] for a in E.walk(h, ASSESSMENTS, who=as_la(s.la), params={"project_id": s.pid})} == \
        {aid, other_aid}
    # Unknown and malformed ids are 404 too.
    for bad in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        problem(h.get(f"{ASSESSMENTS}/{bad}"), 404)
    # The school's own LA once it is no longer a partner (its schools withdrawn first).
    for u in (urn, other):
        r = h.delete(f"/v1/projects/{s.pid}/schools/{u}", json={"reason": "Moved away"})
        assert r.status_code in (200, 204), r.text[:300]
    r = h.delete(f"/v1/projects/{s.pid}/partners/local_authority/{s.la}")
    assert r.status_code in (200, 204), r.text[:300]
    problem(h.get(path, **as_la(s.la)), 404)
    problem(h.patch(path, json=patch_body, **as_la(s.la)), 404)
    assert E.walk(h, ASSESSMENTS, who=as_la(s.la), params={"project_id": s.pid}) == []
    assert E.get(h, aid, as_icb(s.icb))["id"] == aid


def test_access_is_answered_before_anything_else(h):
    """A record route's access check goes with the request's first statements (store_gate), or on
    its own when the answer needed none. Either way a caller who may not see the record gets 404,
    and one who may see it but not do this 403, whatever else is wrong with the request; and nothing
    sent with a refused check runs: not the change, not the Idempotency-Key's claim."""
    s = E.new_setting(h, schools_per_project=2)
    urn, other = s.urns
    aid = E.create(h, s.pid, urn)["id"]
    path = f"{ASSESSMENTS}/{aid}"
    json_type = {"Content-Type": "application/json"}
    for who, status in ((as_school(other), 404), (NATIONAL, 403)):
        problem(h.patch(path, data=b"{not json", headers=json_type, **who), status)         # else 400
        problem(h.patch(path, data=b"a,b\n", headers={"Content-Type": "text/csv"}, **who), status)  # 415
        problem(h.patch(path, json={"responses": {"no.such.item": 9}}, **who), status)     # else 422
        problem(h.patch(path, json={"responses": {"environment.1": 2}}, **who), status)
        key = {"Idempotency-Key": f"gate-{status}-{aid}"}
        for _ in range(2):  # the key was never claimed: the same refusal again, not a replay
            r = h.post(path + "/complete", headers=key, **who)
            problem(r, status)
            assert "Idempotent-Replayed" not in r.headers, r.headers
    doc = E.get(h, aid)
    assert (doc["responses"], doc["status"], doc["updated_at"]) == ({}, "draft", doc["created_at"]), doc
    with h.db() as conn:
        assert conn.execute("SELECT count(*) FROM idempotency_keys WHERE key LIKE %s",
                            (f"gate-%-{aid}",)).fetchone()[0] == 0


def test_list_filters_refused(h):
    for q in ("project_id=nope", "urn=12", "kind=midterm", "status=done", "limit=0", "cursor=zzz"):
        problem(h.get(f"{ASSESSMENTS}?{q}"), 400)


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def template_body(version: int, items: int = 2, **over) -> dict:
    body = {
        "version": version,
        "title": f"Test template {version}",
        "illustrative": True,
        "notice": "Made up by the API tests.",
        "scale": [{"value": v, "label": lab} for v, lab in
                  ((1, "Not yet"), (2, "Emerging"), (3, "Established"), (4, "Embedded"))],
        "domains": [{"key": d, "title": d.replace("_", " ").capitalize(),
                     "items": [{"key": f"{d}.x{i}", "text": f"Statement {i} about {d}."}
                               for i in range(1, items + 1)]} for d in DOMAINS],
    }
    body.update(over)
    return body


def new_version() -> int:
    return int(E._unique(lambda: str(E.random.randint(100000, 999999))))


def test_templates_read(h):
    s = E.new_setting(h)
    want = E.TEMPLATE_V1
    for who in (NATIONAL, EVALUATOR, as_school(s.urn), as_icb(s.icb), as_la(s.la), as_pcf("any-forum")):
        body = expect(h.get(E.TEMPLATES, **who), 200)
        assert body["next_cursor"] is None, body
        v1 = [t for t in body["items"] if t["version"] == 1]
        assert v1 == [want], v1
        assert [t["version"] for t in body["items"]] == sorted(t["version"] for t in body["items"])
        assert expect(h.get(f"{E.TEMPLATES}/1", **who), 200) == want
    assert want["illustrative"] is True and want["notice"]
    assert [d["key"] for d in want["domains"]] == list(DOMAINS)
    assert len(E.ALL_ITEMS) == 24
    for bad in ("999997", "abc", "0", "-1", "1.0"):
        problem(h.get(f"{E.TEMPLATES}/{bad}"), 404)


def test_template_publish(h):
    v = new_version()
    body = template_body(v)
    for who in (EVALUATOR, as_icb("QK1"), as_school(100000), as_la("201"), as_pcf("x")):
        problem(h.post(E.TEMPLATES, json=body, **who), 403)
    r = h.post(E.TEMPLATES, json=body)
    doc = expect(r, 201)
    assert r.headers.get("Location") == f"{E.TEMPLATES}/{v}", r.headers
    assert doc == {**body, "priority_threshold": 2.5}, doc       # the default threshold
    assert expect(h.get(f"{E.TEMPLATES}/{v}", role="evaluator"), 200) == doc
    assert doc in expect(h.get(E.TEMPLATES), 200)["items"]
    # Published versions never change.
    problem(h.post(E.TEMPLATES, json=template_body(v, items=1)), 409)
    problem(h.post(E.TEMPLATES, json=template_body(1)), 409)
    assert expect(h.get(f"{E.TEMPLATES}/{v}"), 200) == doc
    # A threshold of its own, and no notice.
    v2 = new_version()
    b2 = template_body(v2, priority_threshold=3)
    del b2["notice"]
    d2 = expect(h.post(E.TEMPLATES, json=b2), 201)
    assert d2["priority_threshold"] == 3 and d2["domains"] == b2["domains"], d2


def _bad_templates():
    v = 0  # replaced per case

    def t(**over):
        return template_body(v, **over)

    base = template_body(v)
    doms = base["domains"]
    yield "five domains", t(domains=doms[:5]), ["/domains"]
    yield "seven domains", t(domains=doms + [doms[0]]), ["/domains"]
    yield "a domain twice", t(domains=doms[:5] + [doms[0]]), ["/domains/5/key"]
    yield "an unknown domain", t(domains=doms[:5] + [{**doms[5], "key": "sport"}]), ["/domains/5/key"]
    yield "an item key twice", t(domains=[{**doms[0], "items": doms[0]["items"] + doms[0]["items"][:1]}]
                                 + doms[1:]), ["/domains/0/items/2/key"]
    yield "an item key in two domains", t(domains=[doms[0], {**doms[1], "items": doms[0]["items"][:1]}]
                                          + doms[2:]), ["/domains/1/items/0/key"]
    yield "a domain without items", t(domains=[{**doms[0], "items": []}] + doms[1:]), ["/domains/0/items"]
    yield "an item without text", t(domains=[{**doms[0], "items": [{"key": "a.1"}]}] + doms[1:]), \
        ["/domains/0/items/0/text"]
    yield "an item with more", t(domains=[{**doms[0], "items": [{"key": "a.1", "text": "x", "weight": 2}]}]
                                 + doms[1:]), ["/domains/0/items/0/weight"]
    yield "three scale points", t(scale=base["scale"][:3]), ["/scale"]
    yield "scale out of order", t(scale=[base["scale"][1], base["scale"][0]] + base["scale"][2:]), ["/scale"]
    yield "scale value 5", t(scale=base["scale"][:3] + [{"value": 5, "label": "Beyond"}]), ["/scale/3/value"]
    yield "threshold 5", t(priority_threshold=5), ["/priority_threshold"]
    yield "threshold 0.5", t(priority_threshold=0.5), ["/priority_threshold"]
    yield "threshold text", t(priority_threshold="2.5"), ["/priority_threshold"]
    no_title = t()
    del no_title["title"]
    yield "no title", no_title, ["/title"]
    no_ill = t()
    del no_ill["illustrative"]
    yield "no illustrative", no_ill, ["/illustrative"]
    yield "illustrative text", t(illustrative="yes"), ["/illustrative"]
    yield "an unknown field", t(owner="me"), ["/owner"]


@pytest.mark.parametrize("name,body,pointers", list(_bad_templates()), ids=[c[0] for c in _bad_templates()])
def test_template_refused(h, name, body, pointers):
    v = new_version()
    body = {**body, "version": v}
    problem(h.post(E.TEMPLATES, json=body), 422, pointers)
    problem(h.get(f"{E.TEMPLATES}/{v}"), 404)


def test_template_bad_version(h):
    for bad in (0, -3, "7", 1.5, None):
        body = template_body(1)
        body["version"] = bad
        problem(h.post(E.TEMPLATES, json=body), 422, ["/version"])
