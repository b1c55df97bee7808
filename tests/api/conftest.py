"""Session fixtures: the harness (PostgreSQL + Kafka mock + pins-api serve + pins-relay), parent
records for children to hang on, and ways to run extra server and relay processes."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import harness as H  # noqa: E402
import records  # noqa: E402


def _sigterm_to_interrupt(signum, frame):
    raise KeyboardInterrupt("SIGTERM")


@pytest.fixture(scope="session")
def h():
    """The running stack. Teardown always happens; a non-clean shutdown or a sanitizer report
    fails the session."""
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _sigterm_to_interrupt)
    harness = H.Harness()
    problems = []
    try:
        harness.start()
        yield harness
    finally:
        problems = harness.stop()
    if problems:
        pytest.fail("teardown:\n" + "\n\n".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def parent(h):
    """An ICB and an LA created for this session, so children never depend on seed data."""
    icb = records.create(h, "icb")
    la = records.create(h, "local_authority", {"icb": icb["code"]})
    return {"icb": icb["code"], "la": la["code"], "icb_record": icb, "la_record": la}


@pytest.fixture
def spawn(h):
    """spawn(name, env, port=None, wait_healthy=False) -> ServerProcess. Processes still running
    at the end of the test are SIGTERMed (and must exit 0); any sanitizer report fails the test."""
    started = []

    def _spawn(name, env, port=None, wait_healthy=False):
        s = h.spawn_server(f"{name}-{len(h._servers)}", env, port)
        started.append(s)
        if wait_healthy:
            s.wait_healthy()
        return s

    yield _spawn
    problems = []
    for s in started:
        if s.proc.poll() is None:
            problems += s.terminate(timeout=10.0)
        s._close_files()
        rep = H.sanitizer_report(s.stderr_text())
        if rep:
            problems.append(f"sanitizer report in {s.name}:\n{rep}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def spawn_relay(h):
    """spawn_relay(name="relay", env=None) -> ServerProcess: an extra bin/pins-relay on the
    session's database and brokers. Relays still running at the end of the test are SIGTERMed
    (and must exit 0 within 15 s); any sanitizer report fails the test."""
    started = []

    def _spawn(name="relay", env=None):
        r = h.spawn_relay(f"{name}-{len(h._servers)}", env)
        started.append(r)
        return r

    yield _spawn
    problems = []
    for r in started:
        if r.proc.poll() is None:
            problems += r.terminate(timeout=15.0)
        r._close_files()
        rep = H.sanitizer_report(r.stderr_text())
        if rep:
            problems.append(f"sanitizer report in {r.name}:\n{rep}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def server_log(h):
    """Returns a function that waits until a predicate holds for some JSON log line of the main
    server and returns the matching lines."""
    import json

    def lines():
        out = []
        for raw in h.server.stderr_text().splitlines():
            raw = raw.strip()
            if raw.startswith("{"):
                try:
                    out.append(json.loads(raw))
                except ValueError:
                    out.append({"__unparsable__": raw})
        return out

    def wait_for(pred, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            found = [l for l in lines() if pred(l)]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    wait_for.lines = lines
    return wait_for
