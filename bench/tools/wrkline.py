#!/usr/bin/python3
"""One line about a wrk result file (common.lua's done()), for bench/run.sh's progress log."""
import json
import sys

w = json.load(open(sys.argv[1]))
lat = w["latency_us"]
print(f"{w['requests'] / w['duration_us'] * 1e6:,.0f} req/s, p50 {lat['p50'] / 1000:.2f} ms, "
      f"p99 {lat['p99'] / 1000:.2f} ms, non-2xx {w['errors']['status']}")
