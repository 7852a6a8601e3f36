"""The outbox publisher: our items' changes, read from the change feed, become
activities and delivery rows.

It reads the ``item.*`` events after its cursor and writes, in one transaction,
the activities (with their object proofs), one delivery row per target inbox and
its advanced cursor: each change is published once, and after a restart it
resumes where it stopped. The store steps it right after every commit that
appended an item event, and the committing caller awaits that step, so an API
call returns with its deliveries queued; its loop in the application catches up
on whatever that step left (a crash between the commit and the step, an error).
HTTP signatures are made later, at send time, by the delivery worker.
"""

from __future__ import annotations

import asyncio
import logging

from node.ap.outbox import Outbox
from node.domain.model import ItemChange
from node.storage import Store
from node.storage.events import ITEM_KINDS, Consumer, EventKind
from node.storage.items import item_of

log = logging.getLogger("solidarity.outbox")

CONSUMER: Consumer = "outbox"
PAGE = 200  # events published in one transaction

CHANGES = {EventKind(f"item.{change.value}"): change for change in ItemChange}


class OutboxPublisher:
    name = "outbox-publisher"

    def __init__(self, store: Store, outbox: Outbox) -> None:
        self._store = store
        self._outbox = outbox
        self.wake = asyncio.Event()  # set when a step after a commit failed: retry soon

    async def run_once(self) -> int:
        """Publish the next page of our items' changes; returns how many."""
        reader = self._store.reader.events
        if await reader.position(CONSUMER) >= await reader.last_id():
            return 0  # nothing new (read outside the write lock)
        async with self._store.transaction() as repos:
            start = await repos.events.position(CONSUMER)
            last = await repos.events.last_id()
            events = await repos.events.after(start, last, ITEM_KINDS, PAGE)
            for event in events:
                await self._outbox.item_changed(repos, item_of(event), CHANGES[event.kind])
            end = events[-1].id if len(events) == PAGE else last
            await repos.events.advance(CONSUMER, start, end)
        return len(events)

    async def committed(self, kinds: frozenset[EventKind]) -> None:
        """The store's after-commit hook: publish our items' changes at once."""
        if kinds.isdisjoint(ITEM_KINDS):
            return
        try:
            while await self.run_once() == PAGE:
                pass
        except Exception:  # the change is committed and stays in the feed: the loop retries
            log.exception("publishing after a commit failed reason=publish-error")
            self.wake.set()
