#!/usr/bin/env bash
# `make run`: a local PINS Hub. Starts PostgreSQL 15 (in .run/, unless PINS_DATABASE_URL is set)
# and an embedded Kafka broker (unless PINS_KAFKA_BROKERS is set), migrates, loads the default
# data, makes a development key pair, starts the outbox relay (log in .run/relay.log), prints a ready-to-paste curl command, then serves on
# PINS_LISTEN_ADDRESS (127.0.0.1 here) and PINS_LISTEN_PORT (8080). Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN=$ROOT/.run
PGBIN=/usr/lib/postgresql/15/bin
PG_PORT=${PINS_DEV_PG_PORT:-54329}
mkdir -p "$RUN"

started_pg=0
kafka_pid=""
relay_pid=""
api_pid=""

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  trap - INT TERM EXIT
  [ -n "$api_pid" ] && kill -TERM "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
  [ -n "$relay_pid" ] && kill -TERM "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null || true
  [ -n "$kafka_pid" ] && kill -TERM "$kafka_pid" 2>/dev/null && wait "$kafka_pid" 2>/dev/null || true
  if [ "$started_pg" -eq 1 ]; then as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true; fi
  echo "make run: stopped"
}
trap cleanup INT TERM EXIT

if [ -z "${PINS_DATABASE_URL:-}" ]; then
  # The postgres user must be able to reach its data directory; a repository under a private
  # home cannot be, so the cluster then lives in /tmp with a link from .run/.
  PGDATA=$RUN/pgdata
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$RUN"; then
    alt=/tmp/pins-hub-pgdata-$(echo "$ROOT" | md5sum | cut -c1-8)
    mkdir -p "$alt" && chmod 755 "$alt"
    [ -L "$PGDATA" ] || { rm -rf "$PGDATA"; ln -s "$alt/data" "$PGDATA"; }
    PGDATA=$alt/data
  fi
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    echo "make run: creating a PostgreSQL cluster in $PGDATA"
    mkdir -p "$PGDATA"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null
  started_pg=1
  "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'pins'" |
    grep -q 1 || "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres pins
  export PINS_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/pins"
fi

if [ -z "${PINS_KAFKA_BROKERS:-}" ]; then
  rm -f "$RUN/kafka.addr"
  "$ROOT/bin/pins-dev-kafka" --port-file "$RUN/kafka.addr" >/dev/null 2>"$RUN/kafka.log" &
  kafka_pid=$!
  for _ in $(seq 50); do [ -s "$RUN/kafka.addr" ] && break; sleep 0.1; done
  export PINS_KAFKA_BROKERS=$(cat "$RUN/kafka.addr")
fi

if [ -z "${PINS_JWT_PUBLIC_KEY_FILE:-}" ]; then
  [ -f "$RUN/dev-key.pem" ] || "$ROOT/bin/pins-token" --gen-key "$RUN/dev-key.pem" >/dev/null
  export PINS_JWT_PUBLIC_KEY_FILE=$RUN/dev-key.pem.pub
fi

"$ROOT/bin/pins-api" migrate
"$ROOT/bin/pins-api" load-reference-data

port=${PINS_LISTEN_PORT:-8080}
# A development server with a development key: loopback only unless asked otherwise.
export PINS_LISTEN_ADDRESS=${PINS_LISTEN_ADDRESS:-127.0.0.1}
cat <<MSG

PINS Hub is starting on http://localhost:$port  (Ctrl-C stops everything make run started)
  database: $PINS_DATABASE_URL
  kafka:    $PINS_KAFKA_BROKERS

Try it (a national token valid for 12 hours):
MSG
if [ -f "$RUN/dev-key.pem" ]; then
  token=$("$ROOT/bin/pins-token" --role national --ttl 43200 --key "$RUN/dev-key.pem")
  echo "  curl -s -H 'Authorization: Bearer $token' 'http://localhost:$port/v1/schools?la_code=856&limit=5'"
  echo
  echo "Other roles: bin/pins-token --role icb --org QK1 --key .run/dev-key.pem"
fi
echo

"$ROOT/bin/pins-relay" 2>"$RUN/relay.log" &
relay_pid=$!

"$ROOT/bin/pins-api" serve &
api_pid=$!
wait "$api_pid" || true
api_pid=""
