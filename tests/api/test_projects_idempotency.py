"""Issue 3: Idempotency-Key on the project POSTs: the same key and body replay the first answer
(nothing done twice); the same key with another body is refused with 422.
Issue 11: a replay is served only while the caller may still see the record it created, and keys
belong to one caller (role, organisation and sub), however those parts are spelled."""

from __future__ import annotations

import records
from harness import assert_problem
from projects import (NATIONAL, add_partner, answer, as_icb, as_la, as_pcf, create_project, expect, fy,
                      get_project, history, new_area, path, problem, rand_start, step, submitted_project,
                      unique_key)
from school_work import ENGAGEMENT_MEETINGS, SELF_ASSESSMENTS, meeting_body, new_site, walk


def post(h, url, body, key, who=NATIONAL):
    return h.post(url, json=body, headers={"Idempotency-Key": key}, **who)


def test_project_create_replays(h):
    area = new_area(h, n_las=0)
    year = fy(rand_start())
    body = {"icb_code": area.icb, "financial_year": year, "kind": "new", "allocation_pence": 1_000_000}
    key = unique_key("project")
    who = as_icb(area.icb)
    first = post(h, "/v1/projects", body, key, who)
    doc = expect(first, 201)
    again = post(h, "/v1/projects", body, key, who)
    assert again.status_code == 201, again.text
    assert again.json() == doc, "a replay answers the first answer (same id)"
    assert again.headers.get("Location") == first.headers.get("Location") == path(doc["id"])
    assert [i["action"] for i in history(h, doc["id"])] == ["created"], "created twice"

    other = post(h, "/v1/projects", dict(body, allocation_pence=2_000_000), key, who)
    assert_problem(other, 422, "idempotency-key-reused")
    assert get_project(h, doc["id"])["allocation_pence"] == 1_000_000
    # Without the key, or with a new one, the request runs again: the project exists.
    problem(h.post("/v1/projects", json=body, **who), 409)
    problem(post(h, "/v1/projects", body, unique_key("project"), who), 409)
    # Keys belong to their caller: the national team's same key is a new request.
    problem(post(h, "/v1/projects", body, key, NATIONAL), 409)


def test_enrolment_replays(h):
    area = new_area(h)
    pid = create_project(h, area.icb, fy(rand_start()))["id"]
    add_partner(h, pid, "local_authority", area.la)
    urn, other_urn = area.school(), area.school()
    url = path(pid, "/schools")
    body = {"urn": urn, "cohort": "new", "selection_reason": "Highest need"}
    key = unique_key("enrol")
    first = post(h, url, body, key)
    doc = expect(first, 201)
    again = post(h, url, body, key)
    assert again.status_code == 201, again.text
    assert again.json() == doc
    assert again.headers.get("Location") == first.headers.get("Location") == path(pid, f"/schools/{urn}")
    assert get_project(h, pid)["enrolled"]["new"] == 1
    assert sum(1 for i in history(h, pid) if i["action"] == "school_enrolled") == 1

    assert_problem(post(h, url, dict(body, urn=other_urn), key), 422, "idempotency-key-reused")
    problem(h.get(path(pid, f"/schools/{other_urn}")), 404)
    # Without the key the same enrolment is a duplicate.
    problem(h.post(url, json=body), 409)

    # A refusal is an answer too: replayed as it was.
    closed = area.school(status="closed")
    key2 = unique_key("enrol")
    bad = {"urn": closed, "cohort": "new", "selection_reason": "x"}
    r1 = post(h, url, bad, key2)
    b1 = problem(r1, 422, ["/urn"])
    r2 = post(h, url, bad, key2)
    assert r2.status_code == 422 and r2.json()["errors"] == b1["errors"], r2.text


def test_funding_release_replay_releases_once(h):
    p = submitted_project(h)
    step(h, p.id, "delivery-plan/approve")
    step(h, p.id, "mou", {"signed_on": "2031-04-01"})
    url = path(p.id, "/funding-release")
    body = {"released_on": "2031-04-02", "amount_pence": 1_000_000}
    key = unique_key("release")
    a = expect(post(h, url, body, key), 200)
    b = expect(post(h, url, body, key), 200)
    assert a == b and a["funding"]["released_pence"] == 1_000_000, (a, b)
    assert get_project(h, p.id)["funding"]["released_pence"] == 1_000_000, "released twice"
    assert_problem(post(h, url, dict(body, amount_pence=5), key), 422, "idempotency-key-reused")
    assert sum(1 for i in history(h, p.id) if i["action"] == "funding_released") == 1


def _gone_partner_gets_no_replay(h, url, body, who, remove):
    """POSTs body with a key as `who`, checks the replay, calls remove() (which takes away the
    caller's sight of the new record), then checks that the same key and body get what a fresh
    request gets, not the first answer. Returns the first answer's document."""
    key = unique_key("gone")
    first = post(h, url, body, key, who)
    doc = expect(first, 201)
    again = post(h, url, body, key, who)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true", again.text
    assert again.json() == doc
    expect(h.get(first.headers["Location"], **who), 200)
    remove()
    problem(h.get(first.headers["Location"], **who), 404)

    replayed = post(h, url, body, key, who)
    fresh = post(h, url, body, unique_key("fresh"), who)
    assert "Idempotent-Replayed" not in replayed.headers, (replayed.status_code, replayed.text)
    assert "Location" not in replayed.headers, replayed.headers
    assert replayed.status_code in (403, 404, 422), replayed.text
    assert answer(replayed) == answer(fresh), (replayed.text, fresh.text)
    return doc


def test_no_replay_for_a_forum_removed_from_the_project(h):
    s = new_site(h, n_schools=1)
    who = as_pcf(s.pcf)

    def remove():
        assert h.delete(s.path(f"/partners/pcf/{s.pcf}")).status_code == 204

    doc = _gone_partner_gets_no_replay(h, ENGAGEMENT_MEETINGS, meeting_body(s.id, s.schools[0], s.pcf), who,
                                       remove)
    # Nothing ran twice: the project has the one meeting.
    assert [m["id"] for m in walk(h, ENGAGEMENT_MEETINGS, params={"project_id": s.id})] == [doc["id"]]


def test_no_replay_for_an_la_removed_from_the_project(h):
    s = new_site(h, n_schools=1)
    urn, who = s.schools[0], as_la(s.la)

    def remove():
        expect(h.delete(s.path(f"/schools/{urn}"), json={"reason": "Moved away"}), 200)
        assert h.delete(s.path(f"/partners/local_authority/{s.la}")).status_code == 204

    body = {"project_id": s.id, "urn": urn, "kind": "baseline", "template_version": 1}
    doc = _gone_partner_gets_no_replay(h, SELF_ASSESSMENTS, body, who, remove)
    assert [a["id"] for a in walk(h, SELF_ASSESSMENTS, params={"project_id": s.id})] == [doc["id"]]


def test_replay_keys_belong_to_one_sub(h):
    area = new_area(h, n_las=0)
    # A refusal (a malformed financial year) is an answer with no record in it: replayed to its
    # caller only.
    body = {"icb_code": area.icb, "financial_year": "soon", "kind": "new", "allocation_pence": 1}

    def person(org, sub):
        return {"token": h.token("icb", org, sub=sub)}

    def replayed(r):
        assert r.status_code == 422, r.text
        return r.headers.get("Idempotent-Replayed") == "true"

    key = unique_key("sub")
    assert not replayed(post(h, "/v1/projects", body, key, person(area.icb, "alice")))
    assert replayed(post(h, "/v1/projects", body, key, person(area.icb, "alice")))
    # Another person of the same organisation.
    assert not replayed(post(h, "/v1/projects", body, key, person(area.icb, "bob")))
    # Parts that read the same once joined with ':': (org X, sub "s:t") and (org "X:s", sub "t").
    key = unique_key("sub")
    assert not replayed(post(h, "/v1/projects", body, key, person(area.icb, "s:t")))
    assert not replayed(post(h, "/v1/projects", body, key, person(f"{area.icb}:s", "t")))
    assert replayed(post(h, "/v1/projects", body, key, person(area.icb, "s:t")))


def test_reference_create_replays(h):
    """The Location of a reference record names a route every role may read: still replayed."""
    rec = records.icb()
    key = unique_key("icb")
    first = post(h, "/v1/icbs", rec, key)
    doc = expect(first, 201)
    again = post(h, "/v1/icbs", rec, key)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true", again.text
    assert again.json() == doc and again.headers.get("Location") == first.headers.get("Location")
