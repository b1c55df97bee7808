"""Black-box harness for the PINS Hub API tests.

Starts, for one pytest session, everything bin/pins-api needs and nothing else:

* a throwaway PostgreSQL 15 cluster in a fresh /tmp folder (initdb as the `postgres` user when we
  are root; fsync off; unix socket in the folder; TCP on 127.0.0.1 at a free port);
* bin/pins-dev-kafka (librdkafka's mock cluster);
* RSA and EC key pairs from `bin/pins-token --gen-key`;
* `bin/pins-api migrate`, `bin/pins-api load-reference-data`, then `bin/pins-api serve`;
* one `bin/pins-relay` (same database and brokers) publishing the outbox to Kafka.

Teardown always runs (fixture finally + atexit backstop): SIGTERM the server and insist it exits 0
within 10 s, SIGTERM the relay and insist it exits 0 within 15 s, stop the broker, `pg_ctl stop -m immediate`, remove the folder. Sanitizer reports in
any server's stderr fail the run.

Environment:
  PINS_BIN_DIR                where the binaries are (default bin/ under the repository root;
                              relative paths are taken from the repository root)
  PINS_TEST_SERVER_WRAPPER    command prefix for `pins-api serve` (e.g. "valgrind -q"); empty
                              by default. The environment (ASAN_OPTIONS, UBSAN_OPTIONS, ...) is
                              passed through to every child process.
  PINS_PG_BIN                 PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
  PINS_TEST_KEEP_TMP          set to 1 to keep the temp folder (its path is printed)
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import hmac
import json
import os
import pwd
import random
import re
import shlex
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import http.client
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PINS_PG_BIN", "/usr/lib/postgresql/15/bin"))

CORS_ORIGIN = "https://app.example.test"
ISSUER = "pins-dev"
AUDIENCE = "pins-hub"
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

# A strong ETag holding a version number, e.g. "3".
ETAG_RE = re.compile(r'^"\d+"$')
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def bin_dir() -> Path:
    d = Path(os.environ.get("PINS_BIN_DIR") or "bin")
    if not d.is_absolute():
        d = REPO_ROOT / d
    return d


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env(**overrides) -> dict:
    """The parent's environment (sanitizer options included) minus any PINS_* settings of the
    caller's own shell, plus overrides. A value of None removes the variable."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PINS_") or k.startswith("PINS_TEST_")}
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


def tail(path, n=4000) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return f"<cannot read {path}: {e}>"
    return data[-n:].decode("utf-8", "replace")


def sanitizer_report(text: str) -> str | None:
    for marker in SANITIZER_MARKERS:
        i = text.find(marker)
        if i >= 0:
            return text[max(0, i - 200): i + 3000]
    return None


# ---------------------------------------------------------------------------------------------
# JWT forging (for tokens bin/pins-token is not meant to mint: no exp, no role, odd headers...)
# ---------------------------------------------------------------------------------------------

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _der_ecdsa_to_raw(der: bytes, size: int = 32) -> bytes:
    """ECDSA-Sig-Value (DER SEQUENCE of two INTEGERs) -> JWS r||s."""
    assert der[0] == 0x30, "not a DER sequence"
    i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    out = b""
    for _ in range(2):
        assert der[i] == 0x02
        ln = der[i + 1]
        val = der[i + 2: i + 2 + ln].lstrip(b"\x00")
        out += val.rjust(size, b"\x00")
        i += 2 + ln
    return out


def std_claims(role="national", org=None, **over) -> dict:
    now = int(time.time())
    c = {"iss": ISSUER, "aud": AUDIENCE, "sub": "test-user", "iat": now, "nbf": now,
         "exp": now + 600, "pins_role": role}
    if org is not None:
        c["pins_org"] = org
    for k, v in over.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


def forge_jwt(claims: dict, alg: str = "RS256", key_file=None, secret: bytes | None = None,
              header: dict | None = None) -> str:
    """Builds a JWS compact token. RS256/ES256 are signed with openssl (key_file: PEM private key);
    HS256 with `secret`; "none" has an empty signature."""
    hdr = {"alg": alg, "typ": "JWT"}
    if header:
        hdr.update(header)
    signing_input = (b64url(json.dumps(hdr, separators=(",", ":")).encode()) + "."
                     + b64url(json.dumps(claims, separators=(",", ":")).encode()))
    if alg == "none":
        sig = b""
    elif alg.startswith("HS"):
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
        sig = hmac.new(secret, signing_input.encode(), digest).digest()
    elif alg in ("RS256", "ES256"):
        p = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(key_file)],
                           input=signing_input.encode(), capture_output=True, check=True)
        sig = p.stdout if alg == "RS256" else _der_ecdsa_to_raw(p.stdout)
    else:
        raise ValueError(alg)
    return signing_input + "." + b64url(sig)


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------

class ServerProcess:
    """One `pins-api serve` process (or, with `cmd`, another of our programs, e.g. pins-relay),
    stdout/stderr captured to files."""

    def __init__(self, harness: "Harness", name: str, env: dict, port: int | None,
                 cmd: list[str] | None = None):
        self.h = harness
        self.name = name
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}" if port else None
        self.stdout_path = harness.tmp / f"{name}.stdout"
        self.stderr_path = harness.tmp / f"{name}.stderr"
        if cmd is None:
            wrapper = shlex.split(os.environ.get("PINS_TEST_SERVER_WRAPPER", ""))
            cmd = wrapper + [str(harness.bin / "pins-api"), "serve"]
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=self._out,
                                     stderr=self._err, start_new_session=True, cwd=harness.tmp)
        self.returncode = None
        harness._servers.append(self)

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_healthy(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before it was "
                                   f"healthy; stderr:\n{tail(self.stderr_path)}")
            try:
                r = requests.get(self.base_url + "/healthz", timeout=2)
                if r.status_code == 200:
                    return
                last = f"status {r.status_code}"
            except requests.RequestException as e:
                last = repr(e)
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not healthy within {timeout}s ({last}); stderr:\n"
                           f"{tail(self.stderr_path)}")

    def wait_exit(self, timeout):
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.returncode

    def terminate(self, timeout=10.0) -> list[str]:
        """SIGTERM, expect exit 0 within timeout. Returns problems found (empty when clean)."""
        problems = []
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            rc = self.wait_exit(timeout)
            if rc is None:
                problems.append(f"{self.name}: did not exit within {timeout}s of SIGTERM")
                self.kill()
            elif rc != 0:
                problems.append(f"{self.name}: exited {rc} on SIGTERM (expected 0); stderr tail:\n"
                                f"{tail(self.stderr_path)}")
        else:
            self.returncode = self.proc.returncode
            problems.append(f"{self.name}: had already exited (code {self.returncode}) before "
                            f"SIGTERM; stderr tail:\n{tail(self.stderr_path)}")
        self._close_files()
        return problems

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.returncode = self.proc.returncode
        self._close_files()

    def _close_files(self):
        for f in (self._out, self._err):
            try:
                f.close()
            except OSError:
                pass


class Harness:
    def __init__(self):
        self.bin = bin_dir()
        self.tmp: Path | None = None
        self.pg_dir: Path | None = None
        self.pg_port = None
        self.broker_proc = None
        self.kafka_brokers = None
        self.server: ServerProcess | None = None
        self.relay: ServerProcess | None = None
        self._servers: list[ServerProcess] = []
        self._pg_running = False
        self._stopped = False
        self._started = False
        self._lock = threading.Lock()
        self._token_cache: dict = {}
        self.minted_tokens: set[str] = set()
        self.cli_outputs: list[tuple[str, str]] = []  # (what, stderr) of CLI runs, for sanitizers
        self.is_root = os.geteuid() == 0
        self.keys: dict[str, Path] = {}

    # -- paths and urls --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/pins"

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- start -----------------------------------------------------------------------------

    def start(self):
        self._started = True
        atexit.register(self.stop)
        for prog in ("pins-api", "pins-token", "pins-dev-kafka", "pins-relay"):
            if not (self.bin / prog).is_file():
                raise RuntimeError(f"{self.bin / prog} is missing: run `make` first "
                                   f"(or set PINS_BIN_DIR)")
        self.tmp = Path(tempfile.mkdtemp(prefix="pins-api-test-", dir="/tmp"))
        os.chmod(self.tmp, 0o755)
        self._start_postgres_cluster()
        self._start_broker()
        self._make_keys()
        self.run_cli(["pins-api", "migrate"], env=self.server_env())
        self.run_cli(["pins-api", "load-reference-data"], env=self.server_env(), timeout=120)
        self.api_port = free_port()
        self.server = ServerProcess(self, "server", self.server_env(PINS_LISTEN_PORT=self.api_port),
                                    self.api_port)
        self.server.wait_healthy()
        self.relay = self.spawn_relay("relay")
        self.wait_ready(timeout=20, must=False)

    def server_env(self, **overrides) -> dict:
        base = dict(
            PINS_DATABASE_URL=self.database_url,
            PINS_KAFKA_BROKERS=self.kafka_brokers,
            PINS_JWT_PUBLIC_KEY_FILE=str(self.keys["rsa"]) + ".pub",
            PINS_CORS_ORIGINS=CORS_ORIGIN,
            PINS_LISTEN_ADDRESS="127.0.0.1",
            PINS_WORKERS=2,
            PINS_LOG_LEVEL="info",
        )
        base.update(overrides)
        return child_env(**base)

    def run_cli(self, argv, env=None, timeout=60, check=True, input=None):
        """Runs one of our binaries (argv[0] is its name in bin/). Returns CompletedProcess."""
        cmd = [str(self.bin / argv[0])] + [str(a) for a in argv[1:]]
        p = subprocess.run(cmd, env=env if env is not None else child_env(), capture_output=True,
                           timeout=timeout, input=input, cwd=self.tmp)
        err = p.stderr.decode("utf-8", "replace")
        self.cli_outputs.append((" ".join(map(str, argv)), err))
        if check and p.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, argv))} exited {p.returncode}\nstdout:\n"
                               f"{p.stdout.decode('utf-8', 'replace')[-3000:]}\nstderr:\n{err[-3000:]}")
        return p

    def _as_postgres(self, cmd):
        if self.is_root:
            return ["runuser", "-u", "postgres", "--"] + cmd
        return cmd

    def _start_postgres_cluster(self):
        self.pg_dir = self.tmp / "pg"
        self.pg_dir.mkdir()
        if self.is_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.pg_dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.pg_dir, 0o755)
        self.pg_port = free_port()
        data = self.pg_dir / "data"
        p = subprocess.run(self._as_postgres([
            str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]),
            capture_output=True, cwd="/tmp")
        if p.returncode != 0:
            raise RuntimeError("initdb failed:\n" + p.stdout.decode() + p.stderr.decode())
        self.start_postgres()
        p = subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                            "-U", "postgres", "pins"], capture_output=True)
        if p.returncode != 0:
            raise RuntimeError("createdb failed:\n" + p.stderr.decode())

    def _pg_ctl(self, *args, timeout=60):
        cmd = self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir / "data")] + list(args))
        return subprocess.run(cmd, capture_output=True, timeout=timeout, cwd="/tmp")

    def start_postgres(self):
        opts = (f"-c port={self.pg_port} -c listen_addresses=127.0.0.1 "
                f"-c unix_socket_directories={self.pg_dir} -c fsync=off "
                f"-c full_page_writes=off -c max_connections=100")
        p = self._pg_ctl("-l", str(self.pg_dir / "postgres.log"), "-w", "-t", "60", "-o", opts, "start")
        if p.returncode != 0:
            raise RuntimeError("pg_ctl start failed:\n" + p.stdout.decode() + p.stderr.decode()
                               + "\nlog:\n" + tail(self.pg_dir / "postgres.log"))
        self._pg_running = True

    def stop_postgres(self, mode="immediate"):
        p = self._pg_ctl("-m", mode, "-w", "stop")
        self._pg_running = False
        if p.returncode != 0:
            raise RuntimeError("pg_ctl stop failed:\n" + p.stdout.decode() + p.stderr.decode())

    def _start_broker(self):
        port_file = self.tmp / "kafka.addr"
        out_path = self.tmp / "kafka.stdout"
        err_path = self.tmp / "kafka.stderr"

        def launch(extra):
            with open(out_path, "wb") as out, open(err_path, "wb") as err:
                return subprocess.Popen([str(self.bin / "pins-dev-kafka")] + extra, env=child_env(),
                                        stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                        start_new_session=True, cwd=self.tmp)

        # The brief asks for --port-file; the contract says the address is the first stdout line.
        # Accept either, and fall back to no option if this build does not know --port-file.
        for extra in (["--port-file", str(port_file)], []):
            self.broker_proc = launch(extra)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                addr = None
                for src in (port_file, out_path):
                    try:
                        text = src.read_text()
                    except OSError:
                        continue
                    if "\n" in text or (src == port_file and text.strip()):
                        line = text.strip().splitlines()[0].strip() if text.strip() else ""
                        if re.match(r"^[\w.\-]+:\d+(,[\w.\-]+:\d+)*$", line):
                            addr = line
                            break
                if addr:
                    self.kafka_brokers = addr
                    self.broker_stderr = err_path
                    return
                if self.broker_proc.poll() is not None:
                    break
                time.sleep(0.05)
            if self.broker_proc.poll() is None:
                self._stop_broker()
                raise RuntimeError("pins-dev-kafka printed no bootstrap address within 20 s; "
                                   f"stderr:\n{tail(err_path)}")
        raise RuntimeError(f"pins-dev-kafka exited {self.broker_proc.returncode}; stderr:\n"
                           f"{tail(err_path)}")

    def _stop_broker(self):
        p = self.broker_proc
        if p is None or p.poll() is not None:
            return
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=5)

    def _make_keys(self):
        kdir = self.tmp / "keys"
        kdir.mkdir()
        for name, extra in (("rsa", []), ("ec", ["--type", "ec"]), ("other", [])):
            path = kdir / f"{name}.pem"
            p = self.run_cli(["pins-token", "--gen-key", path] + extra, check=False)
            if p.returncode != 0 or not path.exists() or not Path(str(path) + ".pub").exists():
                warnings.warn(f"pins-token --gen-key failed ({p.returncode}); using openssl for {name}: "
                              f"{p.stderr.decode('utf-8', 'replace')[-300:]}")
                algo = (["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"] if name == "ec"
                        else ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
                subprocess.run(["openssl", "genpkey"] + algo + ["-out", str(path)], check=True,
                               capture_output=True)
                subprocess.run(["openssl", "pkey", "-in", str(path), "-pubout", "-out",
                                str(path) + ".pub"], check=True, capture_output=True)
            self.keys[name] = path

    def public_key(self, name="rsa") -> Path:
        return Path(str(self.keys[name]) + ".pub")

    def wait_ready(self, timeout=20.0, must=True, base_url=None):
        deadline = time.monotonic() + timeout
        r = None
        while time.monotonic() < deadline:
            try:
                r = requests.get((base_url or self.base_url) + "/readyz", timeout=3)
                if r.status_code == 200 and r.json().get("status") == "ready":
                    return r
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.1)
        if must:
            raise AssertionError(f"/readyz not 200 within {timeout}s: "
                                 f"{r.status_code if r is not None else None} "
                                 f"{r.text if r is not None else ''}")
        return r

    # -- extra servers (config tests, ES256 server) ----------------------------------------

    def spawn_server(self, name, env: dict, port: int | None) -> ServerProcess:
        return ServerProcess(self, name, env, port)

    # -- relays (bin/pins-relay) -----------------------------------------------------------

    def relay_env(self, **overrides) -> dict:
        base = dict(PINS_DATABASE_URL=self.database_url, PINS_KAFKA_BROKERS=self.kafka_brokers,
                    PINS_LOG_LEVEL="info")
        base.update(overrides)
        return child_env(**base)

    def spawn_relay(self, name, env: dict | None = None) -> ServerProcess:
        """Starts a `pins-relay` (stderr in TMP/NAME.stderr); returns once it logged "started"."""
        relay = ServerProcess(self, name, env if env is not None else self.relay_env(), None,
                              cmd=[str(self.bin / "pins-relay")])
        deadline = time.monotonic() + 20
        while "started" not in relay.stderr_text():
            if relay.proc.poll() is not None:
                raise RuntimeError(f"{name} exited {relay.proc.returncode} at start; stderr:\n"
                                   f"{tail(relay.stderr_path)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not log \"started\" within 20 s; stderr:\n"
                                   f"{tail(relay.stderr_path)}")
            time.sleep(0.02)
        return relay

    # -- tokens ----------------------------------------------------------------------------

    def token(self, role="national", org=None, **kw) -> str:
        """A token from bin/pins-token. kw: ttl, sub, iss, aud, exp_offset, nbf_offset, alg,
        key ("rsa", "ec", "other" or a path). Tokens without time offsets are cached."""
        timed = any(k in kw for k in ("exp_offset", "nbf_offset", "iat_offset"))
        cache_key = (role, org, tuple(sorted((k, str(v)) for k, v in kw.items())))
        if not timed:
            with self._lock:
                if cache_key in self._token_cache:
                    return self._token_cache[cache_key]
        key = kw.pop("key", "rsa")
        key_path = self.keys.get(key, key)
        argv = ["pins-token", "--role", role, "--key", key_path]
        if org is not None:
            argv += ["--org", org]
        if "ttl" not in kw and not timed:
            kw["ttl"] = 7200
        for k, v in kw.items():
            argv += ["--" + k.replace("_", "-"), v]
        p = self.run_cli(argv, env=child_env())
        tok = p.stdout.decode().strip()
        assert tok.count(".") == 2, f"pins-token printed no JWT: {tok!r}"
        self.minted_tokens.add(tok)
        if not timed:
            with self._lock:
                self._token_cache[cache_key] = tok
        return tok

    def forge(self, claims: dict, alg="RS256", key="rsa", secret=None, header=None) -> str:
        tok = forge_jwt(claims, alg=alg, key_file=self.keys.get(key, key), secret=secret,
                        header=header)
        self.minted_tokens.add(tok)
        return tok

    # -- HTTP ------------------------------------------------------------------------------

    def request(self, method, path, *, role="national", org=None, token=None, auth=True,
                headers=None, base_url=None, timeout=30, **kw) -> requests.Response:
        """HTTP request to the server. By default authenticated as `role` (national).
        auth=False sends no Authorization header; token= sends that exact token."""
        hdrs = {}
        if auth:
            hdrs["Authorization"] = "Bearer " + (token if token is not None else self.token(role, org))
        if headers:
            hdrs.update(headers)
        return requests.request(method, (base_url or self.base_url) + path, headers=hdrs,
                                timeout=timeout, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def raw(self, method, path, headers: dict, body: bytes = b"", timeout=30):
        """Sends a request over a plain socket, tolerating the server closing early (413).
        Returns (status, headers dict lower-cased, body bytes)."""
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=timeout)
        try:
            head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n"
            for k, v in headers.items():
                head += f"{k}: {v}\r\n"
            head += "Connection: close\r\n\r\n"
            try:
                sock.sendall(head.encode("latin-1"))
                view = memoryview(body)
                for i in range(0, len(body), 65536):
                    sock.sendall(view[i:i + 65536])
            except (BrokenPipeError, ConnectionResetError):
                pass
            resp = http.client.HTTPResponse(sock, method=method)
            resp.begin()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            sock.close()

    # -- database --------------------------------------------------------------------------

    def db(self):
        import psycopg
        return psycopg.connect(self.database_url, autocommit=True)

    # -- stop ------------------------------------------------------------------------------

    def stop(self) -> list[str]:
        """Tears everything down; idempotent. Returns the problems found."""
        with self._lock:
            if self._stopped or not self._started:
                return []
            self._stopped = True
        problems: list[str] = []
        if self.server is not None:
            try:
                problems += self.server.terminate(timeout=10.0)
            except Exception as e:  # keep tearing down
                problems.append(f"server stop: {e!r}")
        if self.relay is not None:
            try:
                problems += self.relay.terminate(timeout=15.0)
            except Exception as e:
                problems.append(f"relay stop: {e!r}")
        for s in self._servers:
            if s is not self.server and s is not self.relay:
                try:
                    if s.proc.poll() is None:
                        s.kill()
                    s._close_files()
                except Exception as e:
                    problems.append(f"{s.name} stop: {e!r}")
        try:
            self._stop_broker()
        except Exception as e:
            problems.append(f"broker stop: {e!r}")
        if self.pg_dir is not None and (self.pg_dir / "data" / "postmaster.pid").exists():
            try:
                self._pg_ctl("-m", "immediate", "-w", "stop", timeout=30)
            except Exception as e:
                problems.append(f"pg_ctl stop: {e!r}")
            self._kill_postmaster_if_left()
        for s in self._servers:
            rep = sanitizer_report(s.stderr_text())
            if rep:
                problems.append(f"sanitizer report in {s.name} stderr:\n{rep}")
        for what, err in self.cli_outputs:
            rep = sanitizer_report(err)
            if rep:
                problems.append(f"sanitizer report from `{what}`:\n{rep}")
        if self.tmp is not None:
            if os.environ.get("PINS_TEST_KEEP_TMP") == "1" or problems:
                keep = os.environ.get("PINS_TEST_KEEP_TMP") == "1"
                if keep:
                    print(f"\n[harness] kept {self.tmp}", file=sys.stderr)
                else:
                    # Save what explains the failure before the folder goes.
                    self._save_logs()
                    shutil.rmtree(self.tmp, ignore_errors=True)
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
        return problems

    def _save_logs(self):
        dest = Path(tempfile.mkdtemp(prefix="pins-api-test-logs-", dir="/tmp"))
        for s in self._servers:
            for p in (s.stderr_path, s.stdout_path):
                if p.exists():
                    shutil.copy(p, dest / p.name)
        if self.pg_dir and (self.pg_dir / "postgres.log").exists():
            shutil.copy(self.pg_dir / "postgres.log", dest / "postgres.log")
        print(f"\n[harness] logs of the failed run saved in {dest}", file=sys.stderr)

    def _kill_postmaster_if_left(self):
        pidfile = self.pg_dir / "data" / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# ---------------------------------------------------------------------------------------------
# Assertions and unique keys shared by the tests
# ---------------------------------------------------------------------------------------------

PROBLEM_KEYS = ("type", "title", "status", "detail", "instance")


def assert_problem(r: requests.Response, status: int, slug: str | None = None) -> dict:
    """Asserts an RFC 9457 problem with `status`; returns its body."""
    assert r.status_code == status, (f"{r.request.method} {r.request.url}: expected {status}, got "
                                     f"{r.status_code}: {r.text[:500]}")
    ctype = r.headers.get("Content-Type", "")
    assert ctype.split(";")[0].strip().lower() == "application/problem+json", \
        f"content type {ctype!r} for {status}: {r.text[:300]}"
    body = r.json()
    for k in PROBLEM_KEYS:
        assert k in body, f"problem lacks {k!r}: {body}"
    assert body["status"] == status, body
    if slug is not None:
        assert body["type"] == f"/problems/{slug}", body
    assert isinstance(body["title"], str) and body["title"], body
    assert isinstance(body["detail"], str), body
    path = urlsplit(r.request.url).path
    assert body["instance"] in (path, path + ("?" + urlsplit(r.request.url).query
                                              if urlsplit(r.request.url).query else "")), \
        f"instance {body['instance']!r} != request path {path!r}"
    assert r.headers.get("X-Request-Id"), "problem response without X-Request-Id"
    return body


def error_pointers(body: dict) -> set[str]:
    errs = body.get("errors")
    assert isinstance(errs, list) and errs, f"no errors[] in {body}"
    for e in errs:
        assert isinstance(e.get("pointer"), str) and isinstance(e.get("detail"), str), e
    return {e["pointer"] for e in errs}


_used: set[str] = set()
_used_lock = threading.Lock()


def _unique(gen) -> str:
    for _ in range(10000):
        v = gen()
        with _used_lock:
            if v not in _used:
                _used.add(v)
                return v
    raise RuntimeError("ran out of unique keys")


def _existing_la_codes() -> set[str]:
    codes = set()
    f = REPO_ROOT / "data" / "reference" / "local_authorities.csv"
    try:
        for line in f.read_text().splitlines()[1:]:
            codes.add(line.split(",")[0])
    except OSError:
        pass
    return codes


_EXISTING_LA = _existing_la_codes()
_ALNUM = string.ascii_uppercase + string.digits


def new_icb_code() -> str:
    return _unique(lambda: "Z" + random.choice(_ALNUM) + random.choice(_ALNUM))


def new_la_code() -> str:
    def gen():
        while True:
            c = f"9{random.randint(0, 99):02d}"
            if c not in _EXISTING_LA:
                return c
    return _unique(gen)


def new_urn() -> int:
    # 8xxxxx, but not 880xxx (the GIAS CSV fixture uses 880001..).
    def gen():
        while True:
            u = random.randint(800000, 899999)
            if not 880000 <= u <= 880999:
                return str(u)
    return int(_unique(gen))


def new_pcf_id() -> str:
    return _unique(lambda: "test-pcf-" + "".join(random.choices(string.ascii_lowercase + string.digits, k=10)))


def new_menu_code() -> str:
    return _unique(lambda: "T-" + "".join(random.choices(_ALNUM, k=10)))


def new_ons(prefix: str, digits: int) -> str:
    return _unique(lambda: prefix + "".join(random.choices(string.digits, k=digits)))


def rand_word(n=8) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=n))
