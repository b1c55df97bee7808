"""Valid reference records with fresh keys, one builder per resource, and a create helper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from harness import (new_icb_code, new_la_code, new_menu_code, new_ons, new_pcf_id, new_urn,
                     rand_word)


def icb(parent=None, **over) -> dict:
    rec = {"code": new_icb_code(), "ons_code": new_ons("E549", 5),
           "name": f"NHS Test {rand_word()} Integrated Care Board", "region": "London"}
    rec.update(over)
    return rec


def la(parent, **over) -> dict:
    rec = {"code": new_la_code(), "ons_code": new_ons("E99", 6), "name": f"Test LA {rand_word()}",
           "icb_code": parent["icb"]}
    rec.update(over)
    return rec


def school(parent, **over) -> dict:
    rec = {"urn": new_urn(), "name": f"Test {rand_word()} Primary School", "la_code": parent["la"],
           "phase": "primary", "establishment_type": "Community school", "is_mainstream": True,
           "status": "open"}
    rec.update(over)
    return rec


def pcf(parent, **over) -> dict:
    rec = {"id": new_pcf_id(), "name": f"Test {rand_word()} Parent Carer Forum",
           "la_code": parent["la"]}
    rec.update(over)
    return rec


def menu_item(parent=None, **over) -> dict:
    rec = {"code": new_menu_code(), "title": f"Test offer {rand_word()}",
           "description": "A made-up offer of support used by the API tests.",
           "domains": ["mental_health", "environment"],
           "professional_types": ["educational_psychologist"],
           "delivery_modes": ["face_to_face", "virtual"], "active": True}
    rec.update(over)
    return rec


@dataclass(frozen=True)
class Resource:
    name: str
    coll: str                # /v1/...
    key: str                 # key field
    build: Callable
    put_field: str           # a string field PUT and PATCH change
    list_filter: tuple       # (param, record field) filter the list accepts

    def path(self, key) -> str:
        return f"{self.coll}/{key}"


RESOURCES = [
    Resource("icb", "/v1/icbs", "code", icb, "name", ("region", "region")),
    Resource("local_authority", "/v1/local-authorities", "code", la, "name", ("icb_code", "icb_code")),
    Resource("school", "/v1/schools", "urn", school, "name", ("la_code", "la_code")),
    Resource("parent_carer_forum", "/v1/parent-carer-forums", "id", pcf, "name", ("la_code", "la_code")),
    Resource("menu_item", "/v1/menu-items", "code", menu_item, "title", ("active", "active")),
]
BY_NAME = {r.name: r for r in RESOURCES}


def create(h, res: Resource | str, parent=None, **over) -> dict:
    """POSTs a fresh valid record as national; asserts 201; returns the record sent."""
    if isinstance(res, str):
        res = BY_NAME[res]
    rec = res.build(parent, **over)
    r = h.post(res.coll, json=rec)
    assert r.status_code == 201, f"create {res.name}: {r.status_code} {r.text[:500]}"
    return rec
