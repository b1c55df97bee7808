#!/usr/bin/env bash
# Lints the API contracts:
#   1. openapi.yaml with Redocly CLI (the recommended ruleset, configured in redocly.yaml);
#   2. api/asyncapi.yaml with @asyncapi/parser (AsyncAPI 3.0): it parses the document, resolves the
#      payload $refs into api/events/ and validates everything against the AsyncAPI schemas; any
#      diagnostic of severity error fails;
#   3. api/events/*.schema.json with Python's jsonschema: each is a valid JSON Schema 2020-12 and
#      the payload of an AsyncAPI message named by its title, and every message example in
#      api/asyncapi.yaml validates against its payload schema and the header schema.
# The npm tools are pinned by package-lock.json and installed into ./node_modules (git-ignored)
# whenever node_modules is missing or older than the lock file; after that the lint runs offline.
# Exits non-zero when any check fails or cannot run.
set -euo pipefail

cd "$(dirname "$0")/.."

PY=${PINS_PYTHON:-/usr/bin/python3}

if ! command -v npm >/dev/null 2>&1; then
  echo "lint-spec: npm not found (run 'make deps' or install Node.js 20.19+ with npm)" >&2
  exit 1
fi
if ! "$PY" -c 'import yaml, jsonschema' 2>/dev/null; then
  echo "lint-spec: $PY lacks PyYAML or jsonschema (run 'make deps': python3-yaml, python3-jsonschema)" >&2
  exit 1
fi

# npm ci replaces node_modules from the lock file; the stamp records when it last did. No install
# scripts run: none of the tools needs one (the only one, @scarf/scarf's, reports installs).
stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "lint-spec: installing the linters (npm ci)" >&2
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi

# No usage telemetry, no update checks: the result must depend on the lock file only.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export SCARF_ANALYTICS=false

echo "lint-spec: openapi.yaml (Redocly)" >&2
node_modules/.bin/redocly lint --config redocly.yaml openapi.yaml

echo "lint-spec: api/asyncapi.yaml (@asyncapi/parser)" >&2
node - api/asyncapi.yaml <<'EOF'
const path = require('path');
const { Parser, fromFile, DiagnosticSeverity } = require('@asyncapi/parser');
const names = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning',
                [DiagnosticSeverity.Information]: 'info', [DiagnosticSeverity.Hint]: 'hint' };
(async () => {
  const file = path.resolve(process.argv[2]);
  const { document, diagnostics } = await fromFile(new Parser(), file).parse();
  let errors = 0;
  for (const d of diagnostics) {
    if (d.code === 'asyncapi-latest-version') continue; // the contract is AsyncAPI 3.0 on purpose
    if (d.severity === DiagnosticSeverity.Error) errors++;
    const at = d.range ? `:${d.range.start.line + 1}` : '';
    console.log(`${process.argv[2]}${at} ${names[d.severity] || d.severity} ${d.code} ` +
                `${(d.path || []).join('.')}: ${d.message}`);
  }
  if (!document || errors) {
    console.error(`lint-spec: ${process.argv[2]}: ${errors} error(s)`);
    process.exit(1);
  }
  console.log(`${process.argv[2]}: valid AsyncAPI ${document.version()} ` +
              `(${document.channels().length} channels, ${document.messages().length} messages)`);
})().catch((e) => { console.error(`lint-spec: ${e.stack || e}`); process.exit(1); });
EOF

echo "lint-spec: api/events/*.schema.json (jsonschema, Draft 2020-12)" >&2
"$PY" - <<'EOF'
import glob, json, os, sys
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

faults = []
api = yaml.safe_load(open("api/asyncapi.yaml", encoding="utf-8"))
messages = api.get("components", {}).get("messages", {})
schemas = {}
for path in sorted(glob.glob("api/events/*.schema.json")):
    try:
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            faults.append(f"{path}: $schema is not https://json-schema.org/draft/2020-12/schema")
        Draft202012Validator.check_schema(schema)
        schemas[os.path.normpath(path)] = schema
    except (ValueError, SchemaError) as e:
        faults.append(f"{path}: not a valid JSON Schema: {str(e).splitlines()[0]}")
if not schemas:
    faults.append("api/events: no *.schema.json")

payloads = set()
header_schema = api.get("components", {}).get("schemas", {}).get("headers", {})
for name, msg in messages.items():
    ref = (msg.get("payload") or {}).get("$ref", "")
    path = os.path.normpath(os.path.join("api", ref))
    if path not in schemas:
        faults.append(f"api/asyncapi.yaml: message {name}: payload {ref!r} is not one of api/events/*.schema.json")
        continue
    payloads.add(path)
    schema = schemas[path]
    if schema.get("title") != msg.get("name"):
        faults.append(f"api/asyncapi.yaml: message {name}: name {msg.get('name')!r} is not the title of {path}")
    payload_v = Draft202012Validator(schema, format_checker=FormatChecker())
    header_v = Draft202012Validator(header_schema, format_checker=FormatChecker())
    for i, ex in enumerate(msg.get("examples") or []):
        for what, v, value in (("payload", payload_v, ex.get("payload")), ("headers", header_v, ex.get("headers"))):
            for e in sorted(v.iter_errors(value), key=lambda e: list(e.path))[:5]:
                faults.append(f"api/asyncapi.yaml: message {name} example {i} {what} "
                              f"/{'/'.join(map(str, e.path))}: {e.message[:200]}")
        if ex.get("payload", {}).get("id") != ex.get("headers", {}).get("ce_id"):
            faults.append(f"api/asyncapi.yaml: message {name} example {i}: header ce_id is not the payload's id")
for path in sorted(set(schemas) - payloads):
    faults.append(f"{path}: no message of api/asyncapi.yaml has it as payload")

for f in faults:
    print(f"lint-spec: {f}", file=sys.stderr)
if faults:
    sys.exit(1)
print(f"api/events: {len(schemas)} valid JSON Schemas (2020-12), each the payload of a message; "
      f"examples valid")
EOF
