"""Bearer JWTs: forged, expired, wrong-alg, wrong-aud tokens are 401; roles other than national
read but do not write (403)."""

import base64
import json
import subprocess
import time

import pytest

import records
import spec
from harness import assert_problem, b64url, std_claims

PATH = "/v1/icbs"


def get_with(h, token, path=PATH):
    return h.get(path, token=token)


def assert_401(r, challenge_error=True):
    assert_problem(r, 401, "unauthorized")
    www = r.headers.get("WWW-Authenticate", "")
    assert www.startswith("Bearer"), f"WWW-Authenticate: {www!r}"
    if challenge_error:
        assert 'error="invalid_token"' in www, f"WWW-Authenticate: {www!r}"
    spec.check_response(r)


def test_no_token(h):
    r = h.get(PATH, auth=False)
    assert_401(r, challenge_error=False)


@pytest.mark.parametrize("header", [
    "Bearer", "Bearer ", "Bearer garbage", "Bearer a.b.c", "Bearer ....", "Basic dXNlcjpwYXNz",
    "bearer", "Bearer " + "x" * 9000,
], ids=lambda v: v[:24])
def test_malformed_authorization(h, header):
    r = h.get(PATH, auth=False, headers={"Authorization": header})
    assert r.status_code == 401, (header, r.status_code, r.text[:200])
    assert_problem(r, 401, "unauthorized")
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_forging_machinery_control(h):
    # The forged tokens below are only meaningful if a correctly forged one is accepted.
    tok = h.forge(std_claims())
    assert get_with(h, tok).status_code == 200
    tok = h.forge(std_claims("icb", "QK1"))
    assert get_with(h, tok).status_code == 200


def test_expired_beyond_leeway(h):
    assert_401(get_with(h, h.token("national", exp_offset=-120)))


def test_expired_within_leeway_accepted(h):
    assert get_with(h, h.token("national", exp_offset=-20)).status_code == 200


def test_not_yet_valid_beyond_leeway(h):
    assert_401(get_with(h, h.token("national", nbf_offset=300)))


def test_not_yet_valid_within_leeway_accepted(h):
    assert get_with(h, h.token("national", nbf_offset=20)).status_code == 200


def test_iat_in_the_future_beyond_leeway(h):
    now = int(time.time())
    assert_401(get_with(h, h.forge(std_claims(iat=now + 3600, nbf=now, exp=now + 7200))))


def test_missing_exp(h):
    assert_401(get_with(h, h.forge(std_claims(exp=None))))


def test_non_numeric_exp(h):
    assert_401(get_with(h, h.forge(std_claims(exp="tomorrow"))))


def test_wrong_issuer(h):
    assert_401(get_with(h, h.token("national", iss="someone-else")))


def test_missing_issuer(h):
    assert_401(get_with(h, h.forge(std_claims(iss=None))))


def test_wrong_audience(h):
    assert_401(get_with(h, h.token("national", aud="other-service")))


def test_audience_array_with_ours_accepted_or_refused_cleanly(h):
    # RFC 7519 allows aud as an array; either accept it (contains ours) or refuse with 401.
    r = get_with(h, h.forge(std_claims(aud=["other", "pins-hub"])))
    assert r.status_code in (200, 401)
    r = get_with(h, h.forge(std_claims(aud=["other", "another"])))
    assert_401(r)


def test_alg_none(h):
    assert_401(get_with(h, h.forge(std_claims(), alg="none")))


def test_alg_none_variants(h):
    for alg in ("None", "NONE"):
        assert_401(get_with(h, h.forge(std_claims(), alg="none", header={"alg": alg})))


def test_hs256_with_public_key_as_secret(h):
    # The classic key-confusion attack: HMAC keyed with the server's public key PEM.
    pem = h.public_key("rsa").read_bytes()
    assert_401(get_with(h, h.forge(std_claims(), alg="HS256", secret=pem)))
    assert_401(get_with(h, h.forge(std_claims(), alg="HS256", secret=pem.strip())))


def test_rs256_header_on_hs256_signature(h):
    # Claimed RS256 but the signature is an HMAC: must fail the RSA verification.
    pem = h.public_key("rsa").read_bytes()
    tok = h.forge(std_claims(), alg="HS256", secret=pem)
    head, payload, sig = tok.split(".")
    import base64, json
    hdr = base64.urlsafe_b64encode(json.dumps({"alg": "RS256", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    assert_401(get_with(h, f"{hdr}.{payload}.{sig}"))


def test_signed_by_another_rsa_key(h):
    assert_401(get_with(h, h.token("national", key="other")))


def test_es256_when_server_key_is_rsa(h):
    assert_401(get_with(h, h.token("national", key="ec")))


def test_tampered_payload(h):
    tok = h.token("school", "100000")
    head, payload, sig = tok.split(".")
    forged = h.forge(std_claims())  # national claims, signed...
    assert_401(get_with(h, f"{head}.{forged.split('.')[1]}.{sig}"))  # ...but with school's signature


def test_missing_role(h):
    assert_401(get_with(h, h.forge(std_claims(pins_role=None))))


def test_unknown_role(h):
    assert_401(get_with(h, h.forge(std_claims("superuser"))))


def test_role_not_a_string(h):
    assert_401(get_with(h, h.forge(std_claims(pins_role=["national"]))))


@pytest.mark.parametrize("role", ["icb", "local_authority", "school", "pcf"])
def test_org_required_for_role(h, role):
    assert_401(get_with(h, h.forge(std_claims(role))))


# -- who: every token names its subject -------------------------------------------------------

@pytest.mark.parametrize("sub", [None, "", 5, ["u-1"], {"id": "u-1"}],
                         ids=["absent", "empty", "number", "array", "object"])
def test_token_without_sub_refused(h, sub):
    # Every write is audited under the caller's sub: a token that names nobody is 401 (std_claims
    # drops a claim given as None).
    assert_401(get_with(h, h.forge(std_claims(sub=sub))))
    assert_401(get_with(h, h.forge(std_claims("icb", "QK1", sub=sub))))


def test_sub_too_long_refused(h):
    assert_401(get_with(h, h.forge(std_claims(sub="u" * 200))))
    assert get_with(h, h.forge(std_claims(sub="u" * 127))).status_code == 200


def _claims_of(tok):
    seg = tok.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4)))


@pytest.mark.parametrize("role,org", [("national", None), ("icb", "QK1"), ("school", "100001")])
def test_pins_token_always_names_a_sub(h, role, org):
    # bin/pins-token (and so the harness) puts a sub in every token it mints, without --sub too.
    sub = _claims_of(h.token(role, org)).get("sub")
    assert isinstance(sub, str) and sub, sub
    assert _claims_of(h.token(role, org, sub="alice"))["sub"] == "alice"


# -- one spelling: repeated names and base64 variants are refused ---------------------------------

def _sign_segments(h, header_seg: str, payload_seg: str) -> str:
    """An RS256 token over exactly these two segments as spelled (padding, alphabet and all)."""
    signing_input = header_seg + "." + payload_seg
    p = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(h.keys["rsa"])],
                       input=signing_input.encode(), capture_output=True, check=True)
    tok = signing_input + "." + b64url(p.stdout)
    h.minted_tokens.add(tok)
    return tok


def _sign_json(h, payload_text: str, header_text: str = '{"alg":"RS256","typ":"JWT"}') -> str:
    return _sign_segments(h, b64url(header_text.encode()), b64url(payload_text.encode()))


def _std(seg: str, pad: bool) -> str:
    out = seg.replace("-", "+").replace("_", "/")
    return out + "=" * (-len(out) % 4) if pad else out


def test_repeated_claim_refused(h):
    c = std_claims()
    now = c["iat"]
    body = (f'{{"iss":"{c["iss"]}","aud":"{c["aud"]}","sub":"u-1","iat":{now},"exp":{now + 600},'
            f'"pins_role":"school","pins_org":"100001","pins_role":"national"}}')
    # The control: the same machinery without the repeat is accepted.
    control = body.replace('"pins_role":"school","pins_org":"100001",', "")
    assert get_with(h, _sign_json(h, control)).status_code == 200
    # Two pins_role (the last would make a school national), and other repeats.
    assert_401(get_with(h, _sign_json(h, body)))
    assert_401(get_with(h, _sign_json(h, control.replace('"sub":"u-1",', '"sub":"u-1","sub":"u-2",'))))
    assert_401(get_with(h, _sign_json(h, control, '{"alg":"RS256","typ":"JWT","typ":"JWT"}')))


def test_standard_base64_refused(h):
    # Only unpadded base64url is a JWS compact serialization; each variant below spells the
    # same bytes, and is signed as spelled where the signing input changes.
    claims = dict(std_claims(), x="???>>>~~~")
    header = '{"alg":"RS256","kid":"k1"}'  # 26 bytes: its encoding would take padding
    for fill in range(3):  # a payload encoding with '-' or '_' that would take padding
        claims["y"] = "." * fill
        p = b64url(json.dumps(claims, separators=(",", ":")).encode())
        if ("-" in p or "_" in p) and len(p) % 4:
            break
    hd = b64url(header.encode())
    tok = _sign_segments(h, hd, p)
    assert get_with(h, tok).status_code == 200
    sig = tok.split(".")[2]
    variants = {
        "signature in standard base64, padded": f"{hd}.{p}.{_std(sig, True)}",
        "signature padded": f"{tok}==",
        "header padded": _sign_segments(h, _std(hd, True), p),
        "payload in standard base64": _sign_segments(h, hd, _std(p, False)),
        "payload padded": _sign_segments(h, hd, p + "=" * (-len(p) % 4)),
    }
    if "-" in sig or "_" in sig:
        variants["signature in standard base64"] = f"{hd}.{p}.{_std(sig, False)}"
    for name, variant in variants.items():
        h.minted_tokens.add(variant)
        r = get_with(h, variant)
        assert r.status_code == 401, (name, r.status_code, r.text[:200])
        assert_401(r)


READERS = [("national", None), ("icb", "QK1"), ("local_authority", "856"), ("school", "100001"),
           ("pcf", "leicester-pcf"), ("evaluator", None)]


@pytest.mark.parametrize("role,org", READERS)
def test_every_role_reads_reference_data(h, role, org):
    for path in ("/v1/icbs", "/v1/local-authorities", "/v1/schools", "/v1/parent-carer-forums",
                 "/v1/menu-items", "/v1/icbs/QK1"):
        r = h.get(path, role=role, org=org)
        assert r.status_code == 200, (role, path, r.status_code, r.text[:200])


@pytest.mark.parametrize("role,org", [ro for ro in READERS if ro[0] != "national"])
def test_only_national_writes(h, parent, role, org):
    res = records.BY_NAME["icb"]
    rec = res.build(parent)
    r = h.post(res.coll, json=rec, role=role, org=org)
    assert_problem(r, 403, "forbidden")
    spec.check_response(r)
    assert h.get(res.path(rec["code"])).status_code == 404, "a refused POST still wrote"
    # And the other verbs on an existing record.
    existing = records.create(h, "icb")
    path = res.path(existing["code"])
    assert_problem(h.put(path, json=existing, role=role, org=org), 403, "forbidden")
    assert_problem(h.patch(path, json={"name": "Nope"}, role=role, org=org,
                           headers={"Content-Type": "application/merge-patch+json"}), 403, "forbidden")
    assert_problem(h.delete(path, role=role, org=org), 403, "forbidden")
    assert_problem(h.post("/v1/schools/import", json=[], role=role, org=org), 403, "forbidden")
    assert h.get(path).json()["name"] == existing["name"]


def test_es256_server(h, spawn):
    """A server configured with an EC P-256 key accepts ES256 and refuses RS256 and HS256."""
    from harness import free_port
    port = free_port()
    s = spawn("es256", h.server_env(PINS_LISTEN_PORT=port,
                                    PINS_JWT_PUBLIC_KEY_FILE=h.public_key("ec")), port,
              wait_healthy=True)
    base = s.base_url
    ok = h.token("national", key="ec")
    assert h.get(PATH, token=ok, base_url=base).status_code == 200
    forged_ok = h.forge(std_claims(), alg="ES256", key="ec")
    assert h.get(PATH, token=forged_ok, base_url=base).status_code == 200
    r = h.get(PATH, token=h.token("national"), base_url=base)  # RS256
    assert r.status_code == 401
    pem = h.public_key("ec").read_bytes()
    r = h.get(PATH, token=h.forge(std_claims(), alg="HS256", secret=pem), base_url=base)
    assert r.status_code == 401
    r = h.get(PATH, token=h.forge(std_claims(), alg="none"), base_url=base)
    assert r.status_code == 401
    s.proc.send_signal(__import__("signal").SIGTERM)
    assert s.wait_exit(10) == 0, s.stderr_text()[-2000:]
