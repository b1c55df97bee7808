#!/usr/bin/python3
"""Start-up timer for `bench/run.sh`.

Started *before* the server: it polls GET /readyz on 127.0.0.1:PORT every ~2 ms (a refused
connection costs microseconds), and as soon as the server answers 200 it prints the time since
T0 in milliseconds, T0 being the wall-clock nanoseconds bench/run.sh wrote into --t0-file just
before it forked the server. It touches --armed-file once it is polling, so the caller knows the
poller's own start-up is not part of the figure.

Exit status 0 when ready, 1 on timeout (prints the last answer).
"""
import argparse
import socket
import sys
import time


def probe(port: int) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    line = data.split(b"\r\n", 1)[0].split()
    return (int(line[1]) if len(line) > 1 else 0), data


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--t0-file", required=True)
    ap.add_argument("--armed-file", required=True)
    ap.add_argument("--timeout", type=float, default=30.0)
    a = ap.parse_args()
    open(a.armed_file, "w").close()
    deadline = time.monotonic() + a.timeout
    last = b""
    while time.monotonic() < deadline:
        try:
            status, last = probe(a.port)
            if status == 200:
                done_ns = time.time_ns()
                t0 = None
                for _ in range(100):  # the file is written before the fork; tolerate a slow write
                    try:
                        t0 = int(open(a.t0_file).read().strip())
                        break
                    except (OSError, ValueError):
                        time.sleep(0.001)
                if t0 is None:
                    print("waitready: no t0", file=sys.stderr)
                    return 1
                print(f"{(done_ns - t0) / 1e6:.1f}")
                return 0
        except OSError:
            pass
        time.sleep(0.002)
    print(f"waitready: /readyz not 200 within {a.timeout}s: {last[:300]!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
