"""School list filters and cursor pagination."""

from urllib.parse import parse_qs, urlsplit

import pytest

import records
import spec
from harness import assert_problem, rand_word

PHASES = ["primary", "secondary", "nursery", "all_through"]
STATUSES = ["open", "closed", "open_proposed_to_close", "proposed_to_open"]


@pytest.fixture(scope="module")
def district(h):
    """An ICB with two LAs and 23 schools of mixed phases, statuses and names, all new."""
    icb = records.create(h, "icb")
    la1 = records.create(h, "local_authority", {"icb": icb["code"]})
    la2 = records.create(h, "local_authority", {"icb": icb["code"]})
    tag = "Quokka" + rand_word(6)
    schools = []
    for i in range(23):
        la = la1 if i < 16 else la2
        name = (f"St {rand_word(5).title()} {tag} School" if i % 3 == 0
                else f"{rand_word(7).title()} Academy {i}")
        rec = records.create(h, "school", {"la": la["code"]}, name=name,
                             phase=PHASES[i % len(PHASES)], status=STATUSES[i % len(STATUSES)])
        schools.append(rec)
    return {"icb": icb["code"], "la1": la1["code"], "la2": la2["code"], "tag": tag,
            "schools": schools}


def walk(h, params, limit):
    """All pages of /v1/schools. On each page the Link rel="next" header must be present exactly
    when next_cursor is, carry that cursor, and lead to the same page as next_cursor does."""
    urns, cursor, pages, via_link = [], None, 0, None
    while True:
        q = dict(params, limit=limit)
        if cursor:
            q["cursor"] = cursor
        r = h.get("/v1/schools", params=q)
        assert r.status_code == 200, r.text
        body = r.json()
        assert "items" in body and "next_cursor" in body or "items" in body, body
        assert len(body["items"]) <= limit
        if via_link is not None:
            assert via_link == body, "the Link rel=next page differs from the next_cursor page"
        urns += [s["urn"] for s in body["items"]]
        pages += 1
        cursor = body.get("next_cursor")
        link = r.headers.get("Link")
        if cursor:
            assert len(body["items"]) == limit, "a non-final page is full"
            assert link and 'rel="next"' in link, f"no Link rel=next with next_cursor: {link!r}"
            target = link.split(";")[0].strip().strip("<>")
            parts = urlsplit(target)
            assert parts.path == "/v1/schools", target
            qs = parse_qs(parts.query)
            assert qs.get("cursor") == [cursor], (qs, cursor)
            if "limit" in qs:
                assert qs["limit"] == [str(limit)], qs
            lr = h.get(parts.path + ("?" + parts.query if parts.query else ""))
            assert lr.status_code == 200, lr.text
            via_link = lr.json()
        else:
            assert not link or 'rel="next"' not in link, link
            via_link = None
        assert pages < 1000
        if not cursor:
            return urns, pages


def test_filter_by_la(h, district):
    got, pages = walk(h, {"la_code": district["la1"]}, 7)
    expected = {s["urn"] for s in district["schools"] if s["la_code"] == district["la1"]}
    assert len(got) == len(set(got)), "duplicates across pages"
    assert set(got) == expected
    assert pages == 3  # 16 schools / 7
    assert got == sorted(got), "stable order by key"
    big, _ = walk(h, {"la_code": district["la1"]}, 500)
    assert big == got


def test_filter_by_icb(h, district):
    got, _ = walk(h, {"icb_code": district["icb"]}, 7)
    assert len(got) == len(set(got))
    assert set(got) == {s["urn"] for s in district["schools"]}
    big, _ = walk(h, {"icb_code": district["icb"]}, 500)
    assert big == got


def test_filter_phase_and_status(h, district):
    for phase in PHASES:
        got, _ = walk(h, {"icb_code": district["icb"], "phase": phase}, 3)
        assert set(got) == {s["urn"] for s in district["schools"] if s["phase"] == phase}, phase
    for status in STATUSES:
        got, _ = walk(h, {"la_code": district["la2"], "status": status}, 500)
        assert set(got) == {s["urn"] for s in district["schools"]
                            if s["status"] == status and s["la_code"] == district["la2"]}, status


def test_q_is_case_insensitive_substring(h, district):
    tag = district["tag"]
    expected = {s["urn"] for s in district["schools"] if tag in s["name"]}
    for q in (tag, tag.lower(), tag.upper(), tag[2:9].swapcase()):
        got, _ = walk(h, {"q": q}, 2)
        assert set(got) == expected, q
    got, _ = walk(h, {"q": tag.lower(), "la_code": district["la2"]}, 500)
    assert set(got) == {s["urn"] for s in district["schools"]
                        if tag in s["name"] and s["la_code"] == district["la2"]}


def test_q_treats_wildcards_literally(h, district):
    got, _ = walk(h, {"q": "%_", "la_code": district["la1"]}, 500)
    assert got == []


def test_walk_all_schools_and_icbs(h, district):
    """Unfiltered walks: no duplicates, no gaps, same set as the biggest page allows."""
    got, _ = walk(h, {}, 97)
    assert len(got) == len(set(got))
    assert got == sorted(got)
    assert {s["urn"] for s in district["schools"]} <= set(got)
    cursor, codes = None, []
    while True:
        q = {"limit": 7}
        if cursor:
            q["cursor"] = cursor
        body = h.get("/v1/icbs", params=q).json()
        codes += [i["code"] for i in body["items"]]
        cursor = body.get("next_cursor")
        if not cursor:
            break
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)
    all_codes = [i["code"] for i in h.get("/v1/icbs", params={"limit": 500}).json()["items"]]
    assert codes == all_codes


def test_list_response_shape(h, district):
    r = h.get("/v1/schools", params={"la_code": district["la2"]})
    assert r.status_code == 200
    body = r.json()
    assert body["next_cursor"] is None and len(body["items"]) == 7
    assert "Link" not in r.headers or 'rel="next"' not in r.headers["Link"]
    spec.check_response(r)
    r = h.get("/v1/schools", params={"la_code": district["la1"], "limit": 5})
    spec.check_response(r)
    assert r.json()["next_cursor"]
    item = r.json()["items"][0]
    for k in ("urn", "name", "la_code", "phase", "establishment_type", "is_mainstream", "status",
              "valid_from", "valid_to"):
        assert k in item, k


def test_default_limit_is_50(h):
    r = h.get("/v1/schools")
    assert r.status_code == 200
    assert len(r.json()["items"]) <= 50
    if r.json()["next_cursor"]:
        assert len(r.json()["items"]) == 50


@pytest.mark.parametrize("params", [
    {"limit": 0}, {"limit": 501}, {"limit": -1}, {"limit": "ten"}, {"limit": "7abc"},
    {"limit": "99999999999999999999"},
    {"cursor": "garbage!!"}, {"cursor": "AAAA"}, {"cursor": "eyJ1cm4iOiJ4In0"},
    {"cursor": "x" * 3000},
    {"phase": "bogus"}, {"status": "shut"}, {"la_code": "12"}, {"q": "a"},
    {"icb_code": "toolong"},
], ids=lambda p: "&".join(f"{k}={str(v)[:20]}" for k, v in p.items()))
def test_bad_list_parameters(h, params):
    r = h.get("/v1/schools", params=params)
    body = assert_problem(r, 400, "bad-request")
    name = next(iter(params))
    assert name in body["detail"] or any(name in e.get("pointer", "") for e in body.get("errors", [])), body
    spec.check_response(r)


def test_cursor_is_bound_to_its_list(h, district):
    # A cursor from one list used on another must not crash; 400 or a valid page are both fine.
    c = h.get("/v1/schools", params={"la_code": district["la1"], "limit": 2}).json()["next_cursor"]
    r = h.get("/v1/icbs", params={"cursor": c})
    assert r.status_code in (200, 400), r.text
    if r.status_code == 400:
        assert_problem(r, 400, "bad-request")


def test_limit_boundaries_ok(h):
    assert h.get("/v1/schools", params={"limit": 1}).status_code == 200
    r = h.get("/v1/schools", params={"limit": 500})
    assert r.status_code == 200 and len(r.json()["items"]) <= 500
