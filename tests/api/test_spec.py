"""openapi.yaml against the server: same set of operations as `pins-api routes`, and bodies that
validate against the spec's schemas."""

import pytest

import records
import spec


@pytest.fixture(scope="module")
def openapi():
    assert spec.available(), f"{spec.SPEC_PATH} is missing"
    return spec.load()


def test_spec_is_openapi_3_1(openapi):
    assert str(openapi.get("openapi", "")).startswith("3.1"), openapi.get("openapi")
    assert "Problem" in openapi.get("components", {}).get("schemas", {}), "no components.schemas.Problem"


def test_routes_match_spec(h, openapi):
    p = h.run_cli(["pins-api", "routes"])
    served = set()
    for line in p.stdout.decode().splitlines():
        line = line.strip()
        if not line:
            continue
        method, _, path = line.partition(" ")
        assert path.startswith("/"), f"odd routes line {line!r}"
        if method.upper() != "OPTIONS":
            served.add((method.upper(), path.strip()))
    documented = spec.operations(openapi)
    assert served - documented == set(), f"served but not in openapi.yaml: {sorted(served - documented)}"
    assert documented - served == set(), f"in openapi.yaml but not served: {sorted(documented - served)}"


def test_every_operation_has_an_id_and_401(openapi):
    for (method, path) in spec.operations(openapi):
        op = openapi["paths"][path][method.lower()]
        assert op.get("operationId"), f"{method} {path} has no operationId"
        if path.startswith("/v1/"):
            assert "401" in op.get("responses", {}), f"{method} {path} documents no 401"


def _op_schema(openapi, op_id):
    """(path, method) of an operationId; fails when the spec lacks it."""
    for path, item in openapi["paths"].items():
        for m, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == op_id:
                return path, m
    pytest.fail(f"no operationId {op_id} in openapi.yaml")


@pytest.mark.parametrize("op_id,path", [
    ("getIcb", "/v1/icbs/QK1"),
    ("listSchools", "/v1/schools?limit=5"),
    (None, "/v1/icbs?limit=3"),
    (None, "/v1/local-authorities?limit=3"),
    (None, "/v1/local-authorities/856"),
    (None, "/v1/parent-carer-forums?limit=3"),
    (None, "/v1/menu-items?limit=3"),
    (None, "/healthz"),
    (None, "/readyz"),
])
def test_bodies_validate(h, openapi, op_id, path):
    if op_id:
        _op_schema(openapi, op_id)  # the operation ids named in the brief exist
    r = h.get(path)
    assert r.status_code == 200, r.text
    spec.check_response(r)


def test_get_school_validates(h, openapi, parent):
    _op_schema(openapi, "getSchool")
    rec = records.create(h, "school", parent)
    r = h.get(f"/v1/schools/{rec['urn']}")
    spec.check_response(r)
    errs = list(spec.component_validator("School").iter_errors(r.json()))
    assert not errs, [e.message for e in errs]
    for res in records.RESOURCES:  # single GETs of every resource
        rec = records.create(h, res, parent)
        r = h.get(res.path(rec[res.key]))
        assert r.status_code == 200
        spec.check_response(r)


def test_problem_schema(h, openapi):
    v = spec.component_validator("Problem")
    samples = [h.get("/v1/icbs/00X"), h.get("/v1/icbs", auth=False),
               h.post("/v1/icbs", json={"code": 1}), h.delete("/v1/icbs"),
               h.get("/v1/icbs", headers={"Accept": "text/html"}),
               h.post("/v1/icbs", json=records.icb(), role="evaluator")]
    for r in samples:
        assert r.status_code >= 400
        errs = list(v.iter_errors(r.json()))
        assert not errs, (r.status_code, [e.message for e in errs])
        if r.status_code != 405:  # a 405 is for an operation the spec (rightly) does not have
            spec.check_response(r)


def test_spec_lists_every_problem_type(openapi):
    """The problem slugs of the contract appear in the spec text."""
    import json
    text = json.dumps(openapi)
    for slug in ("bad-request", "unauthorized", "forbidden", "not-found", "method-not-allowed",
                 "not-acceptable", "conflict", "precondition-failed", "payload-too-large",
                 "unsupported-media-type", "validation", "idempotency-key-reused",
                 "service-unavailable"):
        assert slug in text, f"/problems/{slug} not mentioned in openapi.yaml"
