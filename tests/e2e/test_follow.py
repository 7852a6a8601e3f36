"""WebFinger → actor → Follow → Accept, unfollow, and discovery documents."""

from __future__ import annotations

from tests.e2e.conftest import PeerFactory, settle


async def test_follow_by_handle_then_accept(make_peer: PeerFactory) -> None:
    food = await make_peer("foodbank", "Eastside Food Bank")
    coalition = await make_peer("coalition", "North Region Coalition")

    followee = await coalition.services.follows.follow(food.handle)
    assert followee.actor_id == f"{food.url}/actor"
    assert followee.state == "pending"
    await settle(food, coalition)

    reader = coalition.services.store.reader
    assert (await reader.follows.following(followee.actor_id)).state == "accepted"  # type: ignore[union-attr]
    follower = await food.services.store.reader.follows.follower(f"{coalition.url}/actor")
    assert follower is not None
    assert follower.state == "accepted"
    assert follower.shared_inbox == f"{coalition.url}/inbox"

    followers = await food.client.get(
        "/actor/followers?page=1", headers={"Accept": "application/activity+json"}
    )
    assert (await followers.json())["orderedItems"] == [f"{coalition.url}/actor"]


async def test_unfollow_stops_deliveries(make_peer: PeerFactory) -> None:
    food = await make_peer("foodbank")
    coalition = await make_peer("coalition")
    await coalition.services.follows.follow(f"{food.url}/actor")
    await settle(food, coalition)

    await coalition.services.follows.unfollow(f"{food.url}/actor")
    await settle(food, coalition)
    assert await food.services.store.reader.follows.follower(f"{coalition.url}/actor") is None

    await food.offer(title="Bread")
    await settle(food, coalition)
    assert await coalition.services.store.reader.remote_items.live_ids() == []
    states = await food.services.store.reader.outbox.delivery_states()
    assert states.get("pending", 0) == 0
