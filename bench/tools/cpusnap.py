#!/usr/bin/python3
"""CPU time so far, in clock ticks, of the processes of one benchmark stack, and of the machine.

    cpusnap.py --server PID [--postmaster PID] [--relay PID] [--broker PID]

* server: the pins-api (or ceiling) process, and each of its `MHD-worker` threads (report.py
  uses them to see whether one worker carried the whole load: MEASURED.md's imbalance trap);
* postgres: the postmaster and its children (only this stack's cluster, not any other
  PostgreSQL on the machine), per pid, so that report.py can count only what each process spent
  between two snapshots (a backend that exits in between is left out rather than making the sum
  go down);
* relay, broker: those processes;
* machine: busy and total ticks from /proc/stat (everything, other users included).
"""
import argparse
import json
import os
import sys


def proc_stat(path: str) -> tuple[str, int, int]:
    """(comm, ppid, utime + stime) of /proc/<path>/stat."""
    with open(f"/proc/{path}/stat") as f:
        s = f.read()
    comm = s[s.index("(") + 1:s.rindex(")")]
    rest = s[s.rindex(")") + 2:].split()
    return comm, int(rest[1]), int(rest[11]) + int(rest[12])


def ticks(pid) -> dict:
    if not pid:
        return {}
    try:
        return {str(pid): proc_stat(str(pid))[2]}
    except (OSError, ValueError, IndexError):
        return {}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", type=int, default=0)
    ap.add_argument("--postmaster", type=int, default=0)
    ap.add_argument("--relay", type=int, default=0)
    ap.add_argument("--broker", type=int, default=0)
    a = ap.parse_args()
    out = {"server": sum(ticks(a.server).values()), "server_threads": {}, "postgres": ticks(a.postmaster),
           "relay": ticks(a.relay), "broker": ticks(a.broker)}
    if a.server:
        try:
            for tid in os.listdir(f"/proc/{a.server}/task"):
                try:
                    comm, _pp, t = proc_stat(f"{a.server}/task/{tid}")
                except (OSError, ValueError, IndexError):
                    continue
                if comm.startswith("MHD"):
                    out["server_threads"][tid] = t
        except OSError:
            pass
    if a.postmaster:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                _comm, ppid, t = proc_stat(pid)
            except (OSError, ValueError, IndexError):
                continue
            if ppid == a.postmaster:
                out["postgres"][pid] = t
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    out["machine_total"] = sum(cpu[:8])
    out["machine_idle"] = cpu[3] + cpu[4]
    out["hz"] = os.sysconf("SC_CLK_TCK")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
