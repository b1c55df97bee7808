#!/usr/bin/env bash
# `make bench`: PINS Hub measured against this machine's own ceilings (issue 5).
#
# Builds the release binaries and the two ceiling servers (bench/ceilings/*.c, into build/bench/),
# starts its own PostgreSQL 15 (fsync ON, synchronous_commit ON: the defaults), the Kafka mock
# (bin/pins-dev-kafka), pins-api (PINS_WORKERS=2) and pins-relay, loads the national data set
# through the API (bench/gen/generate.py), then measures with wrk (bench/*.lua) after a warm-up,
# several runs per scenario with the server restarted before each run, and the machine's
# ceilings in the same run. Writes bench/results/<UTC date-time>.json and prints a table.
# Everything it starts listens on 127.0.0.1 only and is stopped on exit (trap EXIT).
#
#   bench/run.sh [--scale F] [--tiny] [--seed N] [--runs N] [--duration S] [--warmup S]
#                [--connections N] [--only LIST] [--no-build] [--out FILE]
#
#   --scale F      data set size factor (1 = national scale; 10 = the x10 growth mode)
#   --tiny         a few hundred records and ~1 s runs: the smoke run of tests/bench_smoke.sh
#   --only LIST    comma-separated subset of: ceilings,reads,writes,relay,memory
#   environment: BENCH_KEEP_TMP=1 keeps the temporary folder (logs, data files);
#                BENCH_BIN_DIR another folder of binaries (default bin/);
#                BENCH_PG_OPTS extra postgres -c options (e.g. to preload pg_stat_statements)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
PY=/usr/bin/python3
PGBIN=${PINS_PG_BIN:-/usr/lib/postgresql/15/bin}
BIN=${BENCH_BIN_DIR:-$ROOT/bin}

SCALE=1
TINY=0
SEED=20250401
RUNS=5
DURATION=10
WARMUP=3
CONNS=32
ONLY="ceilings,reads,writes,relay,memory"
BUILD=1
OUT=""
RELAY_EVENTS=100000

while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --tiny) TINY=1; shift ;;
    --seed) SEED=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$TINY" -eq 1 ]; then
  RUNS=1; DURATION=1; WARMUP=1; RELAY_EVENTS=2000
fi
PGBENCH_SECONDS=$DURATION
PAUSE=1
[ "$TINY" -eq 1 ] && PAUSE=0.3
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------
JOBS=$(nproc 2>/dev/null || echo 2)
if [ "$BUILD" -eq 1 ]; then
  log "building the release binaries (make all)"
  make -s -j"$JOBS" all >&2
fi
for b in pins-api pins-relay pins-token pins-dev-kafka; do
  [ -x "$BIN/$b" ] || die "$BIN/$b is missing (run make)"
done
mkdir -p "$ROOT/build/bench"
CEIL_CFLAGS="-std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra"
for c in hello pkread; do
  src=$BENCH/ceilings/$c.c exe=$ROOT/build/bench/ceiling-$c
  if [ ! -x "$exe" ] || [ "$src" -nt "$exe" ] || [ "$BENCH/ceilings/common.h" -nt "$exe" ] ||
     [ "$ROOT/internal/http/listen.c" -nt "$exe" ]; then
    # shellcheck disable=SC2046,SC2086
    cc $CEIL_CFLAGS -I"$ROOT/internal" -o "$exe" "$src" "$ROOT/internal/http/listen.c" $(pkg-config --cflags --libs libulfius libmicrohttpd libpq) -lpthread ||
      die "cannot build $src"
  fi
done

# ---------------------------------------------------------------------------------------------
# Processes and teardown
# ---------------------------------------------------------------------------------------------
TMP=$(mktemp -d /tmp/pins-bench.XXXXXX)
chmod 755 "$TMP"
DATA=$TMP/data
RAW=$TMP/raw          # one JSON file per measurement, read by bench/tools/report.py
mkdir -p "$DATA" "$RAW"
PG_DIR=$TMP/pg
pg_started=0
kafka_pid=""
relay_pid=""
api_pid=""
ceil_pid=""

is_root() { [ "$(id -u)" -eq 0 ]; }
as_postgres() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Stops one process we started: SIGTERM, then up to 15 s, then SIGKILL.
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$ceil_pid"
  [ -f "$TMP/relay-bench.pid" ] && stop_pid "$(cat "$TMP/relay-bench.pid")"
  stop_pid "$api_pid"
  stop_pid "$relay_pid"
  stop_pid "$kafka_pid"
  if [ "$pg_started" -eq 1 ]; then
    as_postgres "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  # Kept for its logs when asked or after a failure (not after an interrupt).
  if [ "${BENCH_KEEP_TMP:-0}" = 1 ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ] && [ "$rc" -ne 143 ]; }; then
    log "kept $TMP (logs in it)"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------------------------------------
# PostgreSQL (fsync and synchronous_commit left ON, as in production), broker, keys
# ---------------------------------------------------------------------------------------------
PG_PORT=$(free_port)
mkdir -p "$PG_DIR"
is_root && chown postgres:postgres "$PG_DIR"
chmod 755 "$PG_DIR"
log "PostgreSQL: initdb in $PG_DIR (port $PG_PORT)"
(cd /tmp && as_postgres "$PGBIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1) ||
  { cat "$TMP/initdb.log" >&2; die "initdb"; }
PG_OPTS="-c port=$PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR -c max_connections=200"
PG_OPTS="$PG_OPTS -c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=30min ${BENCH_PG_OPTS:-}"
(cd /tmp && as_postgres "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 -o "$PG_OPTS" start >/dev/null) ||
  { tail -20 "$PG_DIR/postgres.log" >&2; die "pg_ctl start"; }
pg_started=1
"$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres pins
export PINS_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/pins"
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d pins)

log "Kafka mock (bin/pins-dev-kafka, 12 partitions a topic, plus topic pins.bench)"
"$BIN/pins-dev-kafka" --partitions 12 --topic pins.bench --port-file "$TMP/kafka.addr" >"$TMP/kafka.stdout" 2>"$TMP/kafka.log" &
kafka_pid=$!
for _ in $(seq 200); do [ -s "$TMP/kafka.addr" ] && break; sleep 0.05; done
[ -s "$TMP/kafka.addr" ] || die "pins-dev-kafka printed no address: $(tail -5 "$TMP/kafka.log")"
PINS_KAFKA_BROKERS=$(head -1 "$TMP/kafka.addr")
export PINS_KAFKA_BROKERS

"$BIN/pins-token" --gen-key "$TMP/key.pem" >/dev/null
export PINS_JWT_PUBLIC_KEY_FILE=$TMP/key.pem.pub
# Workers of pins-api and of the two ceiling servers alike (BENCH_WORKERS; default pins-api's
# own default, twice the cores: the ceilings measure the same with 2, 4 or 8).
WORKERS=${BENCH_WORKERS:-$((2 * $(nproc)))}
export PINS_WORKERS=$WORKERS
export PINS_LISTEN_ADDRESS=127.0.0.1
export PINS_LOG_LEVEL=info
API_PORT=$(free_port)
export PINS_LISTEN_PORT=$API_PORT
API_URL=http://127.0.0.1:$API_PORT

"$BIN/pins-api" migrate >"$TMP/migrate.log" 2>&1 || { cat "$TMP/migrate.log" >&2; die "migrate"; }
"$BIN/pins-api" load-reference-data >"$TMP/refdata.log" 2>&1 || { cat "$TMP/refdata.log" >&2; die "load-reference-data"; }

start_relay() {
  "$BIN/pins-relay" 2>>"$TMP/relay.log" &
  relay_pid=$!
  for _ in $(seq 200); do
    grep -q "started" "$TMP/relay.log" 2>/dev/null && return 0
    kill -0 "$relay_pid" 2>/dev/null || die "pins-relay exited: $(tail -5 "$TMP/relay.log")"
    sleep 0.05
  done
  die "pins-relay did not start"
}
stop_relay() { stop_pid "$relay_pid"; relay_pid=""; }

# Starts pins-api and waits for /readyz 200; sets api_pid and READY_MS (fork to first 200).
API_STARTS=0
start_api() {
  local log=$TMP/api-$API_STARTS.log
  API_STARTS=$((API_STARTS + 1))
  rm -f "$TMP/t0" "$TMP/armed"
  $PY "$BENCH/tools/waitready.py" --port "$API_PORT" --t0-file "$TMP/t0" --armed-file "$TMP/armed" \
    >"$TMP/ready.out" 2>"$TMP/ready.err" &
  local waiter=$!
  for _ in $(seq 200); do [ -e "$TMP/armed" ] && break; sleep 0.01; done
  date +%s%N >"$TMP/t0"
  "$BIN/pins-api" serve 2>"$log" &
  api_pid=$!
  if ! wait "$waiter"; then
    cat "$TMP/ready.err" >&2
    tail -5 "$log" >&2
    die "pins-api did not become ready"
  fi
  READY_MS=$(cat "$TMP/ready.out")
  echo "$READY_MS" >>"$RAW/ready_ms.txt"
}
stop_api() {
  [ -n "$api_pid" ] || return 0
  stop_pid "$api_pid"
  api_pid=""
  # One JSON line a request: keep only the end of a big log (a run writes tens of MB).
  local log=$TMP/api-$((API_STARTS - 1)).log
  if [ "$(stat -c %s "$log" 2>/dev/null || echo 0)" -gt 1000000 ]; then
    tail -n 2000 "$log" >"$log.tail" && mv "$log.tail" "$log"
  fi
}
# VmRSS / VmHWM of the running pins-api, in KiB.
api_mem() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$api_pid/status"; }

start_ceiling() {  # name port
  CEIL_DATABASE_URL=$PINS_DATABASE_URL CEIL_WORKERS=$WORKERS "$ROOT/build/bench/ceiling-$1" "$2" 2>"$TMP/ceiling-$1.log" &
  ceil_pid=$!
  local _
  for _ in $(seq 200); do
    curl -s -o /dev/null "http://127.0.0.1:$2/" && return 0
    sleep 0.02
  done
  die "ceiling $1 did not start"
}
stop_ceiling() { stop_pid "$ceil_pid"; ceil_pid=""; }

log "relay and pins-api (PINS_WORKERS=$WORKERS)"
start_relay
start_api
log "pins-api ready in $READY_MS ms; RSS $(api_mem VmRSS) KiB"

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------
GEN_ARGS=(--url "$API_URL" --db "$PINS_DATABASE_URL" --key "$TMP/key.pem" --token-bin "$BIN/pins-token"
          --out "$DATA" --seed "$SEED" --scale "$SCALE")
[ "$TINY" -eq 1 ] && GEN_ARGS+=(--tiny)
log "loading the data set (bench/gen/generate.py ${GEN_ARGS[*]:8})"
t0=$(date +%s.%N)
$PY "$BENCH/gen/generate.py" "${GEN_ARGS[@]}" >"$RAW/load.json" 2>"$TMP/generate.log" ||
  { tail -30 "$TMP/generate.log" >&2; die "the generator"; }
log "loaded in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s: $(cat "$RAW/load.json")"

if [ "${BENCH_STOP_AFTER:-}" = load ]; then
  log "BENCH_STOP_AFTER=load: holding for ${BENCH_HOLD:-0} s ($API_URL, $PINS_DATABASE_URL, data in $DATA)"
  sleep "${BENCH_HOLD:-0}"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Measurement helpers
# ---------------------------------------------------------------------------------------------
WRK_THREADS=${BENCH_WRK_THREADS:-1}
POOL_FILE=$TMP/pool.txt
# Drafts the write scenarios may consume per run: a bound on the rate times warm-up + run. The
# tiny data set is all in cache and completes ~3,500 a second: the same bound serves both.
POOL_RATE=${BENCH_POOL_RATE:-8000}

# wrk_once OUT SECONDS SCRIPT URL: one wrk run (OUT empty for a warm-up).
wrk_once() {
  BENCH_DIR=$BENCH BENCH_DATA=$DATA BENCH_OUT=$1 BENCH_POOL=$POOL_FILE \
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"${2}s" --timeout 10s -s "$BENCH/$3" "$4" >"$TMP/wrk.out" 2>&1 ||
    die "wrk $3 $4: $(tail -5 "$TMP/wrk.out")"
  if [ -n "$1" ] && [ ! -s "$1" ]; then die "wrk $3 wrote no results: $(tail -5 "$TMP/wrk.out")"; fi
}

checkpoint() { "${PSQL[@]}" -c "CHECKPOINT" >/dev/null; }

# CPU ticks of this stack's processes (bench/tools/cpusnap.py).
snap() {
  $PY "$BENCH/tools/cpusnap.py" "$@" --postmaster "$(head -1 "$PG_DIR/data/postmaster.pid")" \
    --relay "${relay_pid:-0}" --broker "${kafka_pid:-0}"
}

# The pgbench database (scale 16, so that 16 clients do not all queue on one branch row), made
# on first use.
PGB_READY=0
pgbench_db() {
  [ "$PGB_READY" -eq 1 ] && return 0
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres pgbench
  local scale=16
  [ "$TINY" -eq 1 ] && scale=1
  "$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -i -q -s "$scale" pgbench >"$TMP/pgbench-init.log" 2>&1 ||
    { tail -5 "$TMP/pgbench-init.log" >&2; die "pgbench -i"; }
  PGB_READY=1
}

# pgbench_once FLAG OUT: one pgbench run after a checkpoint (FLAG -S for select-only, empty for
# TPC-B).
pgbench_once() {
  pgbench_db
  checkpoint
  # shellcheck disable=SC2086
  "$PGBIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres $1 -M prepared -c 16 -j 2 -T "$PGBENCH_SECONDS" pgbench \
    >"$2" 2>&1 || { tail -5 "$2" >&2; die "pgbench $1"; }
}

# pair_ceiling CEILING NAME K: one run of scenario NAME's ceiling (pkread or tpcb) just before its
# run K. The machine's speed drifts over a full run by more than the margins being measured (one
# full run's completions took 26% more CPU each than another's, its ceilings measured minutes
# earlier at the usual speed: bench/README.md, session 4), so a scenario with a target is
# compared with ceiling runs taken next to its own.
PAIR_PORT=""
pair_ceiling() {
  local ceil=$1 name=$2 k=$3
  case "$ceil" in
    pkread)
      [ -n "$PAIR_PORT" ] || PAIR_PORT=$(free_port)
      start_ceiling pkread "$PAIR_PORT"
      wrk_once "" "$WARMUP" school_get.lua "http://127.0.0.1:$PAIR_PORT"
      sleep "$PAUSE"
      wrk_once "$RAW/pair-$name-$k.wrk.json" "$DURATION" school_get.lua "http://127.0.0.1:$PAIR_PORT"
      stop_ceiling ;;
    tpcb) pgbench_once "" "$RAW/pair-$name-$k.txt" ;;
    *) die "no ceiling $ceil" ;;
  esac
}

# measure_api NAME SCRIPT [pool] [CEILING]: RUNS runs, each on a freshly started pins-api
# (MEASURED.md: libmicrohttpd's pool can start unbalanced), warm-up first; CPU and memory
# recorded; with CEILING, each run follows a run of that ceiling (pair_ceiling).
measure_api() {
  local name=$1 script=$2 pool=${3:-} pair=${4:-} k rss
  for k in $(seq "$RUNS"); do
    if [ -n "$pool" ]; then
      $PY "$BENCH/tools/pool.py" --db "$PINS_DATABASE_URL" --need $((POOL_RATE * (WARMUP + DURATION))) \
        --out "$POOL_FILE" >>"$TMP/pool.log" || die "pool.py"
    fi
    [ -n "$pair" ] && pair_ceiling "$pair" "$name" "$k"
    checkpoint
    start_api
    rss=$(api_mem VmRSS)
    wrk_once "" "$WARMUP" "$script" "$API_URL"
    # Let requests the warm-up left in flight finish: a worker still busy with them while the
    # measured run connects would leave every new connection to the other worker.
    sleep "$PAUSE"
    if [ -n "$pool" ]; then  # the warm-up used some drafts: list only those left
      $PY "$BENCH/tools/pool.py" --db "$PINS_DATABASE_URL" --need 0 --out "$POOL_FILE" >>"$TMP/pool.log" || die "pool.py"
    fi
    snap --server "$api_pid" >"$RAW/$name-$k.cpu0.json"
    local perf_pid=""
    if [ -n "${BENCH_PERF:-}" ]; then  # a CPU profile of pins-api during the measured run
      perf record -q -F 499 -g -p "$api_pid" -o "$RAW/$name-$k.perf.data" >/dev/null 2>&1 &
      perf_pid=$!
    fi
    wrk_once "$RAW/$name-$k.wrk.json" "$DURATION" "$script" "$API_URL"
    if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null; wait "$perf_pid" 2>/dev/null || true; fi
    snap --server "$api_pid" >"$RAW/$name-$k.cpu1.json"
    printf '{"rss_ready_kib": %s, "hwm_kib": %s, "rss_after_kib": %s, "ready_ms": %s}\n' \
      "$rss" "$(api_mem VmHWM)" "$(api_mem VmRSS)" "$READY_MS" >"$RAW/$name-$k.mem.json"
    stop_api
    local paired=""
    case "$pair" in
      pkread) paired="; pkread just before: $($PY "$BENCH/tools/wrkline.py" "$RAW/pair-$name-$k.wrk.json" | sed "s/, p50.*//")" ;;
      tpcb) paired="; TPC-B just before: $(grep -o 'tps = [0-9.]*' "$RAW/pair-$name-$k.txt" | head -1)" ;;
    esac
    log "  $name run $k/$RUNS: $($PY "$BENCH/tools/wrkline.py" "$RAW/$name-$k.wrk.json")$paired"
  done
}

# measure_ceiling NAME: the same requests as scenario (1) against build/bench/ceiling-NAME.
measure_ceiling() {
  local name=$1 k port
  port=$(free_port)
  for k in $(seq "$RUNS"); do
    start_ceiling "$name" "$port"
    wrk_once "" "$WARMUP" school_get.lua "http://127.0.0.1:$port"
    sleep "$PAUSE"
    snap --server "$ceil_pid" >"$RAW/$name-$k.cpu0.json"
    wrk_once "$RAW/$name-$k.wrk.json" "$DURATION" school_get.lua "http://127.0.0.1:$port"
    snap --server "$ceil_pid" >"$RAW/$name-$k.cpu1.json"
    stop_ceiling
    log "  ceiling $name run $k/$RUNS: $($PY "$BENCH/tools/wrkline.py" "$RAW/$name-$k.wrk.json")"
  done
}

# ---------------------------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------------------------
stop_api   # every measured run starts its own server
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
$PY - "$RAW/meta.json" <<PYEOF
import json, os, platform, subprocess, sys
rev = subprocess.run(["git", "-C", "$ROOT", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
dirty = subprocess.run(["git", "-C", "$ROOT", "status", "--porcelain", "--", "internal", "cmd", "sql"], capture_output=True, text=True).stdout.strip() != ""
json.dump({"date": "$STAMP", "git": rev + ("+dirty" if dirty else ""), "scale": float("$SCALE"), "tiny": bool($TINY),
           "seed": $SEED, "runs": $RUNS, "duration_s": $DURATION, "warmup_s": $WARMUP, "connections": $CONNS,
           "wrk_threads": $WRK_THREADS, "workers": 2, "cores": os.cpu_count(), "kernel": platform.release(),
           "loadavg_at_start": open("/proc/loadavg").read().split()[:3],
           "postgres": "15, fsync=on, synchronous_commit=on, shared_buffers=512MB, TCP loopback",
           "relay_events": $RELAY_EVENTS, "relay_batch": int(os.environ.get("PINS_RELAY_BATCH") or 1000),
           "pause_after_warmup_s": $PAUSE}, open(sys.argv[1], "w"), indent=1)
PYEOF

if want ceilings; then
  log "ceilings: HTTP (fixed JSON) and one-read (prepared PK SELECT), same MHD options as pins-api"
  measure_ceiling hello
  measure_ceiling pkread
  log "ceilings: pgbench on the same PostgreSQL (database pgbench)"
  for mode in select tpcb; do
    for k in $(seq "$RUNS"); do
      flag=""
      [ "$mode" = select ] && flag="-S"
      pgbench_once "$flag" "$RAW/pgbench-$mode-$k.txt"
      log "  pgbench $mode run $k/$RUNS: $(grep -o 'tps = [0-9.]*' "$RAW/pgbench-$mode-$k.txt" | head -1)"
    done
  done
fi

if want reads; then
  log "reads: (1) school by URN, (2) school list page, project list, (3) project by id"
  measure_api school_get school_get.lua "" pkread
  measure_api school_list school_list.lua "" pkread
  measure_api project_list project_list.lua "" pkread
  measure_api project_get project_get.lua
fi

if want writes; then
  log "writes: (4) complete a self-assessment (pool of drafts made by bench/tools/pool.py), 90/10 mix"
  measure_api complete complete.lua pool tpcb
  measure_api mix mix.lua pool
fi

if want relay; then
  log "relay: waiting for the outbox to drain, then $RELAY_EVENTS events outbox -> Kafka"
  for _ in $(seq 600); do
    n=$("${PSQL[@]}" -tAc "SELECT count(*) FROM outbox WHERE published_at IS NULL")
    [ "$n" -eq 0 ] && break
    sleep 0.5
  done
  [ "$n" -eq 0 ] || die "the outbox did not drain ($n pending)"
  stop_relay
  $PY "$BENCH/tools/relay_bench.py" fill --db "$PINS_DATABASE_URL" --events "$RELAY_EVENTS" >"$TMP/relay-fill.json" ||
    die "relay_bench fill"
  checkpoint
  LAT_SECONDS=10
  [ "$TINY" -eq 1 ] && LAT_SECONDS=2
  $PY "$BENCH/tools/relay_bench.py" measure --db "$PINS_DATABASE_URL" --brokers "$PINS_KAFKA_BROKERS" \
    --events "$RELAY_EVENTS" --relay-exe "$BIN/pins-relay" --log "$TMP/relay-bench.log" \
    --pid-file "$TMP/relay-bench.pid" --latency-seconds "$LAT_SECONDS" >"$RAW/relay.json" 2>"$TMP/relay-bench.err" ||
    { [ -f "$TMP/relay-bench.pid" ] && stop_pid "$(cat "$TMP/relay-bench.pid")"; tail -20 "$TMP/relay-bench.err" >&2; die "relay_bench measure"; }
  log "  $(cat "$RAW/relay.json")"
  start_relay
fi

if want memory && ! want reads && ! want writes; then
  log "memory: start, idle, one short read load"
  measure_api school_get school_get.lua
fi

if [ -n "$OUT" ]; then
  RESULT=$OUT
elif [ "$TINY" -eq 1 ]; then
  RESULT=$TMP/results-tiny.json
else
  RESULT=$BENCH/results/$STAMP.json
fi
cp "$TMP/generate.log" "$RAW/generate.log" 2>/dev/null || true
echo
$PY "$BENCH/tools/report.py" "$RAW" "$RESULT" || die "report.py"
