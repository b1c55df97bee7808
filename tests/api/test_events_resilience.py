"""Events are never lost (issue 4): Kafka down while assessments complete -> the API still takes
the writes, /readyz says degraded, and once the brokers are back every event arrives, each
project's in completion order; the active relay SIGKILLed while events flow -> a standby takes
over within seconds and every event arrives (a duplicate only ever with the same ce_id).

Sizes are tunable (the contract's own test says 1,000; the default keeps the suite fast, twice over
in CI). Spread over several projects (message key = project id, so several partitions): the mock
cluster keeps only ~5 MiB per partition, about 2,500 of these events.
  PINS_TEST_OUTAGE_EVENTS   completions while Kafka is down (default 200)
  PINS_TEST_OUTAGE_HOLD     seconds the brokers stay down after the completions (default 17: longer
                            than the relay's message.timeout.ms of 15 s, so its first attempt fails
                            and the events must be sent again from the outbox)
  PINS_TEST_RELAY_EVENTS    completions during the relay takeover (default 120)
  PINS_TEST_RELAY_KILL_DELAY  seconds between letting the paused relay go and SIGKILLing it
                            (default 0.001: it has sent the batch, not yet marked it)
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

import events as E
from events import TOPIC, as_school

OUTAGE_EVENTS = int(os.environ.get("PINS_TEST_OUTAGE_EVENTS", "200"))
OUTAGE_HOLD = float(os.environ.get("PINS_TEST_OUTAGE_HOLD", "17"))
RELAY_EVENTS = int(os.environ.get("PINS_TEST_RELAY_EVENTS", "120"))
SCHOOLS_PER_PROJECT = 20
TAKEOVER_SECONDS = 5.0
KILL_DELAY = float(os.environ.get("PINS_TEST_RELAY_KILL_DELAY", "0.001"))  # after SIGCONT, in seconds


def prepared_drafts(h, n: int) -> tuple[E.Setting, dict[str, list[str]]]:
    """n answered baseline drafts spread over projects of SCHOOLS_PER_PROJECT schools; returns the
    setting and, per project, its draft ids."""
    projects = max(1, -(-n // SCHOOLS_PER_PROJECT))
    s = E.new_setting(h, schools_per_project=SCHOOLS_PER_PROJECT, projects=projects)
    pairs = [(pid, urn) for pid in s.projects for urn in s.schools[pid]][:n]

    def make(pair):
        pid, urn = pair
        who = as_school(urn)
        aid = E.create(h, pid, urn, who=who)["id"]
        E.patch(h, aid, {"responses": E.responses(1 + urn % 4)}, who)
        return pid, urn, aid

    drafts: dict[str, list[tuple[int, str]]] = {pid: [] for pid in s.projects}
    with ThreadPoolExecutor(8) as ex:
        for pid, urn, aid in ex.map(make, pairs):
            drafts[pid].append((urn, aid))
    return s, drafts


def complete_all(h, drafts, on_each=None) -> dict[str, list[str]]:
    """Completes every draft: one thread per project, each project's drafts one after another.
    Returns, per project, the assessment ids in completion order. Every completion must be 200."""
    order: dict[str, list[str]] = {pid: [] for pid in drafts}
    failures = []

    def run(pid):
        for urn, aid in drafts[pid]:
            r = h.post(f"{E.ASSESSMENTS}/{aid}/complete", **as_school(urn))
            if r.status_code != 200:
                failures.append(f"complete {aid}: {r.status_code} {r.text[:300]}")
                return
            order[pid].append(aid)
            if on_each:
                on_each()

    with ThreadPoolExecutor(min(8, len(drafts))) as ex:
        list(ex.map(run, list(drafts)))
    assert not failures, failures[:5]
    return order


def check_stream(h, order: dict[str, list[str]], timeout: float) -> list[E.Message]:
    """Reads every event of these projects from Kafka and checks: all arrive, none is lost, each is
    the outbox row's envelope, duplicates carry the same ce_id and value, each project's events
    are in completion order."""
    pids = list(order)
    want = sum(len(v) for v in order.values())
    rows = {}
    for pid in pids:
        for row in E.rows_for_project(h, pid):
            rows[row["id"]] = row
    assert len(rows) == want, f"{len(rows)} outbox rows for {want} completions"
    # Every outbox row, in seq order per project, matches the completion order.
    for pid in pids:
        seq_order = [r["envelope"]["data"]["id"] for r in E.rows_for_project(h, pid)]
        assert seq_order == order[pid], f"project {pid}: outbox order differs from completion order"

    deadline = time.monotonic() + timeout
    msgs: list[E.Message] = []
    while True:
        left = deadline - time.monotonic()
        msgs = E.consume(h, TOPIC, E.for_key(*pids), n=want, timeout=max(1.0, min(left, 30.0)))
        if len({m.ce_id for m in msgs}) >= want or time.monotonic() >= deadline:
            break
    first: dict[str, E.Message] = {}
    dups = 0
    for m in msgs:
        if m.ce_id in first:
            dups += 1
            assert m.raw == first[m.ce_id].raw, f"duplicate of {m.ce_id} with another value"
        else:
            first[m.ce_id] = m
    missing = set(rows) - set(first)
    with h.db() as conn:
        unpublished = conn.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL AND key = ANY(%s)",
                                   (pids,)).fetchone()[0]
    assert not missing, (f"{len(missing)} of {want} events never arrived within {timeout:.0f}s "
                         f"({unpublished} outbox rows unpublished); e.g. {sorted(missing)[:3]}")
    assert set(first) == set(rows), f"unexpected events: {sorted(set(first) - set(rows))[:3]}"
    by_assessment = {}
    for ce_id, m in first.items():
        E.check_message(m)
        assert m.value == rows[ce_id]["envelope"], f"message {ce_id} is not its outbox envelope"
        aid = m.value["data"]["id"]
        assert aid not in by_assessment, f"assessment {aid} was published under two ce_ids"
        by_assessment[aid] = ce_id
    # Per project: one partition, and the first arrival of each event in completion order.
    for pid in pids:
        mine = [m for m in msgs if m.key == pid]
        assert len({m.partition for m in mine}) == 1, f"project {pid} spread over partitions"
        seen, arrival = set(), []
        for m in sorted(mine, key=lambda m: m.offset):
            if m.ce_id not in seen:
                seen.add(m.ce_id)
                arrival.append(m.value["data"]["id"])
        assert arrival == order[pid], f"project {pid}: events out of completion order"
    msgs_dups = dups
    print(f"\n[events] {want} events, {msgs_dups} duplicate deliveries")
    return msgs


def wait_readyz(h, status, timeout=20.0, min_pending=0) -> dict:
    """Waits for /readyz to say status and GET /v1/status (the checks and the backlog, from a
    background check about once a second) to count at least min_pending events; returns the
    latter."""
    deadline = time.monotonic() + timeout
    body = None
    while time.monotonic() < deadline:
        r = requests.get(h.url("/readyz"), timeout=15)
        if r.status_code == 200 and r.json().get("status") == status:
            r = h.get("/v1/status")
            assert r.status_code == 200, r.text
            body = r.json()
            if body.get("status") == status and (body["outbox"]["pending"] or 0) >= min_pending:
                return body
        time.sleep(0.2)
    raise AssertionError(f"/readyz did not say {status!r} (with {min_pending} pending) within {timeout}s: {body}")


def test_kafka_down_events_wait_then_all_arrive(h):
    t_prep = time.monotonic()
    s, drafts = prepared_drafts(h, OUTAGE_EVENTS)
    print(f"\n[events] {OUTAGE_EVENTS} answered drafts made in {time.monotonic() - t_prep:.1f}s")
    E.kafka_down(h)
    try:
        t_down = time.monotonic()
        body = wait_readyz(h, "degraded")
        print(f"[events] /readyz degraded {time.monotonic() - t_down:.1f}s after the brokers went down")
        assert body["database"] == "ok" and body["kafka"] == "unreachable", body
        t0 = time.monotonic()
        order = complete_all(h, drafts)
        took = time.monotonic() - t0
        n = sum(len(v) for v in order.values())
        assert n == OUTAGE_EVENTS
        body = wait_readyz(h, "degraded", min_pending=n)
        assert body["outbox"]["pending"] >= n, body
        assert body["outbox"]["oldest_seconds"] >= 0, body
        with h.db() as conn:
            published = conn.execute("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"
                                     " AND key = ANY(%s)", (s.projects,)).fetchone()[0]
        assert published == 0, f"{published} events marked published while every broker was down"
        print(f"[events] {n} completions with Kafka down in {took:.1f}s")
        # Stay down past the relay's delivery timeout: its attempt fails and must be retried.
        time.sleep(max(0.0, OUTAGE_HOLD - (time.monotonic() - t0)))
        with h.db() as conn:
            published = conn.execute("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"
                                     " AND key = ANY(%s)", (s.projects,)).fetchone()[0]
        assert published == 0, f"{published} events marked published while every broker was down"
        assert wait_readyz(h, "degraded", min_pending=n)["outbox"]["pending"] >= n
    finally:
        E.kafka_up(h)
    t_up = time.monotonic()
    check_stream(h, order, timeout=120)
    print(f"[events] all arrived {time.monotonic() - t_up:.1f}s after the brokers came back")
    E.wait_published(h, "key = ANY(%s)", (s.projects,), timeout=30)
    body = wait_readyz(h, "ready", timeout=30)
    assert body["kafka"] == "ok", body
    print(f"[events] /readyz ready {time.monotonic() - t_up:.1f}s after the brokers came back")


def _active_relay(h, candidates):
    """The live relay that most recently logged taking the outbox lock."""
    best, best_time = None, ""
    for r in candidates:
        if r.proc.poll() is not None:
            continue
        for line in E.log_lines(r):
            if "active (holds the outbox lock)" in str(line.get("msg", "")):
                t = line.get("time", "")
                if best is None or t >= best_time:
                    best, best_time = r, t
    return best


def test_active_relay_killed_another_takes_over(h, spawn_relay):
    s, drafts = prepared_drafts(h, RELAY_EVENTS)
    standby = spawn_relay("standby")
    candidates = [h.relay, standby]
    # The session relay holds the lock; the new one waits (and keeps quiet about it).
    active = _active_relay(h, candidates)
    assert active is not None, "no relay says it holds the outbox lock"
    time.sleep(1.5)
    assert _active_relay(h, candidates) is active, "two relays claim the outbox lock"
    other = standby if active is not standby else h.relay
    other_before = E.active_count(other)

    # Events flow: a quarter of the completions are published as usual. Then the active relay is
    # paused (SIGSTOP) while half of them complete, so a backlog waits for it; it is let go
    # (SIGCONT) and SIGKILLed a few milliseconds later, in the middle of publishing that batch,
    # while the last quarter completes.
    pids = list(drafts)
    quarter = max(1, SCHOOLS_PER_PROJECT // 4)
    phases = [{pid: d[:quarter] for pid, d in drafts.items()},
              {pid: d[quarter:3 * quarter] for pid, d in drafts.items()},
              {pid: d[3 * quarter:] for pid, d in drafts.items()}]

    def outbox_count(published: bool) -> int:
        with h.db() as conn:
            return conn.execute(f"SELECT count(*) FROM outbox WHERE published_at IS {'NOT ' if published else ''}"
                                "NULL AND key = ANY(%s)", (pids,)).fetchone()[0]

    order = {pid: [] for pid in pids}
    stopped = False
    try:
        for pid, ids in complete_all(h, phases[0]).items():
            order[pid] += ids
        E.wait_published(h, "key = ANY(%s)", (pids,), timeout=15)
        active.proc.send_signal(signal.SIGSTOP)
        stopped = True
        for pid, ids in complete_all(h, phases[1]).items():
            order[pid] += ids
        backlog, published_before = outbox_count(False), outbox_count(True)
        last: dict = {}

        def complete_last():
            try:
                last.update(complete_all(h, phases[2]))
            except BaseException as e:  # reported below
                last["error"] = repr(e)

        tail = threading.Thread(target=complete_last, daemon=True)
        tail.start()
        active.proc.send_signal(signal.SIGCONT)
        time.sleep(KILL_DELAY)
        active.kill()                                  # SIGKILL to its process group
        stopped = False
        marked = outbox_count(True) - published_before
        took = E.wait_active(other, before=other_before, timeout=15)
        tail.join(timeout=60)
        assert not tail.is_alive(), "the last completions did not finish"
        assert "error" not in last, last["error"]
        for pid, ids in last.items():
            order[pid] += ids
        assert active.proc.returncode not in (None, 0), active.proc.returncode
        assert took <= TAKEOVER_SECONDS, f"the standby took the outbox lock {took:.1f}s after the kill"
        print(f"\n[events] relay killed {KILL_DELAY * 1000:.0f} ms after resuming with {backlog} events "
              f"waiting, {marked} of them marked published by it; standby active {took:.2f}s after the kill")
        check_stream(h, order, timeout=60)
        E.wait_published(h, "key = ANY(%s)", (pids,), timeout=30)
    finally:
        if stopped:
            active.proc.send_signal(signal.SIGCONT)
        if active is h.relay:
            # The session relay died: the session gets a new one (a standby while `other` runs).
            h.relay = h.spawn_relay(f"relay-{len(h._servers)}")
