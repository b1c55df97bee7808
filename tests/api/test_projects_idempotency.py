"""Issue 3: Idempotency-Key on the project POSTs: the same key and body replay the first answer
(nothing done twice); the same key with another body is refused with 422."""

from __future__ import annotations

from harness import assert_problem
from projects import (NATIONAL, add_partner, as_icb, create_project, expect, fy, get_project,
                      history, new_area, path, problem, rand_start, step, submitted_project,
                      unique_key)


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
