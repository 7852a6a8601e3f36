"""node/ap's port adapters over the store, and the outbox's questions about recipients."""

from __future__ import annotations

import json

from node.ap.ports.directories import StoreActors, StoreSoftware
from node.domain.records import Follower, RemoteActor
from node.version import SOFTWARE_NAME
from tests.conftest import START, Node


def _actor(actor_id: str, inbox: str) -> RemoteActor:
    host = actor_id.split("/")[2]
    return RemoteActor(actor_id, host, inbox, None, "group", "A group", {"id": actor_id})


def _follower(actor_id: str, inbox: str, shared: str | None = None) -> Follower:
    return Follower(actor_id, inbox, shared, f"{actor_id}/follows/1", "accepted")


async def test_the_actor_cache_keeps_what_it_is_given(node: Node) -> None:
    cache = StoreActors(node.services.store)
    actor = _actor("https://west.example/actor", "https://west.example/actor/inbox")
    assert await cache.cached(actor.id) is None
    await cache.remember(actor, START)
    assert await cache.cached(actor.id) == actor


async def test_the_software_cache_keeps_one_name_per_host(node: Node) -> None:
    cache = StoreSoftware(node.services.store)
    assert await cache.known("west.example") is None
    await cache.remember("west.example", "mastodon", "4.3.0", START)
    await cache.remember("west.example", SOFTWARE_NAME, "1.0", START)
    assert await cache.known("west.example") == SOFTWARE_NAME


async def test_the_outbox_finds_recipients_in_the_transaction(node: Node) -> None:
    services = node.services
    outbox = services.outbox
    async with services.store.transaction() as tx:
        for follower in (
            _follower(
                "https://a.example/one", "https://a.example/one/inbox", "https://a.example/in"
            ),
            _follower(
                "https://a.example/two", "https://a.example/two/inbox", "https://a.example/in"
            ),
            _follower("https://b.example/actor", "https://b.example/actor/inbox"),
        ):
            await tx.follows.add_follower(follower, "2026-03-01T12:00:00Z")
        await tx.peers.save_software("a.example", SOFTWARE_NAME, "1.0", "2026-03-01T12:00:00Z")
        await tx.peers.save_actor(
            _actor("https://b.example/actor", "https://b.example/actor/inbox"), "t"
        )
        inboxes = await outbox.followers(tx)
        split = await outbox.by_software(tx, inboxes)
        known = await outbox.inboxes_of(tx, "https://b.example/actor")
        unknown = await outbox.inboxes_of(tx, "https://c.example/actor")
    assert inboxes == ["https://a.example/in", "https://b.example/actor/inbox"]
    assert split == (["https://a.example/in"], ["https://b.example/actor/inbox"])
    assert known == ["https://b.example/actor/inbox"]
    assert unknown == []


async def test_publishing_writes_the_activity_and_one_delivery_per_inbox(node: Node) -> None:
    services = node.services
    actor = services.actor
    document = {"id": f"{actor.id}/activities/1", "type": "Update", "actor": actor.id}
    inboxes = ["https://a.example/in", "https://b.example/inbox"]
    async with services.store.transaction() as tx:
        activity_id = await services.outbox.publish(
            tx, document, inboxes=inboxes, public=True, object_id="https://a.example/x"
        )
    stored = await services.store.reader.outbox.activity(activity_id)
    assert stored is not None and stored.type == "Update"
    assert "proof" in json.loads(stored.body)
    by_host = await services.store.reader.outbox.delivery_states_by_host()
    assert by_host == [("a.example", "pending", 1), ("b.example", "pending", 1)]
