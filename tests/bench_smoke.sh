#!/usr/bin/env bash
# The benchmark scripts on a tiny data set (issue 5: `make test` runs them once so they cannot
# rot). Runs `bench/run.sh --tiny` (3 ICBs, ~180 schools, 1 s runs, 2,000 relay events) and
# checks that every scenario produced figures, that no request got a non-2xx answer (a broken
# script or token would) and that the relay's independent consumer got every event. It never
# fails on speed: the targets are printed, not checked. Takes about 30-40 s.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp /tmp/pins-bench-smoke.XXXXXX.json)
trap 'rm -f "$out"' EXIT
start=$(date +%s)
bash bench/run.sh --tiny --out "$out"
/usr/bin/python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
problems = []
for name in ("school_get", "school_list", "project_list", "project_get", "complete", "mix"):
    s = r.get("scenarios", {}).get(name)
    if not s or not s.get("rps"):
        problems.append(f"scenario {name}: no figures")
    elif s["non_2xx"]:
        problems.append(f"scenario {name}: {s['non_2xx']} non-2xx answers")
    elif name in ("school_get", "school_list", "project_list", "complete") and not (s.get("paired") or {}).get("ratios"):
        problems.append(f"scenario {name}: no ceiling run paired with its runs")
for name in ("hello", "pkread", "pgbench_select", "pgbench_tpcb"):
    c = r.get("ceilings", {}).get(name)
    if not c or not c.get("rps"):
        problems.append(f"ceiling {name}: no figures")
    elif c.get("non_2xx"):
        problems.append(f"ceiling {name}: {c['non_2xx']} non-2xx answers")
rl = r.get("relay") or {}
if not rl.get("pending_at_start") or rl.get("consumer_received") != rl.get("pending_at_start"):
    problems.append(f"relay: consumer got {rl.get('consumer_received')} of {rl.get('pending_at_start')} events")
if not (rl.get("latency_ms") or {}).get("p99"):
    problems.append("relay: no latency figures")
mem = r.get("memory") or {}
if not mem.get("rss_idle_mib") or not mem.get("ready_ms_median"):
    problems.append("memory/start-up: no figures")
if problems:
    print("bench smoke: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print("bench smoke: ok (figures from a tiny data set; speed is not checked)")
PY
echo "bench smoke: $(($(date +%s) - start)) s"
