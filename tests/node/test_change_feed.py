"""The change feed: events written with the change they record, read once by each
consumer through its durable cursor, pruned once every consumer passed them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from node.clock import to_text
from node.domain.changes import ChangeFeed
from node.domain.items import ItemService
from node.domain.trust import Level
from node.storage import Store
from node.storage.events import ITEM_KINDS, EventKind
from node.storage.follows import Follower
from node.storage.items import item_of
from node.workers import EventPruneSweep
from schemas.api import ItemCreate
from schemas.vocab import Purpose
from tests.conftest import Node
from tests.factories import peer_item

OFFER = {"title": "Rice, 20 kg", "category": "food", "quantity": {"amount": 20, "unit": "kilogram"}}


async def _follower(node: Node) -> None:
    actor = "http://peer.test/actor"
    follower = Follower(actor, "http://peer.test/inbox", None, f"{actor}#follow", "accepted")
    async with node.services.store.transaction() as repos:
        await repos.follows.add_follower(follower, to_text(node.clock.now()))


async def _deliveries(node: Node) -> int:
    return sum((await node.services.store.reader.outbox.delivery_states()).values())


async def _item_events(node: Node) -> list[tuple[EventKind, str]]:
    reader = node.services.store.reader.events
    events = await reader.after(0, await reader.last_id(), ITEM_KINDS)
    return [(event.kind, event.subject) for event in events]


async def test_a_change_and_its_event_commit_together(node: Node) -> None:
    offer = await node.call("POST", "/api/v1/offers", OFFER, expect=201)
    reader = node.services.store.reader
    [event] = await reader.events.after(0, await reader.events.last_id(), ITEM_KINDS)
    assert (event.kind, event.subject) == (EventKind.ITEM_CREATED, offer["id"])
    assert item_of(event) == await reader.items.get(offer["id"], Purpose.OFFER)

    items = node.services.items
    with pytest.raises(RuntimeError):
        async with node.services.store.transaction() as repos:
            await items.create_in(repos, Purpose.OFFER, ItemCreate.model_validate(OFFER))
            raise RuntimeError("rolled back")
    assert await _item_events(node) == [(EventKind.ITEM_CREATED, offer["id"])]

    await node.call("POST", f"/api/v1/offers/{offer['id']}/close", {"reason": "withdrawn"})
    await node.call("DELETE", f"/api/v1/offers/{offer['id']}", expect=204)
    kinds = [kind for kind, _ in await _item_events(node)]
    assert kinds == [EventKind.ITEM_CREATED, EventKind.ITEM_CLOSED, EventKind.ITEM_DELETED]


async def test_the_publisher_handles_each_change_once(node: Node) -> None:
    await _follower(node)
    offer = await node.call("POST", "/api/v1/offers", OFFER, expect=201)
    # The API call awaited the publisher's step: the delivery row is there already.
    assert await _deliveries(node) == 1
    events = node.services.store.reader.events
    assert await events.position("outbox") == await events.last_id()
    assert await node.services.publisher.run_once() == 0
    await node.call("POST", f"/api/v1/offers/{offer['id']}/close", {"reason": "withdrawn"})
    assert await _deliveries(node) == 2
    assert await node.services.publisher.run_once() == 0
    assert await _deliveries(node) == 2


async def test_the_publisher_resumes_where_it_stopped(node: Node) -> None:
    """A change committed without the publisher's step after it (as a crash between
    the two leaves it) is published by the next step, once."""
    await _follower(node)
    services = node.services
    other = Store(services.settings.database_path, node.clock.now)  # no after-commit hook
    await other.open()
    try:
        items = ItemService(other, services.settings, node.clock)
        await items.create(Purpose.OFFER, ItemCreate.model_validate(OFFER))
    finally:
        await other.close()
    assert await _deliveries(node) == 0
    assert await services.publisher.run_once() == 1
    assert await _deliveries(node) == 1
    assert await services.publisher.run_once() == 0
    assert await _deliveries(node) == 1


async def test_events_are_pruned_once_every_consumer_passed_them_and_they_are_old(
    node: Node,
) -> None:
    for _ in range(3):
        await node.call("POST", "/api/v1/offers", OFFER, expect=201)
    store = node.services.store
    first = (await store.reader.events.after(0, 10, ITEM_KINDS))[0].id
    async with store.transaction() as repos:  # the scanner handled the first only
        await repos.events.advance("notifications", 0, first)
    prune = EventPruneSweep(ChangeFeed(store), node.clock, retention_days=14)
    node.clock.advance(timedelta(days=13))
    assert await prune.run_once() == 0  # not old enough
    node.clock.advance(timedelta(days=2))
    assert await prune.run_once() == 1  # the first; the scanner has not passed the others
    last = await store.reader.events.last_id()
    async with store.transaction() as repos:
        await repos.events.advance("notifications", first, last)
    assert await prune.run_once() == 1  # the newest event stays
    assert [event.id for event in await store.reader.events.after(0, last, ITEM_KINDS)] == [last]


async def test_what_the_feed_shows_moves_the_last_event_id(node: Node) -> None:
    """The matching index rebuilds when the last event id moved: peers' items and trust
    move it, and writes that change no feed entry (a notification) do not."""
    events = node.services.store.reader.events
    before = await events.last_id()
    await node.services.trust.set_level("peer.test", Level.TRUSTED, who="test")
    after_trust = await events.last_id()
    assert after_trust > before
    remote = peer_item("http://peer.test/offers/1", "http://peer.test/actor", urgency="anytime")
    now = to_text(node.clock.now())
    async with node.services.store.transaction() as repos:
        await repos.remote_items.upsert(remote, now)
    after_item = await events.last_id()
    assert after_item > after_trust
    async with node.services.store.transaction() as repos:
        await repos.notifications.set_state("unrelated", now)
    assert await events.last_id() == after_item
