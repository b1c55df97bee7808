"""The event stream (issue 4): each completed self-assessment is one outbox row, written in the
completing transaction, and one Kafka message on pins.self-assessments that an independent client
(python3-confluent-kafka) reads and validates against api/events/; refused (rolled-back) changes
leave no event; GET /v1/events serves the same envelopes in the same order."""

from __future__ import annotations

import time

import pytest

import events as E
from events import ASSESSMENTS, EVALUATOR, EVENTS, NATIONAL, TOPIC, TYPE, as_icb, as_la, as_pcf, as_school, \
    expect, problem


def test_each_completion_is_one_outbox_row_and_one_kafka_message(h):
    s = E.new_setting(h)
    who = as_school(s.urn)
    draft = E.create(h, s.pid, s.urn, who=who)
    E.patch(h, draft["id"], {"responses": E.responses(2), "domain_notes": {"mental_health": "Calm room"},
                             "voice_themes": {"children": [{"theme": "Quiet space", "count": 5}]}}, who)
    assert E.rows_for_project(h, s.pid) == [], "drafts and edits are not events"
    base = E.complete(h, draft["id"], who)
    follow = E.completed(h, s.pid, s.urn, "follow_up", values=3, who=as_icb(s.icb))

    rows = E.rows_for_project(h, s.pid)
    assert [r["envelope"]["subject"] for r in rows] == [f"{ASSESSMENTS}/{base['id']}",
                                                       f"{ASSESSMENTS}/{follow['id']}"], rows
    for row, rec in zip(rows, (base, follow)):
        env = row["envelope"]
        E.check_envelope(env)
        assert row["topic"] == TOPIC and row["key"] == s.pid and row["type"] == TYPE, row
        assert env["id"] == row["id"] and env["type"] == TYPE and env["source"] == "/pins-hub", env
        # data is the record exactly as GET returns it, computed results included.
        assert env["data"] == rec == E.get(h, rec["id"], EVALUATOR), (env["data"], rec)
    assert "change_since_baseline" in rows[1]["envelope"]["data"]["results"]

    msgs = E.consume(h, TOPIC, E.for_key(s.pid), n=2, timeout=30)
    assert len(msgs) == 2, f"expected 2 messages for project {s.pid}, got {len(msgs)}: {msgs}"
    for m, row in zip(msgs, rows):
        E.check_message(m)
        assert m.ce_id == row["id"], (m.ce_id, row["id"])
        assert m.value == row["envelope"], "the Kafka value is not the outbox envelope"
    assert msgs[0].partition == msgs[1].partition and msgs[0].offset < msgs[1].offset, \
        "one project's events are one partition, in order"
    E.wait_published(h, "key = %s", (s.pid,), timeout=10)


@pytest.mark.parametrize("role", ["school", "icb", "local_authority"])
def test_every_writer_completion_is_published(h, role):
    s = E.new_setting(h)
    who = {"school": as_school(s.urn), "icb": as_icb(s.icb), "local_authority": as_la(s.la)}[role]
    done = E.completed(h, s.pid, s.urn, values=1, who=who)
    rows = E.rows_for_assessment(h, done["id"])
    assert len(rows) == 1, rows
    msgs = E.consume(h, TOPIC, E.for_subject(done["id"]), n=1, timeout=30)
    assert len(msgs) == 1, msgs
    E.check_message(msgs[0])
    assert msgs[0].value["data"] == E.get(h, done["id"]) == done
    assert msgs[0].ce_id == rows[0]["id"]


def test_refused_changes_leave_no_event(h):
    """A completion that fails (422: unanswered items) is rolled back whole: no outbox row, no
    message. Neither does a second completion (409), a refused PATCH or a refused create."""
    s = E.new_setting(h, schools_per_project=2)
    urn, other = s.urns
    who = as_school(urn)
    aid = E.create(h, s.pid, urn)["id"]
    E.patch(h, aid, {"responses": {k: 3 for k in E.ALL_ITEMS[:-1]}}, who)
    with h.db() as conn:
        max_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0]
    problem(h.post(f"{ASSESSMENTS}/{aid}/complete", **who), 422, [f"/responses/{E.ALL_ITEMS[-1]}"], exact=True)
    problem(h.post(f"{ASSESSMENTS}/{aid}/complete", **as_school(other)), 404)
    problem(h.post(f"{ASSESSMENTS}/{aid}/complete", **NATIONAL), 403)
    assert E.rows_for_project(h, s.pid) == []
    assert E.get(h, aid)["status"] == "draft"
    with h.db() as conn:
        assert conn.execute("SELECT count(*) FROM outbox WHERE seq > %s AND key = %s",
                            (max_seq, s.pid)).fetchone()[0] == 0
    E.patch(h, aid, {"responses": {E.ALL_ITEMS[-1]: 4}}, who)
    done = E.complete(h, aid, who)
    problem(h.post(f"{ASSESSMENTS}/{aid}/complete", **who), 409)
    problem(h.patch(f"{ASSESSMENTS}/{aid}", json={"responses": {"environment.1": 1}}, **who), 409)
    problem(h.post(ASSESSMENTS, json={"project_id": s.pid, "urn": urn, "kind": "baseline",
                                      "template_version": 1}, **who), 409)
    rows = E.rows_for_project(h, s.pid)
    assert len(rows) == 1 and rows[0]["envelope"]["data"] == done, rows
    msgs = E.consume(h, TOPIC, E.for_key(s.pid), n=1, timeout=30)
    assert [m.ce_id for m in msgs] == [rows[0]["id"]], msgs


ENVELOPE_KEYS = {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"}


def test_events_feed(h):
    s = E.new_setting(h, schools_per_project=3)
    done = [E.completed(h, s.pid, u, values=2 + i % 2) for i, u in enumerate(s.urns)]
    done.append(E.completed(h, s.pid, s.urns[0], "follow_up", values=4))
    rows = E.rows_for_project(h, s.pid)
    assert [r["envelope"]["data"]["id"] for r in rows] == [d["id"] for d in done]

    # The whole feed (every type) is the outbox in seq order.
    whole, end = E.feed(h, EVALUATOR, limit=500)
    ids = [e["id"] for e in whole]
    assert len(ids) == len(set(ids)), "an event appears twice in the feed"
    with h.db() as conn:
        db_ids = [r[0] for r in conn.execute("SELECT id::text FROM outbox ORDER BY seq").fetchall()]
    assert ids == db_ids, "the feed is not the outbox in seq order"
    for env in whole:
        assert set(env) == ENVELOPE_KEYS and env["specversion"] == "1.0" and env["source"] == "/pins-hub", env
    # ?type= keeps one type; every self-assessment event validates against its schema.
    typed, _ = E.feed(h, NATIONAL, limit=500, params={"type": TYPE})
    assert typed == [e for e in whole if e["type"] == TYPE]
    for env in typed:
        E.check_envelope(env)
    mine = [e for e in typed if e["data"]["project_id"] == s.pid]
    assert mine == [r["envelope"] for r in rows], "the feed's envelopes differ from the outbox's"

    # Small pages, with ?after= and with ?cursor=, give the same sequence.
    assert [e["id"] for e in E.feed(h, NATIONAL, limit=3)[0]] == ids
    assert [e["id"] for e in E.feed(h, EVALUATOR, limit=7, cursor_param="cursor",
                                    params={"type": TYPE})[0]] == [e["id"] for e in typed]

    # Link rel=next names next_cursor; next_cursor resumes right after the page.
    r = h.get(EVENTS, params={"limit": 2}, **EVALUATOR)
    body = expect(r, 200)
    assert len(body["items"]) == 2 and body["next_cursor"], body
    link = r.headers.get("Link", "")
    assert 'rel="next"' in link and f"cursor={body['next_cursor']}" in link, link
    nxt = expect(h.get(EVENTS, params={"after": body["next_cursor"], "limit": 2}, **EVALUATOR), 200)
    assert [e["id"] for e in nxt["items"]] == ids[2:4]
    k = ids.index(rows[0]["id"])
    if k > 0:
        prev = expect(h.get(EVENTS, params={"limit": k}, **EVALUATOR), 200)
        after_prev = expect(h.get(EVENTS, params={"after": prev["next_cursor"], "limit": len(rows)},
                                  **EVALUATOR), 200)
        assert [e["id"] for e in after_prev["items"]] == [r["id"] for r in rows]

    # Polling: at the end the cursor is echoed; a new event shows up after it, and only that one.
    empty = expect(h.get(EVENTS, params={"after": end}, **EVALUATOR), 200)
    assert empty == {"items": [], "next_cursor": end}, empty
    later = E.completed(h, s.pid, s.urns[1], "follow_up", values=1)
    page = expect(h.get(EVENTS, params={"after": end, "type": TYPE}, **EVALUATOR), 200)
    assert [e["data"] for e in page["items"]] == [later], page
    assert page["next_cursor"], page
    assert expect(h.get(EVENTS, params={"after": page["next_cursor"]}, **EVALUATOR), 200)["items"] == []

    # The Kafka messages of this project are the same envelopes in the same order.
    rows = E.rows_for_project(h, s.pid)
    msgs = E.consume(h, TOPIC, E.for_key(s.pid), n=len(rows), timeout=30)
    assert [m.value for m in msgs] == mine + page["items"]


def test_events_feed_refusals(h):
    s = E.new_setting(h)
    for who in (as_icb(s.icb), as_school(s.urn), as_la(s.la), as_pcf("some-forum")):
        problem(h.get(EVENTS, **who), 403)
    problem(h.get(EVENTS, auth=False), 401)
    for q in ("after=zzz", "cursor=%%%", "limit=0", "limit=501", "limit=x",
              "type=uk.gov.pins.unknown.v1", "type=self_assessment.completed"):
        problem(h.get(f"{EVENTS}?{q}", **EVALUATOR), 400)


def test_rows_committed_out_of_seq_order_are_not_skipped(h):
    """A transaction that took an earlier seq but commits later: readers (the relay and the feed)
    hold back everything after it until it ends, so its row is neither skipped nor overtaken."""
    import json

    import psycopg

    s = E.new_setting(h)
    held_type = "uk.gov.pins.test.held_open.v1"
    tx = psycopg.connect(h.database_url)            # a transaction of our own, left open a while
    try:
        held_id = tx.execute("SELECT outbox_add('pins.projects', %s, %s, %s, %s)::text",
                             (s.pid, held_type, f"/v1/projects/{s.pid}",
                              json.dumps({"note": "written by the API tests"}))).fetchone()[0]
        _, end = E.feed(h, EVALUATOR)
        later = E.completed(h, s.pid, s.urn)       # a later seq, committed first
        time.sleep(1.5)
        rows = E.rows_for_assessment(h, later["id"])
        assert len(rows) == 1 and rows[0]["published_at"] is None, \
            f"the relay published seq {rows[0]['seq']} while a transaction holding an earlier seq was open"
        page = expect(h.get(EVENTS, params={"after": end}, **EVALUATOR), 200)
        assert page["items"] == [], "the feed showed an event while an earlier one could still commit"
        tx.commit()
    finally:
        tx.close()
    events, _ = E.feed(h, EVALUATOR, after=end)
    assert [(e["id"], e["type"]) for e in events] == [(held_id, held_type), (rows[0]["id"], TYPE)], events
    E.wait_published(h, "key = %s", (s.pid,), timeout=15)
    held = E.outbox_rows(h, "id = %s", (held_id,))[0]
    assert held["seq"] < rows[0]["seq"]
    got = E.consume(h, "pins.projects", lambda m: m.ce_id == held_id, n=1, timeout=20)
    assert len(got) == 1 and got[0].key == s.pid and got[0].value == held["envelope"], got
    msgs = E.consume(h, TOPIC, E.for_subject(later["id"]), n=1, timeout=20)
    assert len(msgs) == 1 and msgs[0].value["data"] == later, msgs
    E.check_message(msgs[0])


def test_row_below_the_relays_cursor_is_not_skipped(h):
    """The relay reads on from the highest seq it has read while earlier rows are still in flight.
    A transaction that took its xid first but its seq last commits first and is published; one that
    took the lower seq (and a later xid) commits afterwards: its row, below everything already read,
    must still be published."""
    import json

    import psycopg

    s = E.new_setting(h)
    kind = "uk.gov.pins.test.late_row.v1"

    def add(conn, note):
        return conn.execute("SELECT outbox_add('pins.projects', %s, %s, %s, %s)::text",
                            (s.pid, kind, f"/v1/projects/{s.pid}", json.dumps({"note": note}))).fetchone()[0]

    first_xid = psycopg.connect(h.database_url)
    lower_seq = psycopg.connect(h.database_url)
    try:
        first_xid.execute("SELECT pg_current_xact_id()")
        late_id = add(lower_seq, "lower seq, later xid, committed last")
        early_id = add(first_xid, "higher seq, earlier xid, committed first")
        first_xid.commit()
        # Older than every running transaction: published while the other one is still open.
        E.wait_published(h, "id = %s", (early_id,), timeout=15)
        lower_seq.commit()
    finally:
        first_xid.close()
        lower_seq.close()
    E.wait_published(h, "id = %s", (late_id,), timeout=15)
    late, early = E.outbox_rows(h, "id = ANY(%s::uuid[])", ([late_id, early_id],))
    assert (late["id"], early["id"]) == (late_id, early_id) and late["seq"] < early["seq"], (late, early)
    assert early["published_at"] < late["published_at"]
    got = E.consume(h, "pins.projects", lambda m: m.ce_id in (late_id, early_id), n=2, timeout=20)
    assert [m.ce_id for m in got] == [early_id, late_id], got
    assert got[1].value == late["envelope"], got[1]


def test_completions_close_together_are_published_promptly(h):
    """A NOTIFY makes PostgreSQL serialise commits through their disk sync, so the service sends
    one with at most one commit every 20 ms, and the relay, once rows come, reads on for 200 ms
    without one. Completions right after one another (most without a NOTIFY of their own) are
    still published within a fraction of the relay's 1 s idle re-read, which is what they would
    wait for if the relay stopped reading when it ran out of rows."""
    s = E.new_setting(h, schools_per_project=4)
    drafts = []
    for urn in s.urns:
        who = as_school(urn)
        aid = E.create(h, s.pid, urn, who=who)["id"]
        E.patch(h, aid, {"responses": E.responses(3)}, who)
        drafts.append((aid, who))
    time.sleep(0.6)  # the relay idle, its reading-on over
    for aid, who in drafts:
        E.complete(h, aid, who)
    E.wait_published(h, "key = %s", (s.pid,), timeout=10)
    with h.db() as conn:
        lags = [r[0] for r in conn.execute(
            "SELECT extract(epoch FROM published_at - created_at) FROM outbox WHERE key = %s ORDER BY seq",
            (s.pid,)).fetchall()]
    assert len(lags) == 4, lags
    assert max(lags) < 0.5, f"seconds from commit to published, per event: {lags}"


def test_an_event_is_pending_exactly_while_unpublished(h):
    """The relay finds unpublished events through outbox_pending (migration 013): every writer
    lists its event there in the same statement, and marking an event published removes it there
    in the same statement. An event missing from it would never be published."""
    s = E.new_setting(h)
    E.completed(h, s.pid, s.urn)
    with h.db() as conn:
        total, lost, stale = conn.execute(
            "SELECT count(*),"
            " count(*) FILTER (WHERE o.published_at IS NULL AND p.seq IS NULL),"
            " count(*) FILTER (WHERE o.published_at IS NOT NULL AND p.seq IS NOT NULL)"
            " FROM outbox o LEFT JOIN outbox_pending p ON p.seq = o.seq").fetchone()
    assert total > 5 and (lost, stale) == (0, 0), (total, lost, stale)
