#!/usr/bin/env bash
# `make test`: the whole suite. Unit tests (cmocka), the OpenAPI lint, the black-box HTTP suite
# against a release build (its harness starts and stops its own PostgreSQL and Kafka broker),
# then the same black-box suite against an AddressSanitizer + UndefinedBehaviorSanitizer build,
# each libFuzzer harness for a few seconds (FUZZ_SECONDS, default 2: enough to catch a harness
# that no longer builds or a seed that crashes), and finally the benchmark scripts once on a tiny
# data set (so they cannot rot).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3
JOBS=$(nproc 2>/dev/null || echo 2)
SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"

step() { printf '\n==== %s\n' "$*"; }

step "build (release, warnings are errors)"
make -j"$JOBS" all

step "lint (cppcheck)"
make lint

step "unit tests"
make -j"$JOBS" test-unit

step "OpenAPI lint"
bash scripts/lint-spec.sh

step "black-box suite (release build)"
PINS_BIN_DIR="$PWD/bin" $PY -m pytest tests/api -q -p no:cacheprovider

step "build (AddressSanitizer + UndefinedBehaviorSanitizer)"
make -j"$JOBS" all BUILD=build/asan BIN=build/asan/bin OPT="-O1 -g" SAN="$SAN_FLAGS"

step "unit tests (sanitizers)"
make -j"$JOBS" test-unit BUILD=build/asan BIN=build/asan/bin OPT="-O1 -g" SAN="$SAN_FLAGS"

step "black-box suite (sanitizers)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=86"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
PINS_BIN_DIR="$PWD/build/asan/bin" PINS_SANITIZED=1 $PY -m pytest tests/api -q -p no:cacheprovider

step "fuzz harnesses (libFuzzer + ASan + UBSan, ${FUZZ_SECONDS:-2} s each)"
make -j"$JOBS" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-2}"

step "benchmark scripts on a tiny data set (never fails on speed)"
bash tests/bench_smoke.sh
