"""Suggested matches stay current: the item asked about and the items suggested are
read fresh, whatever the matching index was built from."""

from __future__ import annotations

from typing import Any

from schemas.vocab import Role
from tests.e2e.conftest import Peer, PeerFactory, settle

WATER = {"category": "water", "location": {"latitude": 40.7128, "longitude": -74.006}}


async def _need(peer: Peer, title: str) -> dict[str, Any]:
    body = {"title": title, "quantity": {"amount": 10, "unit": "litre"}, **WATER}
    created: dict[str, Any] = await peer.call("POST", "/api/v1/requests", body, expect=201)
    return created


async def _matched(peer: Peer, need: dict[str, Any]) -> list[str]:
    page = await peer.call("GET", f"/api/v1/requests/{need['id']}/matches", expect=200)
    return [m["theirs"] for m in page["matches"]]


async def test_a_request_posted_after_the_index_was_built_has_its_matches(
    make_peer: PeerFactory,
) -> None:
    food = await make_peer("foodbank")
    water = await food.offer(
        title="Bottled water", quantity={"amount": 40, "unit": "litre"}, **WATER
    )
    first = await _need(food, "Water for the shelter")
    assert await _matched(food, first) == [water["url"]]  # the index is built here
    second = await _need(food, "Water for the kitchen")
    assert await _matched(food, second) == [water["url"]]


async def test_an_offer_closed_since_is_no_longer_suggested(make_peer: PeerFactory) -> None:
    food, clinic = await make_peer("foodbank"), await make_peer("clinic")
    await clinic.call(
        "POST", "/api/v1/admin/following", {"target": food.handle}, role=Role.ADMIN, expect=201
    )
    await clinic.call(
        "PUT",
        f"/api/v1/admin/peers/{food.url.removeprefix('http://')}",
        {"level": "trusted"},
        role=Role.ADMIN,
        expect=200,
    )
    await settle(food, clinic)
    water = await food.offer(
        title="Bottled water", quantity={"amount": 40, "unit": "litre"}, **WATER
    )
    await settle(food, clinic)
    need = await _need(clinic, "Water for the waiting room")
    assert await _matched(clinic, need) == [water["url"]]

    await food.call(
        "POST", f"/api/v1/offers/{water['id']}/close", {"reason": "fulfilled"}, expect=200
    )
    await settle(food, clinic)
    assert await _matched(clinic, need) == []
    everything = await clinic.call("GET", "/api/v1/matches", expect=200)
    assert everything["matches"] == []
