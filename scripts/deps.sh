#!/usr/bin/env bash
# Installs the Debian packages that building, running and testing PINS Hub need.
# Called by `make run` and `make test`; does nothing when everything is present.
set -euo pipefail

PACKAGES=(
  build-essential pkg-config
  libulfius-dev libmicrohttpd-dev libjansson-dev libpq-dev librdkafka-dev libjwt-dev libssl-dev
  libcmocka-dev
  postgresql-15 postgresql-client-15
  python3-pytest python3-requests python3-jsonschema python3-psycopg python3-confluent-kafka
  kcat wrk openssl curl cppcheck xxd python3-yaml
  clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The OpenAPI and AsyncAPI linters come from npm; Node.js may already be there from elsewhere.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
