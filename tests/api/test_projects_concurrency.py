"""Issue 3: two enrolments of the same school racing: exactly one wins, the other gets 409."""

from __future__ import annotations

import threading

from projects import (NATIONAL, add_partner, create_project, expect, get_project, new_school, path,
                      reserve_years)

ROUNDS = 6


def race(h, targets, urn):
    """POSTs the school to each project of `targets` at once; returns the statuses in order."""
    barrier = threading.Barrier(len(targets))
    out = [None] * len(targets)
    h.token("national")                                   # minted before the threads start

    def run(i, pid):
        barrier.wait()
        try:
            r = h.post(path(pid, "/schools"), json={"urn": urn, "cohort": "new",
                                                    "selection_reason": f"racer {i}"}, **NATIONAL)
            out[i] = (r.status_code, r.text[:300])
        except Exception as e:  # reported below
            out[i] = (None, repr(e))

    threads = [threading.Thread(target=run, args=(i, pid)) for i, pid in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return out


def essex_projects(h, icbs):
    """One project per ICB in a year of its own, each with Essex (881) as a partner: Essex reaches
    QH8, QJG and QM7."""
    (year,) = reserve_years(icbs)
    ids = []
    for icb in icbs:
        pid = create_project(h, icb, year)["id"]
        add_partner(h, pid, "local_authority", "881")
        ids.append(pid)
    return ids


def test_same_school_two_projects_of_one_year(h):
    a, b = essex_projects(h, ["QJG", "QM7"])
    for _ in range(ROUNDS):
        urn = new_school(h, "881")
        out = race(h, [a, b], urn)
        assert sorted(s for s, _ in out) == [201, 409], out
        where = [h.get(path(pid, f"/schools/{urn}")).status_code for pid in (a, b)]
        assert sorted(where) == [200, 404], where
        winner = (a, b)[where.index(200)]
        assert out[(a, b).index(winner)][0] == 201, (out, where)
    assert get_project(h, a)["enrolled"]["new"] + get_project(h, b)["enrolled"]["new"] == ROUNDS


def test_same_school_three_projects_of_one_year(h):
    ids = essex_projects(h, ["QH8", "QJG", "QM7"])
    for _ in range(3):
        urn = new_school(h, "881")
        out = race(h, ids, urn)
        assert sorted(s for s, _ in out) == [201, 409, 409], out


def test_same_school_same_project_twice(h):
    (pid,) = essex_projects(h, ["QH8"])
    for _ in range(ROUNDS):
        urn = new_school(h, "881")
        out = race(h, [pid, pid], urn)
        assert sorted(s for s, _ in out) == [201, 409], out
        assert expect(h.get(path(pid, f"/schools/{urn}")), 200)["withdrawn_at"] is None
    doc = get_project(h, pid)
    assert doc["enrolled"]["new"] == ROUNDS, doc
    items = expect(h.get(path(pid, "/history"), params={"limit": 500}), 200)["items"]
    assert sum(1 for i in items if i["action"] == "school_enrolled") == ROUNDS
