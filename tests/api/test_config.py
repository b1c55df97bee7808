"""A missing or malformed setting: exit 2 with one stderr line naming the variable."""

import pytest

from harness import free_port


def run_expect_exit(spawn, h, name, env, timeout=10):
    s = spawn(name, env, None)
    rc = s.wait_exit(timeout)
    if rc is None:
        s.kill()
        pytest.fail(f"{name}: still running after {timeout}s; stderr:\n{s.stderr_text()[-1500:]}")
    s._close_files()
    return rc, s.stderr_text()


CASES = [
    ("PINS_DATABASE_URL", None),
    ("PINS_DATABASE_URL", ""),
    ("PINS_DATABASE_URL", "mysql://nope"),
    ("PINS_KAFKA_BROKERS", None),
    ("PINS_JWT_PUBLIC_KEY_FILE", None),
    ("PINS_JWT_PUBLIC_KEY_FILE", "/nonexistent/key.pem"),
    ("PINS_LISTEN_PORT", "abc"),
    ("PINS_LISTEN_PORT", "70000"),
    ("PINS_LISTEN_PORT", "0"),
    ("PINS_LISTEN_PORT", "80x"),
    ("PINS_WORKERS", "0"),
    ("PINS_WORKERS", "-1"),
    ("PINS_WORKERS", "many"),
    ("PINS_DB_POOL_SIZE", "0"),
    ("PINS_LISTEN_ADDRESS", "localhost"),
    ("PINS_LISTEN_ADDRESS", "300.1.2.3"),
    ("PINS_MAX_CONNECTIONS", "0"),
    ("PINS_MAX_CONNECTIONS", "lots"),
    ("PINS_MAX_CONNECTIONS_PER_IP", "0"),
    ("PINS_MAX_CONNECTIONS_PER_IP", "some"),
    ("PINS_REQUEST_TIMEOUT_SECONDS", "0"),
    ("PINS_REQUEST_TIMEOUT_SECONDS", "30s"),
    ("PINS_LOG_LEVEL", "loud"),
    ("PINS_CORS_ORIGINS", "not an origin"),
]


@pytest.mark.parametrize("var,value", CASES, ids=[f"{v}={x}" for v, x in CASES])
def test_bad_setting_exits_2(h, spawn, var, value):
    env = h.server_env(PINS_LISTEN_PORT=free_port())
    if value is None:
        env.pop(var, None)
    else:
        env[var] = value
    rc, err = run_expect_exit(spawn, h, f"cfg-{var}", env)
    assert rc == 2, f"{var}={value!r}: exit {rc}; stderr:\n{err[-1500:]}"
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{err[-1500:]}"
    assert var in lines[0], lines[0]


def test_public_key_that_is_not_a_key(h, spawn):
    bad = h.tmp / "not-a-key.pem"
    bad.write_text("-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n")
    env = h.server_env(PINS_LISTEN_PORT=free_port(), PINS_JWT_PUBLIC_KEY_FILE=bad)
    rc, err = run_expect_exit(spawn, h, "cfg-badkey", env)
    assert rc == 2, err[-1500:]
    assert "PINS_JWT_PUBLIC_KEY_FILE" in err


def test_port_in_use_is_a_clean_failure(h, spawn):
    env = h.server_env(PINS_LISTEN_PORT=h.server.port)
    rc, err = run_expect_exit(spawn, h, "cfg-port-busy", env)
    assert rc != 0, "started on a port already in use"
    assert h.get("/healthz", auth=False).status_code == 200


def test_migrate_needs_database_url(h):
    p = h.run_cli(["pins-api", "migrate"], env=h.server_env(PINS_DATABASE_URL=None), check=False)
    assert p.returncode == 2
    assert b"PINS_DATABASE_URL" in p.stderr


def test_unknown_subcommand(h):
    p = h.run_cli(["pins-api", "frobnicate"], env=h.server_env(), check=False)
    assert p.returncode != 0
    assert p.stderr.strip(), "says why"


def test_second_server_with_good_config_serves_and_stops(h, spawn):
    """A second instance on the same database: serves, then exits 0 on SIGTERM (also SIGINT)."""
    import signal
    for sig in (signal.SIGTERM, signal.SIGINT):
        port = free_port()
        s = spawn("second", h.server_env(PINS_LISTEN_PORT=port, PINS_WORKERS=1), port, wait_healthy=True)
        assert h.get("/v1/icbs/QK1", base_url=s.base_url).status_code == 200
        s.proc.send_signal(sig)
        assert s.wait_exit(10) == 0, s.stderr_text()[-2000:]


def test_listen_address_binds_only_that_address(h, spawn):
    """PINS_LISTEN_ADDRESS=127.0.0.1: served there, refused on another loopback address."""
    import socket
    port = free_port()
    s = spawn("loopback-only", h.server_env(PINS_LISTEN_PORT=port, PINS_WORKERS=3), port, wait_healthy=True)
    assert h.get("/healthz", auth=False, base_url=s.base_url).status_code == 200
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=3).close()
    s.proc.terminate()
    assert s.wait_exit(10) == 0, s.stderr_text()[-2000:]


def test_every_worker_serves(h, spawn):
    """Connections are spread over the workers (one listening socket each): with many
    connections open at once, several worker threads answer requests."""
    import socket
    import os
    port = free_port()
    s = spawn("spread", h.server_env(PINS_LISTEN_PORT=port, PINS_WORKERS=4), port, wait_healthy=True)
    req = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    conns = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(64)]
    for _ in range(20):
        for c in conns:
            c.sendall(req)
        for c in conns:
            assert b" 200 " in c.recv(4096)
    for c in conns:
        c.close()
    wakeups = {}
    for tid in os.listdir(f"/proc/{s.proc.pid}/task"):
        with open(f"/proc/{s.proc.pid}/task/{tid}/status") as f:
            st = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
        if st["Name"].strip().startswith("MHD"):
            wakeups[tid] = int(st["voluntary_ctxt_switches"])
    assert len(wakeups) == 4, wakeups
    busy = sum(1 for n in wakeups.values() if n >= 20)
    assert busy >= 2, f"only {busy} MHD thread(s) woke for requests: {wakeups}"
    s.proc.terminate()
    assert s.wait_exit(10) == 0, s.stderr_text()[-2000:]
