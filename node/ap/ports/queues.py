"""The queues node/ap's workers take their work from, over the node's store.

Each worker declares what it needs as a small Protocol next to itself; these
adapters implement them with the repositories: the inbox worker's persisted
activities, the backfill worker's catch-ups, and the outbox publisher's cursor
on the change feed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from node.clock import to_text
from node.domain.backfills import OutboxEntry, keep_page
from node.domain.changes import ITEM_CHANGES
from node.domain.model import Item, ItemChange
from node.domain.outcome import Outcome
from node.domain.peer_items import PeerItemService
from node.storage import Repositories, Store
from node.storage.backfills import Backfill
from node.storage.events import ITEM_KINDS, Consumer
from node.storage.inbox import QueuedActivity
from node.storage.items import item_of


class StoreInboxQueue:
    """The inbox worker's queue: persisted activities, claimed, applied and settled."""

    def __init__(self, store: Store, peer_items: PeerItemService) -> None:
        self._store = store
        self._peer_items = peer_items

    async def claim_due(
        self, now: datetime, limit: int, lock_until: datetime
    ) -> list[QueuedActivity]:
        async with self._store.transaction() as repos:
            return await repos.inbox.claim_due(to_text(now), limit, to_text(lock_until))

    async def apply(
        self, row: QueuedActivity, handle: Callable[[Repositories], Awaitable[Outcome]]
    ) -> Outcome:
        """Run ``handle`` in one write transaction and record its outcome for ``row`` in it."""
        async with self._store.transaction() as repos:
            outcome = await handle(repos)
            await repos.inbox.finish(row.id, outcome.state, outcome.reason)
        return outcome

    async def finish(self, row: QueuedActivity, outcome: Outcome) -> None:
        async with self._store.transaction() as repos:
            await repos.inbox.finish(row.id, outcome.state, outcome.reason)

    async def retry_at(self, row: QueuedActivity, when: datetime, reason: str) -> None:
        async with self._store.transaction() as repos:
            await repos.inbox.retry_at(row.id, to_text(when), reason)

    async def relays_from(self, relayer: str) -> bool:
        """Whether we take relayed objects from ``relayer`` (a peer we follow, or a
        partner), read outside the write lock before anything is fetched for it."""
        return await self._peer_items.relays_from(self._store.reader, relayer)


class StoreBackfills:
    """The backfill worker's queue: catch-ups on new subscriptions and their cursors."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def next_pending(self) -> Backfill | None:
        return await self._store.reader.backfills.next_pending()

    async def advance(self, backfill: Backfill, now: str) -> None:
        async with self._store.transaction() as repos:
            await repos.backfills.advance(backfill, now)

    async def store_page(
        self,
        backfill: Backfill,
        entries: Sequence[OutboxEntry],
        now: str,
        advanced: Callable[[int], Backfill],
    ) -> int:
        """Keep what a page's ``entries`` tell us and move the cursor to ``advanced(stored)``,
        in one transaction; returns the items stored."""
        async with self._store.transaction() as repos:
            stored = await keep_page(repos, backfill.actor_id, entries, now)
            await repos.backfills.advance(advanced(stored), now)
        return stored


Publish = Callable[[Repositories, Item, ItemChange], Awaitable[None]]


class StoreItemChanges:
    """Our items' changes on the change feed, after the outbox publisher's cursor."""

    def __init__(self, store: Store, consumer: Consumer = "outbox") -> None:
        self._store = store
        self._consumer = consumer

    async def pending(self) -> bool:
        """Whether there are events past the cursor (read outside the write lock)."""
        reader = self._store.reader.events
        return await reader.position(self._consumer) < await reader.last_id()

    async def publish_next(self, limit: int, publish: Publish) -> int:
        """Hand the next ``limit`` item changes to ``publish`` and advance the cursor past
        them, in one transaction; returns how many."""
        async with self._store.transaction() as repos:
            start = await repos.events.position(self._consumer)
            last = await repos.events.last_id()
            events = await repos.events.after(start, last, ITEM_KINDS, limit)
            for event in events:
                await publish(repos, item_of(event), ITEM_CHANGES[event.kind])
            end = events[-1].id if len(events) == limit else last
            await repos.events.advance(self._consumer, start, end)
        return len(events)
