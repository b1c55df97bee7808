#!/usr/bin/python3
"""Scenario 5: the relay, outbox -> Kafka.

    relay_bench.py fill    --db URL --events N [--topic pins.bench]
    relay_bench.py measure --db URL --brokers B --events N --relay-exe bin/pins-relay --log FILE
                           --pid-file FILE [--latency-seconds S] [--latency-rate R]

fill (run while no relay runs): adds N events with outbox_add() (the same SQL function the
service's writes call), 1,000 a transaction, keys spread over 1,200 made-up project ids so the 12
partitions fill evenly; each envelope is ~350 bytes, so 100,000 events stay well inside the
mock broker's ~5 MiB a partition.

measure: an independent confluent_kafka consumer is assigned every partition of the topic at its
end; then a pins-relay is started (its pid written to --pid-file so bench/run.sh can always stop
it) and timed until every row has published_at set. Throughput = N / (last published_at - relay
start); the consumer must then receive all N. Then, with the relay idle and caught up, events are
committed at a steady rate (--latency-rate a second, in transactions of 5) for --latency-seconds
and the consumer measures commit-to-consumer latency: receive time minus the envelope's `time`
(now() of the writing transaction, microseconds, so it includes that transaction's own commit).
The relay's own share is reported too: envelope time to published_at (the broker's ack as the
relay recorded it). Prints one JSON object.
"""
import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg

TYPE = "uk.gov.pins.bench.tick.v1"


def fill(a) -> dict:
    t = time.monotonic()
    with psycopg.connect(a.db) as db:
        first = db.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0]
        db.commit()
        done = 0
        while done < a.events:
            n = min(1000, a.events - done)
            db.execute(
                "SELECT outbox_add(%s, 'bench-key-' || (g %% 1200), %s, '/v1/bench/' || g,"
                " json_build_object('n', g, 'note', 'relay benchmark event', 'filler', repeat('x', 64))::text)"
                " FROM generate_series(%s::int, %s::int) g", (a.topic, TYPE, done + 1, done + n))
            db.commit()
            done += n
    return {"filled": a.events, "after_seq": first, "fill_seconds": round(time.monotonic() - t, 2)}


def parse_time(s: str) -> float:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc).timestamp()


def pct(sorted_vals, p):
    if not sorted_vals:
        return None
    k = min(len(sorted_vals) - 1, max(0, round(p / 100 * (len(sorted_vals) - 1))))
    return sorted_vals[k]


class Consumer(threading.Thread):
    def __init__(self, brokers: str, topic: str, fetch_wait_ms: int):
        super().__init__(daemon=True)
        from confluent_kafka import Consumer as KC, TopicPartition
        self.c = KC({"bootstrap.servers": brokers, "group.id": f"pins-bench-{os.getpid()}",
                     "enable.auto.commit": False, "auto.offset.reset": "latest", "fetch.wait.max.ms": fetch_wait_ms,
                     "fetch.min.bytes": 1, "log_level": 3})
        md = self.c.list_topics(topic, timeout=10)
        parts = sorted(md.topics[topic].partitions)
        tps = []
        for p in parts:
            lo, hi = self.c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            tps.append(TopicPartition(topic, p, hi))
        self.c.assign(tps)
        self.partitions = len(parts)
        self.lock = threading.Lock()
        self.received = 0
        self.ids = set()
        self.last_recv = None
        self.latencies = []      # seconds, only while `measuring`
        self.measuring = False
        self.stop = False
        self.errors = 0

    def run(self):
        while not self.stop:
            # poll() returns as soon as a message is there; consume(..., 0) then takes whatever
            # else is already queued without waiting (a batch consume with a timeout would wait
            # for the whole timeout and add it to the latency).
            first = self.c.poll(0.05)
            if first is None:
                continue
            now = time.time()
            msgs = [first] + self.c.consume(num_messages=5000, timeout=0)
            for m in msgs:
                if m.error():
                    self.errors += 1
                    continue
                env = json.loads(m.value())
                with self.lock:
                    self.received += 1
                    self.ids.add(env["id"])
                    self.last_recv = now
                    if self.measuring and env["data"].get("latency"):
                        self.latencies.append(now - parse_time(env["time"]))
        self.c.close()


def pending(db) -> int:
    return db.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]


def measure(a) -> dict:
    out: dict = {"events": a.events}
    cons = Consumer(a.brokers, a.topic, a.fetch_wait_ms)
    cons.start()
    time.sleep(0.5)  # let the consumer's first fetches be in flight
    db = psycopg.connect(a.db, autocommit=True)
    start_seq = db.execute("SELECT coalesce(min(seq), 0) FROM outbox WHERE published_at IS NULL").fetchone()[0]
    n_pending = pending(db)
    out["pending_at_start"] = n_pending
    env = dict(os.environ, PINS_LOG_LEVEL="info")
    log = open(a.log, "ab")
    t0 = time.time()
    relay = subprocess.Popen([a.relay_exe], env=env, stdout=subprocess.DEVNULL, stderr=log)
    with open(a.pid_file, "w") as f:
        f.write(str(relay.pid))
    try:
        deadline = time.monotonic() + a.timeout
        while pending(db) > 0:
            if relay.poll() is not None:
                raise SystemExit(f"pins-relay exited {relay.returncode}")
            if time.monotonic() > deadline:
                raise SystemExit(f"outbox not drained within {a.timeout} s: {pending(db)} left")
            time.sleep(0.02)
        t_drained = time.time()
        first_pub, last_pub = db.execute(
            "SELECT extract(epoch FROM min(published_at)), extract(epoch FROM max(published_at)) FROM outbox"
            " WHERE seq >= %s", (start_seq,)).fetchone()
        first_pub, last_pub = float(first_pub), float(last_pub)
        out["relay_start_to_last_published_s"] = round(last_pub - t0, 3)
        out["events_per_second"] = round(n_pending / max(last_pub - t0, 1e-6))
        out["events_per_second_first_to_last"] = round(n_pending / max(last_pub - first_pub, 1e-6))
        out["drained_after_s"] = round(t_drained - t0, 3)
        # Every event must reach the independent consumer.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with cons.lock:
                if len(cons.ids) >= n_pending:
                    break
            time.sleep(0.05)
        with cons.lock:
            out["consumer_received"] = len(cons.ids)
            out["consumer_last_receive_after_s"] = round((cons.last_recv or t0) - t0, 3)
        out["consumer_events_per_second"] = round(n_pending / max((cons.last_recv or t0) - t0, 1e-6))

        # Latency: a steady trickle while the relay is idle and caught up.
        time.sleep(0.5)
        with cons.lock:
            cons.measuring = True
        per_tx = 5
        interval = per_tx / a.latency_rate
        sent = 0
        t_end = time.monotonic() + a.latency_seconds
        nxt = time.monotonic()
        notified = 0.0
        with psycopg.connect(a.db) as w:
            while time.monotonic() < t_end:
                w.execute(
                    "SELECT outbox_add(%s, 'bench-key-' || (g %% 1200), %s, '/v1/bench/latency/' || g,"
                    " json_build_object('n', g, 'latency', true)::text)"
                    " FROM generate_series(%s::int, %s::int) g", (a.topic, TYPE, sent + 1, sent + per_tx))
                # As the service does (store_announce): a NOTIFY with a commit at most every 20 ms.
                if time.monotonic() - notified >= 0.020:
                    w.execute("NOTIFY pins_outbox")
                    notified = time.monotonic()
                w.commit()
                sent += per_tx
                nxt += interval
                delay = nxt - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with cons.lock:
                if len(cons.latencies) >= sent:
                    break
            time.sleep(0.05)
        with cons.lock:
            lat = sorted(cons.latencies)
        out["latency_events_sent"] = sent
        out["latency_events_received"] = len(lat)
        out["latency_rate_per_s"] = a.latency_rate
        out["latency_ms"] = {"p50": round(pct(lat, 50) * 1000, 2) if lat else None,
                             "p90": round(pct(lat, 90) * 1000, 2) if lat else None,
                             "p99": round(pct(lat, 99) * 1000, 2) if lat else None,
                             "max": round(lat[-1] * 1000, 2) if lat else None}
        # The relay's own share: commit (envelope time) to the broker's acknowledgement (the row
        # marked published), both on the database clock.
        rl = db.execute(
            "SELECT 1000 * (extract(epoch FROM published_at) - extract(epoch FROM (envelope::json->>'time')::timestamptz))"
            " FROM outbox WHERE topic = %s AND envelope::json->'data'->>'latency' = 'true' AND published_at IS NOT NULL"
            " AND seq >= %s ORDER BY 1", (a.topic, start_seq)).fetchall()
        rl = [float(x[0]) for x in rl]
        out["commit_to_published_ms"] = {"p50": round(pct(rl, 50), 2) if rl else None,
                                         "p99": round(pct(rl, 99), 2) if rl else None,
                                         "max": round(rl[-1], 2) if rl else None}
        out["consumer_errors"] = cons.errors
        out["partitions"] = cons.partitions
    finally:
        cons.stop = True
        if relay.poll() is None:
            relay.send_signal(signal.SIGTERM)
            try:
                relay.wait(timeout=15)
            except subprocess.TimeoutExpired:
                relay.kill()
                relay.wait()
        out["relay_exit"] = relay.returncode
        try:
            os.unlink(a.pid_file)
        except OSError:
            pass
        db.close()
        cons.join(timeout=5)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["fill", "measure"])
    ap.add_argument("--db", required=True)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--topic", default="pins.bench")
    ap.add_argument("--brokers")
    ap.add_argument("--relay-exe")
    ap.add_argument("--log", default="/dev/null")
    ap.add_argument("--pid-file")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--latency-seconds", type=float, default=10)
    ap.add_argument("--fetch-wait-ms", type=int, default=10, help="the consumer's fetch.wait.max.ms")
    ap.add_argument("--latency-rate", type=float, default=1000, help="events a second in the latency phase")
    a = ap.parse_args()
    res = fill(a) if a.mode == "fill" else measure(a)
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
