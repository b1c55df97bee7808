"""Commissioned support (issue 4): POST/GET /v1/projects/{id}/interventions, the menu's rules,
the project's remaining funding, the status steps, the list filters and who may do what."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from harness import assert_problem
from school_work import (EVALUATOR, INTERVENTION_DELIVERED, NATIONAL, as_icb, as_la, as_pcf, as_school,
                         assert_envelope, create_intervention, deliver_body, expect, funding,
                         intervention_body, intervention_step, new_site, other_icb, outbox_rows, problem,
                         walk)

FIELDS = {"id", "project_id", "urn", "menu_item_code", "professional_type", "delivery_mode", "planned_days",
          "cost_pence", "addresses_domains", "builds_on_local_offer", "status", "delivered_on",
          "delivered_days", "attendance", "cancel_reason", "created_at", "updated_at"}


def test_create_school_level_and_project_wide(h):
    s = new_site(h, n_schools=1)
    urn = s.schools[0]
    body = intervention_body(urn, menu_item_code="SLT-SLCN-TRAINING",
                             professional_type="speech_and_language_therapist", delivery_mode="virtual",
                             planned_days=4, cost_pence=240_000,
                             addresses_domains=["communication", "teaching_and_learning"],
                             builds_on_local_offer=False)
    r = h.post(s.path("/interventions"), json=body, **as_icb(s.icb))
    doc = expect(r, 201)
    assert set(doc) == FIELDS, sorted(set(doc) ^ FIELDS)
    assert r.headers["Location"] == s.path(f"/interventions/{doc['id']}")
    for k, v in body.items():
        assert doc[k] == v, (k, doc[k], v)
    assert doc["project_id"] == s.id and doc["status"] == "planned"
    assert doc["delivered_on"] is None and doc["delivered_days"] is None and doc["attendance"] is None
    assert doc["cancel_reason"] is None
    assert expect(h.get(s.path(f"/interventions/{doc['id']}"), **as_icb(s.icb)), 200) == doc

    wide = create_intervention(h, s.id, None, who=as_icb(s.icb), menu_item_code="ND-WHOLE-SCHOOL-TRAINING",
                               professional_type="specialist_teacher", delivery_mode="blended",
                               addresses_domains=["leadership_culture_values"], cost_pence=0)
    assert wide["urn"] is None and wide["status"] == "planned" and wide["cost_pence"] == 0
    assert expect(h.get(s.path(f"/interventions/{wide['id']}")), 200) == wide

    unknown = "00000000-0000-4000-8000-000000000000"
    problem(h.get(s.path(f"/interventions/{unknown}")), 404)
    problem(h.get(s.path("/interventions/not-a-uuid")), 404)

    # An intervention is found only under its own project.
    t = new_site(h, n_schools=0)
    problem(h.get(t.path(f"/interventions/{doc['id']}")), 404)
    problem(intervention_step(h, t.id, doc["id"], "commission", status=404), 404)
    assert walk(h, t.path("/interventions")) == []
    assert expect(h.get(s.path(f"/interventions/{doc['id']}")), 200)["status"] == "planned"


def test_menu_rules_and_enrolment_refusals(h):
    s = new_site(h, n_schools=1)
    urn, who = s.schools[0], as_icb(s.icb)
    url = s.path("/interventions")

    # Not on the active menu: the inactive seed item, and a code that names nothing.
    r = h.post(url, json=intervention_body(urn, menu_item_code="ND-SHORT-VIRTUAL-BRIEFING",
                                           professional_type="specialist_teacher", delivery_mode="virtual",
                                           addresses_domains=["teaching_and_learning"]), **who)
    problem(r, 422, ["/menu_item_code"])
    problem(h.post(url, json=intervention_body(urn, menu_item_code="NO-SUCH-ITEM"), **who), 422,
            ["/menu_item_code"])

    # A professional type / delivery mode the item does not allow (OT-SENSORY-AUDIT: occupational
    # therapist, face to face only); both at once are both named.
    body = problem(h.post(url, json=intervention_body(urn, professional_type="speech_and_language_therapist"),
                          **who), 422, ["/professional_type"])
    assert "/delivery_mode" not in {e["pointer"] for e in body["errors"]}
    body = problem(h.post(url, json=intervention_body(urn, delivery_mode="virtual"), **who), 422,
                   ["/delivery_mode"])
    assert "/professional_type" not in {e["pointer"] for e in body["errors"]}
    problem(h.post(url, json=intervention_body(urn, professional_type="specialist_nurse",
                                               delivery_mode="blended"), **who), 422,
            ["/professional_type", "/delivery_mode"])

    # A school in the partner LA that is not enrolled.
    loose = s.school()
    problem(h.post(url, json=intervention_body(loose), **who), 422, ["/urn"])

    # A school withdrawn from the project.
    gone = s.school(enrolled=True)
    expect(h.delete(s.path(f"/schools/{gone}"), json={"reason": "Moved away"}), 200)
    problem(h.post(url, json=intervention_body(gone), **who), 422, ["/urn"])

    # Shape errors.
    problem(h.post(url, json=intervention_body(urn, planned_days=2.5), **who), 422, ["/planned_days"])
    problem(h.post(url, json=intervention_body(urn, planned_days=0), **who), 422, ["/planned_days"])
    problem(h.post(url, json=intervention_body(urn, cost_pence=-1), **who), 422, ["/cost_pence"])
    problem(h.post(url, json=intervention_body(urn, addresses_domains=[]), **who), 422, ["/addresses_domains"])
    body = problem(h.post(url, json=intervention_body(urn, addresses_domains=["happiness"]), **who), 422)
    assert all(e["pointer"].startswith("/addresses_domains") for e in body["errors"]), body
    problem(h.post(url, json=intervention_body(urn, delivery_mode="carrier_pigeon"), **who), 422,
            ["/delivery_mode"])

    # Nothing was created by any refusal.
    assert walk(h, url) == []
    assert funding(h, s.id)["committed_pence"] == 0


def test_funding_limit_commitment_and_cancel(h):
    s = new_site(h, n_schools=1, allocation=1_000_000)
    urn, who = s.schools[0], as_icb(s.icb)
    f = funding(h, s.id)
    assert f["committed_pence"] == 0 and f["remaining_pence"] == 1_000_000, f

    a = create_intervention(h, s.id, urn, who=who, cost_pence=600_000)
    f = funding(h, s.id)
    assert f["committed_pence"] == 600_000 and f["remaining_pence"] == 400_000, f

    r = h.post(s.path("/interventions"), json=intervention_body(urn, cost_pence=400_001), **who)
    body = problem(r, 409)
    assert "400000" in body["detail"].replace(",", ""), body["detail"]
    f = funding(h, s.id)
    assert f["committed_pence"] == 600_000 and f["remaining_pence"] == 400_000, f

    # Exactly what remains is allowed; then nothing remains.
    b = create_intervention(h, s.id, None, who=who, cost_pence=400_000)
    f = funding(h, s.id)
    assert f["committed_pence"] == 1_000_000 and f["remaining_pence"] == 0, f
    body = problem(h.post(s.path("/interventions"), json=intervention_body(urn, cost_pence=1), **who), 409)
    assert " 0 " in f" {body['detail']} ", body["detail"]
    # A free intervention still fits.
    free = create_intervention(h, s.id, urn, who=who, cost_pence=0)

    # A commissioned intervention still commits its cost; cancelling frees it.
    intervention_step(h, s.id, a["id"], "commission", who=who)
    assert funding(h, s.id)["committed_pence"] == 1_000_000
    c = intervention_step(h, s.id, a["id"], "cancel", {"reason": "Provider withdrew"}, who=who)
    assert c["status"] == "cancelled" and c["cancel_reason"] == "Provider withdrew"
    f = funding(h, s.id)
    assert f["committed_pence"] == 400_000 and f["remaining_pence"] == 600_000, f
    create_intervention(h, s.id, urn, who=who, cost_pence=600_000)
    f = funding(h, s.id)
    assert f["committed_pence"] == 1_000_000 and f["remaining_pence"] == 0, f

    # A delivered intervention keeps its commitment.
    intervention_step(h, s.id, b["id"], "commission", who=who)
    intervention_step(h, s.id, b["id"], "deliver", deliver_body(), who=who)
    assert funding(h, s.id)["committed_pence"] == 1_000_000
    assert free["cost_pence"] == 0


def test_concurrent_commitments_never_overspend(h):
    """Eight requests for 300,000 pence each against 1,000,000: exactly three fit."""
    s = new_site(h, n_schools=1, allocation=1_000_000)
    urn, who = s.schools[0], as_icb(s.icb)
    body = intervention_body(urn, cost_pence=300_000)
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(pool.map(lambda _: h.post(s.path("/interventions"), json=body, **who).status_code,
                                range(8)))
    assert codes == [201] * 3 + [409] * 5, codes
    f = funding(h, s.id)
    assert f["committed_pence"] == 900_000 and f["remaining_pence"] == 100_000, f
    assert len(walk(h, s.path("/interventions"))) == 3


def test_days_are_whole_numbers_in_json(h):
    """planned_days and delivered_days are accepted only as whole numbers, so they come back as
    JSON integers (3, not 3.0: a typed client decoding into an integer rejects 3.0)."""
    s = new_site(h, n_schools=1)
    who = as_icb(s.icb)
    a = create_intervention(h, s.id, s.schools[0], who=who, planned_days=3)
    intervention_step(h, s.id, a["id"], "commission", who=who)
    d = intervention_step(h, s.id, a["id"], "deliver", deliver_body(delivered_days=2), who=who)
    assert type(a["planned_days"]) is int, f"planned_days written as {a['planned_days']!r}"
    assert type(d["delivered_days"]) is int, f"delivered_days written as {d['delivered_days']!r}"
    rep = expect(h.post(s.path("/quarterly-reports"), json={"quarter": f"{s.year}-Q1"}, **who), 201)
    mode = rep["figures"]["interventions"]["by_delivery_mode"]["face_to_face"]
    assert type(mode["planned_days"]) is int and type(mode["delivered_days"]) is int, mode


def test_status_steps(h):
    s = new_site(h, n_schools=1)
    urn, who = s.schools[0], as_icb(s.icb)
    a = create_intervention(h, s.id, urn, who=who)
    iid = a["id"]
    subject = s.path(f"/interventions/{iid}")

    # planned: deliver is refused
    problem(intervention_step(h, s.id, iid, "deliver", deliver_body(), who=who, status=409), 409)
    c = intervention_step(h, s.id, iid, "commission", who=who)
    assert c["status"] == "commissioned"
    problem(intervention_step(h, s.id, iid, "commission", who=who, status=409), 409)
    # A body is optional for commission; an empty object is fine too (second intervention).
    b = create_intervention(h, s.id, None, who=who, cost_pence=10)
    assert intervention_step(h, s.id, b["id"], "commission", {}, who=who)["status"] == "commissioned"

    # deliver needs its fields
    r = intervention_step(h, s.id, iid, "deliver", {"delivered_on": "2041-01-20"}, who=who, status=422)
    problem(r, 422, ["/delivered_days", "/attendance"])
    r = intervention_step(h, s.id, iid, "deliver", deliver_body(attendance=[{"staff_role": "x"}]), who=who,
                          status=422)
    problem(r, 422, ["/attendance/0/count"])
    assert outbox_rows(h, subject) == []

    d = intervention_step(h, s.id, iid, "deliver", deliver_body(), who=who)
    assert d["status"] == "delivered" and d["delivered_on"] == "2041-01-20" and d["delivered_days"] == 2
    assert d["attendance"] == deliver_body()["attendance"]
    assert expect(h.get(subject, **who), 200) == d

    rows = outbox_rows(h, subject)
    assert len(rows) == 1, rows
    assert_envelope(rows[0], INTERVENTION_DELIVERED, "pins.interventions", s.id, subject, d)

    for step, body in (("commission", None), ("deliver", deliver_body()), ("cancel", {"reason": "Late"})):
        problem(intervention_step(h, s.id, iid, step, body, who=who, status=409), 409)
    assert len(outbox_rows(h, subject)) == 1

    # cancel from planned; cancel needs a reason; nothing moves a cancelled intervention
    e = create_intervention(h, s.id, urn, who=who, cost_pence=1)
    problem(intervention_step(h, s.id, e["id"], "cancel", {}, who=who, status=422), 422, ["/reason"])
    x = intervention_step(h, s.id, e["id"], "cancel", {"reason": "No longer needed"}, who=who)
    assert x["status"] == "cancelled" and x["cancel_reason"] == "No longer needed"
    for step, body in (("commission", None), ("deliver", deliver_body()), ("cancel", {"reason": "Again"})):
        problem(intervention_step(h, s.id, e["id"], step, body, who=who, status=409), 409)

    unknown = "00000000-0000-4000-8000-000000000000"
    problem(intervention_step(h, s.id, unknown, "commission", who=who, status=404), 404)


def test_list_filters_and_pages(h):
    s = new_site(h, n_schools=2)
    u1, u2 = s.schools
    who = as_icb(s.icb)
    made = [
        create_intervention(h, s.id, u1, who=who),                                         # planned f2f
        create_intervention(h, s.id, u1, who=who, menu_item_code="MH-WELLBEING-WHOLE-SCHOOL",
                            professional_type="mental_health_practitioner", delivery_mode="virtual",
                            addresses_domains=["mental_health"]),                           # virtual
        create_intervention(h, s.id, u2, who=who, menu_item_code="OT-SENSORY-REGULATION",
                            delivery_mode="blended"),                                      # blended
        create_intervention(h, s.id, u2, who=who),
        create_intervention(h, s.id, None, who=who, menu_item_code="SLT-SLCN-TRAINING",
                            professional_type="speech_and_language_therapist", delivery_mode="virtual",
                            addresses_domains=["communication"]),
    ]
    ids = [m["id"] for m in made]
    intervention_step(h, s.id, ids[1], "commission", who=who)
    intervention_step(h, s.id, ids[3], "commission", who=who)
    intervention_step(h, s.id, ids[3], "deliver", deliver_body(), who=who)
    intervention_step(h, s.id, ids[0], "cancel", {"reason": "Duplicate"}, who=who)

    url = s.path("/interventions")

    def listed(**params):
        return [m["id"] for m in walk(h, url, who=who, limit=500, params=params)]

    everything = listed()
    assert sorted(everything) == sorted(ids) and len(everything) == 5
    assert set(listed(urn=u1)) == {ids[0], ids[1]}
    assert set(listed(urn=u2)) == {ids[2], ids[3]}
    assert set(listed(status="planned")) == {ids[2], ids[4]}
    assert set(listed(status="commissioned")) == {ids[1]}
    assert set(listed(status="delivered")) == {ids[3]}
    assert set(listed(status="cancelled")) == {ids[0]}
    assert set(listed(delivery_mode="virtual")) == {ids[1], ids[4]}
    assert set(listed(delivery_mode="blended")) == {ids[2]}
    assert set(listed(delivery_mode="face_to_face")) == {ids[0], ids[3]}
    assert set(listed(urn=u1, delivery_mode="virtual", status="commissioned")) == {ids[1]}
    assert listed(urn=u1, status="delivered") == []

    # pages of 2: every item once, in a stable order, Link on every page but the last
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        r = h.get(url, params=params, **who)
        body = expect(r, 200)
        pages += 1
        assert len(body["items"]) <= 2
        seen += [m["id"] for m in body["items"]]
        cursor = body["next_cursor"]
        assert ("Link" in r.headers) == bool(cursor), r.headers
        if not cursor:
            break
    assert pages == 3 and seen == everything and len(set(seen)) == 5
    assert [m["id"] for m in walk(h, url, who=who, limit=1, params={"delivery_mode": "virtual"})] == \
        [i for i in everything if i in {ids[1], ids[4]}]

    for bad in ({"urn": "12"}, {"status": "done"}, {"delivery_mode": "post"}, {"limit": "0"},
                {"cursor": "nonsense"}):
        assert_problem(h.get(url, params=bad, **who), 400)


def test_roles(h):
    s = new_site(h, n_schools=1)
    urn = s.schools[0]
    a = create_intervention(h, s.id, urn, who=as_icb(s.icb))
    url, one = s.path("/interventions"), s.path(f"/interventions/{a['id']}")
    body = intervention_body(urn, cost_pence=10)

    # The project's ICB writes.
    b = create_intervention(h, s.id, urn, who=as_icb(s.icb), cost_pence=10)
    intervention_step(h, s.id, b["id"], "commission", who=as_icb(s.icb))
    # National writes.
    create_intervention(h, s.id, None, who=NATIONAL, cost_pence=10)

    # Another ICB sees nothing.
    other = as_icb(other_icb(h))
    for r in (h.get(url, **other), h.get(one, **other), h.post(url, json=body, **other),
              h.post(one + "/commission", **other)):
        problem(r, 404)

    # Readers: the partner LA, the partner forum, the evaluator and an enrolled school.
    loose = s.school()
    for who in (as_la(s.la), as_pcf(s.pcf), EVALUATOR, as_school(urn)):
        items = [m["id"] for m in walk(h, url, who=who)]
        assert a["id"] in items and len(items) == 3, (who, items)
        assert expect(h.get(one, **who), 200)["id"] == a["id"]
        problem(h.post(url, json=body, **who), 403)
        problem(h.post(one + "/commission", **who), 403)
        problem(h.post(one + "/cancel", json={"reason": "Not mine"}, **who), 403)

    # A school not enrolled sees nothing.
    problem(h.get(url, **as_school(loose)), 404)
    problem(h.post(url, json=intervention_body(loose), **as_school(loose)), 404)

    # None of the refused requests changed anything.
    assert expect(h.get(one), 200)["status"] == "planned"
    assert len(walk(h, url)) == 3
