#!/usr/bin/env bash
# Runs each libFuzzer harness for a while on a scratch copy of its seed corpus (`make fuzz`, and
# `make test` with FUZZ_SECONDS=2). usage: run.sh FUZZER_DIR SECONDS NAME...
# New inputs go to the scratch folder, so tests/fuzz/corpus/ does not grow; with FUZZ_MERGE=1 the
# ones that add coverage are merged into it afterwards (libFuzzer -merge=1). A crash leaves its
# input in build/fuzz/artifacts/ and fails the run once every harness has had its turn.
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=$1 seconds=$2
shift 2
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"
scratch=$(mktemp -d /tmp/pins-fuzz-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=()
for name in "$@"; do
  corpus=tests/fuzz/corpus/${name#fuzz_}
  work=$scratch/$name
  mkdir -p "$work"
  log=$scratch/$name.log
  "$dir/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$name-" "$work" "$corpus" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $rc -ne 0 ]; then
    failed+=("$name")
    printf 'fuzz: %-20s FAILED (exit %d); the input is in %s/\n' "$name" "$rc" "$artifacts"
    grep -E 'ERROR|FUZZ_ASSERT|runtime error|SUMMARY|Test unit written|^    #[0-9]+ ' "$log" | head -40
  else
    printf 'fuzz: %-20s %8s runs in %ss, %s, %s new inputs\n' "$name" "${runs:-?}" "$seconds" "${cov:-cov: ?}" \
      "$(find "$work" -type f | wc -l)"
    if [ "${FUZZ_MERGE:-0}" = 1 ]; then
      "$dir/$name" -merge=1 "$corpus" "$work" >"$log.merge" 2>&1 || { failed+=("$name (merge)"); tail -5 "$log.merge"; }
    fi
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
