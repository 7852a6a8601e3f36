"""Claims across nodes: claim → hold → accept → handover, with quantities on both sides;
over-claims, withdrawals, and who may answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from schemas.vocab import Role
from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.node.test_openapi import Checker

ADMIN = Role.ADMIN


async def _pair(make_peer: PeerFactory) -> tuple[Peer, Peer]:
    """A food bank with an offer, and a clinic following it, each trusting the other."""
    food = await make_peer("foodbank", "Eastside Food Bank")
    clinic = await make_peer("clinic", "Clinic Mutual Aid")
    await clinic.call(
        "POST", "/api/v1/admin/following", {"target": food.handle}, role=ADMIN, expect=201
    )
    await food.call(
        "PUT",
        f"/api/v1/admin/peers/{clinic.url.removeprefix('http://')}",
        {"level": "trusted"},
        role=ADMIN,
        expect=200,
    )
    await settle(food, clinic)
    return food, clinic


async def _remote(peer: Peer, url: str) -> Any:
    return await peer.services.store.reader.remote_items.get(url)


async def test_full_claim_cycle_tracks_quantities_on_both_sides(make_peer: PeerFactory) -> None:
    food, clinic = await _pair(make_peer)
    offer = await food.offer(
        title="Drinking water",
        category="water",
        unit_based=True,
        quantity={"amount": 40, "unit": "litre", "minimum": 4},
    )
    await settle(food, clinic)
    doc = await clinic.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    check_clinic, check_food = Checker(clinic, doc), Checker(food, doc)

    mine = await check_clinic(
        "POST",
        "/api/v1/claims",
        "/api/v1/claims",
        {"item": offer["url"], "quantity": 8, "note": "for Tuesday"},
    )
    assert (mine["state"], mine["direction"]) == ("pending", "outgoing")
    await settle(food, clinic)
    (theirs,) = (await check_food("GET", "/api/v1/claims", "/api/v1/claims?direction=incoming"))[
        "claims"
    ]
    assert (theirs["quantity"], theirs["unit"], theirs["state"]) == (8, "litre", "pending")
    assert theirs["note"] == "", "the claimant's note stays on the claimant's node"

    one = "/api/v1/claims/{id}"
    held = await check_food(
        "POST", f"{one}/hold", f"/api/v1/claims/{theirs['id']}/hold", {"hold_hours": 48}
    )
    assert held["state"] == "tentative"
    await settle(food, clinic)
    assert (await food.call("GET", f"/api/v1/offers/{offer['id']}"))["quantity"]["available"] == 32
    assert (await _remote(clinic, offer["url"])).available_quantity == 32
    assert (await check_clinic("GET", one, f"/api/v1/claims/{mine['id']}"))["state"] == "tentative"

    accepted = await check_food(
        "POST", f"{one}/accept", f"/api/v1/claims/{theirs['id']}/accept", {}
    )
    assert accepted["agreement"].startswith(food.url)
    await settle(food, clinic)
    mine_now = await clinic.call("GET", f"/api/v1/claims/{mine['id']}")
    assert (mine_now["state"], mine_now["agreement"]) == ("accepted", accepted["agreement"])
    assert (await food.call("GET", f"/api/v1/offers/{offer['id']}"))["quantity"]["available"] == 32

    await check_food("POST", f"{one}/confirm", f"/api/v1/claims/{theirs['id']}/confirm")
    await settle(food, clinic)
    assert (await clinic.call("GET", f"/api/v1/claims/{mine['id']}"))["state"] == "fulfilled"
    await check_clinic("GET", "/api/v1/claims", "/api/v1/claims?state=fulfilled")
    await check_food("POST", f"{one}/withdraw", f"/api/v1/claims/{theirs['id']}/withdraw")  # 403


async def test_over_claims_are_refused_with_a_reason(make_peer: PeerFactory) -> None:
    food, clinic = await _pair(make_peer)
    offer = await food.offer(
        title="Water",
        category="water",
        unit_based=True,
        quantity={"amount": 40, "unit": "litre", "minimum": 4},
    )
    await settle(food, clinic)
    for quantity, reason in ((41, "over-claim"), (6, "not-a-multiple"), (2, "below-minimum")):
        claim = await clinic.call(
            "POST", "/api/v1/claims", {"item": offer["url"], "quantity": quantity}, expect=201
        )
        await settle(food, clinic)
        answered = await clinic.call("GET", f"/api/v1/claims/{claim['id']}")
        assert (answered["state"], answered["reason"]) == ("rejected", reason)
    assert (await food.call("GET", f"/api/v1/offers/{offer['id']}"))["quantity"]["available"] == 40


async def test_withdrawal_releases_a_hold_and_holds_expire(make_peer: PeerFactory) -> None:
    food, clinic = await _pair(make_peer)
    offer = await food.offer(
        title="Blankets", category="household", quantity={"amount": 10, "unit": "one"}
    )
    await settle(food, clinic)
    first = await clinic.call(
        "POST", "/api/v1/claims", {"item": offer["url"], "quantity": 3}, expect=201
    )
    second = await clinic.call(
        "POST", "/api/v1/claims", {"item": offer["url"], "quantity": 2}, expect=201
    )
    await settle(food, clinic)
    incoming = {c["quantity"]: c for c in (await food.call("GET", "/api/v1/claims"))["claims"]}
    for claim in incoming.values():
        await food.call("POST", f"/api/v1/claims/{claim['id']}/hold", {"hold_hours": 1}, expect=200)
    await settle(food, clinic)
    assert (await food.call("GET", f"/api/v1/offers/{offer['id']}"))["quantity"]["available"] == 5

    await clinic.call("POST", f"/api/v1/claims/{first['id']}/withdraw", expect=200)
    await settle(food, clinic)
    assert (await food.call("GET", f"/api/v1/claims/{incoming[3]['id']}"))["state"] == "withdrawn"
    assert (await food.call("GET", f"/api/v1/offers/{offer['id']}"))["quantity"]["available"] == 8

    food.clock.advance(timedelta(hours=2))
    assert await food.services.claims.expire_holds() == 1
    assert (await food.call("GET", f"/api/v1/claims/{incoming[2]['id']}"))["state"] == "expired"
    assert (await food.call("GET", f"/api/v1/offers/{offer['id']}"))["quantity"]["available"] == 10
    await clinic.call("GET", f"/api/v1/claims/{second['id']}", expect=200)


async def test_only_the_origin_answers_and_untrusted_peers_cannot_claim(
    make_peer: PeerFactory,
) -> None:
    food, clinic = await _pair(make_peer)
    stranger = await make_peer("stranger")
    await stranger.services.follows.follow(f"{food.url}/actor")
    await settle(food, stranger)
    offer = await food.offer(title="Tea", quantity={"amount": 5, "unit": "one"})
    await settle(food, clinic, stranger)
    mine = await clinic.call(
        "POST", "/api/v1/claims", {"item": offer["url"], "quantity": 1}, expect=201
    )
    problem = await clinic.call("POST", f"/api/v1/claims/{mine['id']}/accept", {}, expect=403)
    assert problem["reason"] == "claim-not-ours"
    stranger_claim = await stranger.call(
        "POST", "/api/v1/claims", {"item": offer["url"], "quantity": 1}, expect=201
    )
    await settle(food, clinic, stranger)
    refused = await stranger.call("GET", f"/api/v1/claims/{stranger_claim['id']}")
    assert (refused["state"], refused["reason"]) == ("rejected", "claimant-not-trusted")


async def test_a_partly_committed_item_still_takes_claims(make_peer: PeerFactory) -> None:
    food, clinic = await _pair(make_peer)
    offer = await food.offer(title="Rice", quantity={"amount": 10, "unit": "kilogram"})
    await settle(food, clinic)
    first = await clinic.call(
        "POST", "/api/v1/claims", {"item": offer["url"], "quantity": 4}, expect=201
    )
    await settle(food, clinic)
    (incoming,) = (await food.call("GET", "/api/v1/claims"))["claims"]
    await food.call("POST", f"/api/v1/claims/{incoming['id']}/accept", {}, expect=200)
    await settle(food, clinic)
    assert (await _remote(clinic, offer["url"])).status == "partly-committed"
    second = await clinic.call(
        "POST", "/api/v1/claims", {"item": offer["url"], "quantity": 6}, expect=201
    )
    assert second["id"] != first["id"]
