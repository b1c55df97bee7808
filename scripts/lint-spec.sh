#!/usr/bin/env bash
# Lints openapi.yaml with Redocly CLI (the recommended ruleset, configured in redocly.yaml).
# The linter comes from npm, pinned by package-lock.json and installed into ./node_modules
# (git-ignored) whenever node_modules is missing or older than the lock file.
# Exits non-zero when the linter reports an error or cannot run.
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "lint-spec: npm not found (run 'make deps' or install Node.js 20.19+ with npm)" >&2
  exit 1
fi

# npm ci replaces node_modules from the lock file; the stamp records when it last did.
stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "lint-spec: installing the linter (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi

# No usage telemetry, no update checks: the result must depend on the lock file only.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

exec npx --no-install redocly lint --config redocly.yaml openapi.yaml
