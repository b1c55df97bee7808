#!/usr/bin/python3
"""Turns the raw measurements of one `bench/run.sh` (a folder of small JSON files) into
bench/results/<date>.json and the table printed at the end.

Raw files (all written by bench/run.sh):
  <scenario>-<k>.wrk.json     wrk's done() (common.lua) for measured run k
  <scenario>-<k>.cpu0.json / .cpu1.json   cpusnap.py before / after that run
  <scenario>-<k>.mem.json     {"rss_ready_kib", "hwm_kib", "rss_after_kib", "ready_ms"} (pins-api runs)
  pgbench-<mode>-<k>.txt      pgbench's output
  pair-<scenario>-<k>.wrk.json / .txt   the scenario's ceiling (pkread / TPC-B) run just before its run k
  relay.json                  relay_bench.py measure
  ready_ms.txt                one start-up time per pins-api start
  load.json                   the generator's summary
  meta.json                   options, machine, git revision
"""
import glob
import json
import os
import re
import statistics
import sys

MiB = 1024.0

# scenario -> (title, ceiling, target ratio or None)
SCENARIOS = [
    ("school_get", "(1) GET /v1/schools/{urn}", "pkread", 0.60),
    ("school_list", "(2) GET /v1/schools?la_code&limit=50", "pkread", 0.40),
    ("project_list", "(2) GET /v1/projects?financial_year", "pkread", 0.40),
    ("project_get", "(3) GET /v1/projects/{id}", "pkread", None),
    ("complete", "(4) POST self-assessment complete", "pgbench_tpcb", 0.50),
    ("mix", "(4) 90/10 read/write mix", "pkread", None),
]
CEILINGS = [
    ("hello", "ceiling: ulfius fixed JSON (HTTP)"),
    ("pkread", "ceiling: ulfius + 1 prepared PK SELECT"),
    ("pgbench_select", "ceiling: pgbench -S -M prepared -c16"),
    ("pgbench_tpcb", "ceiling: pgbench TPC-B -M prepared -c16"),
]
P99_TARGET_MS = 10.0


def load(path):
    with open(path) as f:
        return json.load(f)


def med(xs):
    return statistics.median(xs) if xs else None


def spread(xs):
    if not xs:
        return None
    m = statistics.median(xs)
    return {"min": min(xs), "max": max(xs), "relative": round((max(xs) - min(xs)) / m, 3) if m else None}


def wrk_runs(raw, name):
    runs = []
    for p in sorted(glob.glob(f"{raw}/{name}-*.wrk.json"), key=run_number):
        k = p[: -len(".wrk.json")]
        w = load(p)
        dur = w["duration_us"] / 1e6
        r = {"rps": round(w["requests"] / dur, 1), "requests": w["requests"], "seconds": round(dur, 2),
             "p50_ms": w["latency_us"]["p50"] / 1000, "p90_ms": w["latency_us"]["p90"] / 1000,
             "p99_ms": w["latency_us"]["p99"] / 1000, "max_ms": w["latency_us"]["max"] / 1000,
             "errors": w["errors"]}
        r["non_2xx"] = w["errors"]["status"]
        if os.path.exists(k + ".cpu0.json") and os.path.exists(k + ".cpu1.json"):
            a, b = load(k + ".cpu0.json"), load(k + ".cpu1.json")
            us = 1e6 / a["hz"]
            n = max(w["requests"], 1)
            busy = (b["machine_total"] - b["machine_idle"]) - (a["machine_total"] - a["machine_idle"])
            def delta(k):
                # per pid: processes alive at the second snapshot, minus what they had at the first
                return sum(t - a[k].get(pid, 0) for pid, t in b[k].items())
            r["cpu_us_per_request"] = {
                "server": round((b["server"] - a["server"]) * us / n, 1),
                "postgres": round(delta("postgres") * us / n, 1),
                "relay": round(delta("relay") * us / n, 1),
                "broker": round(delta("broker") * us / n, 1),
                "machine": round(busy * us / n, 1),
            }
            wt = sorted((t - a.get("server_threads", {}).get(tid, 0) for tid, t in b.get("server_threads", {}).items()),
                        reverse=True)
            if len(wt) >= 2 and wt[0] > 0:
                # CPU of the least busy pool worker over the busiest one's: near 0 means one worker
                # served every connection (only one request at a time).
                r["worker_balance"] = round(wt[-1] / wt[0], 2)
            total = b["machine_total"] - a["machine_total"]
            r["machine_busy"] = round(busy / total, 3) if total else None
        if os.path.exists(k + ".mem.json"):
            r["memory"] = load(k + ".mem.json")
        runs.append(r)
    return runs


def summarise(runs):
    if not runs:
        return None
    out = {"runs": len(runs), "rps": med([r["rps"] for r in runs]), "rps_spread": spread([r["rps"] for r in runs]),
           "p50_ms": med([r["p50_ms"] for r in runs]), "p99_ms": med([r["p99_ms"] for r in runs]),
           "p99_spread": spread([r["p99_ms"] for r in runs]), "non_2xx": sum(r["non_2xx"] for r in runs),
           "socket_errors": sum(r["errors"]["connect"] + r["errors"]["read"] + r["errors"]["write"]
                                + r["errors"]["timeout"] for r in runs)}
    bal = [r["worker_balance"] for r in runs if "worker_balance" in r]
    if bal:
        out["worker_balance_min"] = min(bal)
        bad = [r for r in runs if r.get("worker_balance", 1) < 0.3]
        good = [r["rps"] for r in runs if r.get("worker_balance", 1) >= 0.3]
        out["imbalanced_runs"] = len(bad)
        if bad and good:
            out["rps_balanced_runs_median"] = med(good)
    cpu = [r["cpu_us_per_request"] for r in runs if "cpu_us_per_request" in r]
    if cpu:
        out["cpu_us_per_request"] = {k: med([c[k] for c in cpu]) for k in cpu[0]}
    out["per_run"] = runs
    return out


def run_number(path):
    return int(path.rsplit("-", 1)[1].split(".")[0])


def pgbench_files(pattern):
    runs = []
    for p in sorted(glob.glob(pattern), key=run_number):
        text = open(p).read()
        m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", text)
        lat = re.search(r"latency average = ([0-9.]+) ms", text)
        if m:
            runs.append({"rps": float(m.group(1)), "latency_avg_ms": float(lat.group(1)) if lat else None})
    return runs


def pgbench_runs(raw, mode):
    runs = pgbench_files(f"{raw}/pgbench-{mode}-*.txt")
    if not runs:
        return None
    return {"runs": len(runs), "rps": med([r["rps"] for r in runs]), "rps_spread": spread([r["rps"] for r in runs]),
            "latency_avg_ms": med([r["latency_avg_ms"] for r in runs if r["latency_avg_ms"] is not None]),
            "per_run": runs}


def fmt(x, nd=1):
    if x is None:
        return "—"
    if isinstance(x, float) and x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{nd}f}" if isinstance(x, float) else str(x)


def main() -> int:
    raw, out_path = sys.argv[1], sys.argv[2]
    meta = load(f"{raw}/meta.json") if os.path.exists(f"{raw}/meta.json") else {}
    res = {"meta": meta, "scenarios": {}, "ceilings": {}, "targets": []}
    if os.path.exists(f"{raw}/load.json"):
        res["load"] = load(f"{raw}/load.json")
    for name, _t in CEILINGS:
        s = summarise(wrk_runs(raw, name)) if name in ("hello", "pkread") else \
            pgbench_runs(raw, {"pgbench_select": "select", "pgbench_tpcb": "tpcb"}[name])
        if s:
            res["ceilings"][name] = s
    for name, _t, ceil, _target in SCENARIOS:
        s = summarise(wrk_runs(raw, name))
        if s:
            c = res["ceilings"].get(ceil)
            s["ceiling"] = ceil
            s["ratio"] = s["ratio_to_ceiling_runs"] = round(s["rps"] / c["rps"], 3) if c and c.get("rps") else None
            # Paired: each run over the ceiling run made just before it (bench/run.sh, pair_ceiling).
            pairs = pgbench_files(f"{raw}/pair-{name}-*.txt") if ceil == "pgbench_tpcb" else wrk_runs(raw, f"pair-{name}")
            if pairs and len(pairs) == len(s["per_run"]):
                ratios = [round(r["rps"] / p["rps"], 3) for r, p in zip(s["per_run"], pairs) if p["rps"]]
                s["paired"] = {"ceiling_rps": [p["rps"] for p in pairs], "ratios": ratios}
                s["ratio"] = round(med(ratios), 3) if ratios else s["ratio"]
            res["scenarios"][name] = s
    if os.path.exists(f"{raw}/relay.json"):
        res["relay"] = load(f"{raw}/relay.json")

    # Memory and start-up over every pins-api start of the run.
    mems = [r["memory"] for s in res["scenarios"].values() for r in s["per_run"] if "memory" in r]
    ready = [float(x) for x in open(f"{raw}/ready_ms.txt").read().split()] if os.path.exists(f"{raw}/ready_ms.txt") else []
    if mems or ready:
        res["memory"] = {
            "rss_idle_mib": round(med([m["rss_ready_kib"] for m in mems]) / MiB, 1) if mems else None,
            "rss_idle_max_mib": round(max(m["rss_ready_kib"] for m in mems) / MiB, 1) if mems else None,
            "rss_after_load_mib": round(med([m["rss_after_kib"] for m in mems]) / MiB, 1) if mems else None,
            "peak_hwm_mib": round(max(m["hwm_kib"] for m in mems) / MiB, 1) if mems else None,
            "peak_by_scenario_mib": {n: round(max(r["memory"]["hwm_kib"] for r in s["per_run"] if "memory" in r) / MiB, 1)
                                     for n, s in res["scenarios"].items() if any("memory" in r for r in s["per_run"])},
            "ready_ms_median": round(med(ready), 1) if ready else None,
            "ready_ms_max": round(max(ready), 1) if ready else None,
            "starts": len(ready),
        }

    # Targets.
    rows, targets = [], []

    def target(name, value, op, limit, unit):
        ok = None if value is None else (value >= limit if op == ">=" else value < limit)
        targets.append({"what": name, "value": value, "target": f"{op} {limit}{unit}", "met": ok})
        return ok

    for name, title, ceil, tr in SCENARIOS:
        s = res["scenarios"].get(name)
        if not s:
            continue
        met, tgt = None, "—"
        if tr is not None:
            met = target(f"{name} ratio to {ceil}", s["ratio"], ">=", tr, "")
            tgt = f">= {tr:.0%} of {ceil}"
        if name == "school_get":
            m2 = target("school_get p99 ms", s["p99_ms"], "<", P99_TARGET_MS, " ms")
            met = None if met is None or m2 is None else (met and m2)
            tgt += f", p99 < {P99_TARGET_MS:.0f} ms"
        flag = "" if not s["non_2xx"] and not s["socket_errors"] else f" [!{s['non_2xx']} non-2xx, {s['socket_errors']} socket errors]"
        if s.get("imbalanced_runs"):
            flag += f" [!{s['imbalanced_runs']}/{s['runs']} runs on one worker"
            if s.get("rps_balanced_runs_median"):
                flag += f"; others {fmt(s['rps_balanced_runs_median'])}/s"
            flag += "]"
        rows.append([title + flag, fmt(s["rps"]), f"±{s['rps_spread']['relative'] * 50:.0f}%" if s["rps_spread"]["relative"] is not None else "—",
                     fmt(s["p50_ms"], 2), fmt(s["p99_ms"], 2), fmt(s["ratio"], 2) if s["ratio"] is not None else "—",
                     tgt, {True: "yes", False: "NO", None: "—"}[met]])
    for name, title in CEILINGS:
        c = res["ceilings"].get(name)
        if not c:
            continue
        rows.append([title, fmt(c["rps"]), f"±{c['rps_spread']['relative'] * 50:.0f}%" if c["rps_spread"]["relative"] is not None else "—",
                     fmt(c.get("p50_ms"), 2) if "p50_ms" in c else (f"avg {c['latency_avg_ms']:.2f}" if c.get("latency_avg_ms") else "—"),
                     fmt(c.get("p99_ms"), 2) if "p99_ms" in c else "—", "1", "(ceiling)", ""])
    rl = res.get("relay")
    if rl:
        m1 = target("relay events/s", rl.get("events_per_second"), ">=", 20000, "")
        lat = (rl.get("latency_ms") or {})
        m2 = target("relay commit-to-consumer p99 ms", lat.get("p99"), "<", 100, " ms")
        ok_all = rl.get("consumer_received") == rl.get("pending_at_start")
        rows.append([f"(5) relay outbox->Kafka, {rl.get('pending_at_start')} events from relay start"
                     f" (first->last batch: {rl.get('events_per_second_first_to_last'):,} ev/s)"
                     + ("" if ok_all else f" [!consumer got {rl.get('consumer_received')}]"),
                     fmt(float(rl.get("events_per_second") or 0)), "", "", "", "—", ">= 20,000 ev/s",
                     {True: "yes", False: "NO", None: "—"}[m1]])
        rows.append([f"(5) commit-to-consumer latency at {rl.get('latency_rate_per_s'):.0f} ev/s", "", "",
                     fmt(lat.get("p50"), 2), fmt(lat.get("p99"), 2), "—", "p99 < 100 ms",
                     {True: "yes", False: "NO", None: "—"}[m2]])
    mem = res.get("memory")
    if mem:
        for what, key, limit, unit in (("(6) RSS idle (after /readyz)", "rss_idle_mib", 32, " MiB"),
                                       ("(6) RSS peak (VmHWM, all runs)", "peak_hwm_mib", 128, " MiB"),
                                       ("(6) start-up to /readyz 200", "ready_ms_median", 500, " ms")):
            v = mem.get(key)
            ok = target(what, v, "<", limit, unit)
            rows.append([what, f"{v}{unit}" if v is not None else "—", "", "", "", "—", f"< {limit}{unit}",
                         {True: "yes", False: "NO", None: "—"}[ok]])
    res["targets"] = targets
    res["table"] = rows

    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(res, f, indent=1)

    head = ["scenario", "req/s", "spread", "p50 ms", "p99 ms", "ratio", "target", "met?"]
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "  ".join(str(c).ljust(widths[i]) if i in (0, 6, 7) else str(c).rjust(widths[i])
                               for i, c in enumerate(r))
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))
    sc = res["scenarios"]
    if sc:
        print("\nCPU per request (µs, median of runs): " + "; ".join(
            f"{n}: api {s['cpu_us_per_request']['server']}, pg {s['cpu_us_per_request']['postgres']}, "
            f"machine {s['cpu_us_per_request']['machine']}" for n, s in sc.items() if "cpu_us_per_request" in s))
        print("Worker balance (least/most busy MHD worker CPU, per run; ~0 = one worker had every connection): "
              + "; ".join(f"{n}: " + " ".join(str(r.get("worker_balance", "—")) for r in s["per_run"])
                          for n, s in sc.items()))
    for n in ("hello", "pkread"):
        c = res["ceilings"].get(n)
        if c and "cpu_us_per_request" in c:
            print(f"  ceiling {n}: server {c['cpu_us_per_request']['server']}, pg {c['cpu_us_per_request']['postgres']}, "
                  f"machine {c['cpu_us_per_request']['machine']}")
    paired = {n: s["paired"] for n, s in sc.items() if "paired" in s}
    if paired:
        print("Ratios with a ceiling run just before each run (median of run/ceiling; against the ceiling block's"
              " median in brackets): " + "; ".join(
                  f"{n}: {fmt(sc[n]['ratio'], 2)} ({fmt(sc[n]['ratio_to_ceiling_runs'], 2)}), runs "
                  + " ".join(f"{x:.2f}" for x in p["ratios"]) for n, p in paired.items()))
    print(f"\nspread = ±half the (max-min)/median of the runs; results: {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
