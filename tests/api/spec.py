"""openapi.yaml helpers: the set of operations, and validating a response against the schema the
spec documents for (path template, method, status, content type)."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft202012Validator, FormatChecker, RefResolver

from harness import REPO_ROOT

SPEC_PATH = REPO_ROOT / "openapi.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@functools.lru_cache(maxsize=1)
def load():
    with open(SPEC_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def available() -> bool:
    return SPEC_PATH.is_file()


def operations(spec=None) -> set[tuple[str, str]]:
    """{(METHOD, /path/{param})} for every operation except OPTIONS."""
    spec = spec or load()
    ops = set()
    for path, item in (spec.get("paths") or {}).items():
        for m in HTTP_METHODS:
            if m in item and m != "options":
                ops.add((m.upper(), path))
    return ops


@functools.lru_cache(maxsize=1)
def _templates():
    spec = load()
    out = []
    for path in (spec.get("paths") or {}):
        rx = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"
        out.append((path.count("{"), path, re.compile(rx)))
    out.sort()  # literal segments win over parameters: /v1/schools/import before /{urn}
    return out


def template_for(path: str) -> str | None:
    for _, tmpl, rx in _templates():
        if rx.match(path):
            return tmpl
    return None


def _deref(spec, obj):
    seen = 0
    while isinstance(obj, dict) and "$ref" in obj and seen < 20:
        ref = obj["$ref"]
        assert ref.startswith("#/"), f"only local $refs supported: {ref}"
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        obj = node
        seen += 1
    return obj


@functools.lru_cache(maxsize=1)
def _resolver():
    return RefResolver.from_schema(load())


def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema, resolver=_resolver(), format_checker=FormatChecker())


def component_validator(name: str) -> Draft202012Validator:
    assert name in load().get("components", {}).get("schemas", {}), f"no components.schemas.{name}"
    return validator({"$ref": f"#/components/schemas/{name}"})


def response_schema(method: str, path: str, status: int, ctype: str):
    """The schema openapi.yaml gives for this response; raises AssertionError naming what is
    undocumented."""
    spec = load()
    tmpl = template_for(path)
    assert tmpl, f"{path} matches no path in openapi.yaml"
    item = _deref(spec, spec["paths"][tmpl])
    op = item.get(method.lower())
    assert op, f"openapi.yaml has no {method} {tmpl}"
    responses = op.get("responses") or {}
    resp = None
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            resp = _deref(spec, responses[key])
            break
    assert resp is not None, f"openapi.yaml documents no {status} for {method} {tmpl}"
    content = resp.get("content") or {}
    base = ctype.split(";")[0].strip().lower()
    media = content.get(base)
    if media is None:
        for k, v in content.items():
            if k.split(";")[0].strip().lower() == base:
                media = v
                break
    assert media is not None, (f"openapi.yaml documents no {base} body for {status} of "
                               f"{method} {tmpl} (has {list(content)})")
    schema = media.get("schema")
    assert schema is not None, f"no schema for {status} {base} of {method} {tmpl}"
    return schema


def check_response(r, status: int | None = None):
    """Validates a requests.Response against openapi.yaml. No-op when the spec is absent (the
    spec test fails on its own then)."""
    if not available():
        return
    status = status or r.status_code
    ctype = r.headers.get("Content-Type", "")
    if status in (204, 304) or not r.content:
        return
    path = urlsplit(r.request.url).path
    schema = response_schema(r.request.method, path, status, ctype)
    errors = sorted(validator(schema).iter_errors(r.json()), key=lambda e: list(e.path))
    assert not errors, (f"{r.request.method} {path} {status} body does not match openapi.yaml: "
                        + "; ".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]))
