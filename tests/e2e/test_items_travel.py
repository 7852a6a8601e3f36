"""Offers and requests reach followers: create, update, close, delete; faults survived."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from tests.e2e.conftest import Peer, PeerFactory, settle


async def _pair(make_peer: PeerFactory) -> tuple[Peer, Peer]:
    food = await make_peer("foodbank")
    coalition = await make_peer("coalition")
    await coalition.services.follows.follow(f"{food.url}/actor")
    await settle(food, coalition)
    return food, coalition


async def _remote(peer: Peer, url: str) -> Any:
    return await peer.services.store.reader.remote_items.get(url)


async def test_create_update_close_delete_reach_the_follower(make_peer: PeerFactory) -> None:
    food, coalition = await _pair(make_peer)
    offer = await food.offer(
        title="Rice, 20 kg",
        quantity={"amount": 20, "unit": "kilogram"},
        urgency="within-3-5-days",
        location={"latitude": 40.7128, "longitude": -74.006},
    )
    await settle(food, coalition)
    remote = await _remote(coalition, offer["url"])
    assert remote is not None
    assert (remote.title, remote.category, remote.purpose) == ("Rice, 20 kg", "food", "offer")
    assert (remote.quantity, remote.unit, remote.urgency) == (20, "kilogram", "within-3-5-days")
    assert (remote.latitude, remote.longitude) == (
        offer["location"]["latitude"],
        offer["location"]["longitude"],
    )
    assert remote.document["proof"]["cryptosuite"] == "eddsa-jcs-2022"

    await food.call("PATCH", f"/api/v1/offers/{offer['id']}", {"title": "Rice, 25 kg"}, expect=200)
    await settle(food, coalition)
    assert (await _remote(coalition, offer["url"])).title == "Rice, 25 kg"

    await food.call(
        "POST", f"/api/v1/offers/{offer['id']}/close", {"reason": "fulfilled"}, expect=200
    )
    await settle(food, coalition)
    closed = await _remote(coalition, offer["url"])
    assert closed.document["itemStatus"] == "fulfilled"
    assert closed.document["publishes"]["finished"] is True

    await food.call("DELETE", f"/api/v1/offers/{offer['id']}", expect=204)
    await settle(food, coalition)
    gone = await _remote(coalition, offer["url"])
    assert gone.deleted_at is not None
    assert gone.title == ""


async def test_private_and_draft_items_never_leave(make_peer: PeerFactory) -> None:
    food, coalition = await _pair(make_peer)
    await food.offer(title="Secret", visibility="private")
    draft = await food.offer(title="Draft", draft=True)
    await settle(food, coalition)
    assert await coalition.services.store.reader.remote_items.live_ids() == []
    await food.call("POST", f"/api/v1/offers/{draft['id']}/publish", expect=200)
    await settle(food, coalition)
    assert await coalition.services.store.reader.remote_items.live_ids() == [draft["url"]]


async def test_a_peer_that_is_down_gets_it_later(make_peer: PeerFactory) -> None:
    food, coalition = await _pair(make_peer)
    await coalition.client.close()  # the coalition's server goes away
    offer = await food.offer(title="Blankets", category="household")
    assert await food.federation.delivery_worker.run_once() == 1
    states = await food.services.store.reader.outbox.delivery_states()
    assert states == {"delivered": 1, "pending": 1}, "the Accept went out; the offer waits"

    coalition = await make_peer.restart(coalition)  # type: ignore[attr-defined]
    assert await food.federation.delivery_worker.run_once() == 0, "not due yet"
    food.clock.advance(timedelta(minutes=5))
    await settle(food, coalition)
    assert await _remote(coalition, offer["url"]) is not None


async def test_restart_mid_delivery_loses_nothing(make_peer: PeerFactory) -> None:
    food, coalition = await _pair(make_peer)
    offer = await food.offer(title="Water", category="water")
    food = await make_peer.restart(food)  # killed before the delivery worker ran
    await settle(food, coalition)
    assert await _remote(coalition, offer["url"]) is not None


async def test_gone_inbox_prunes_the_follower(make_peer: PeerFactory) -> None:
    food, coalition = await _pair(make_peer)
    # The coalition's node is replaced by one with another handle: its old actor is gone (404).
    async with food.services.store.transaction() as repos:
        follower = await repos.follows.follower(f"{coalition.url}/actor")
        assert follower is not None
        moved = replace(follower, inbox=f"{coalition.url}/nobody/inbox", shared_inbox=None)
        await repos.follows.add_follower(moved, "2026-03-01T12:00:00Z")
    await food.offer(title="Tea")
    await settle(food, coalition)
    assert await food.services.store.reader.follows.follower(f"{coalition.url}/actor") is None
    assert (await food.services.store.reader.outbox.delivery_states())["pruned"] == 1
