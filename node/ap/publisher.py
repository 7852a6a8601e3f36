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
from collections.abc import Awaitable, Callable
from typing import Protocol

from node.ap.outbox import Outbox
from node.domain.changes import touches_items
from node.domain.model import Item, ItemChange
from node.domain.records import EventKind, Transaction

log = logging.getLogger("solidarity.outbox")

PAGE = 200  # events published in one transaction


class ItemChanges(Protocol):
    """Our items' changes after the publisher's cursor (node.ap.ports.queues.StoreItemChanges)."""

    async def pending(self) -> bool:
        """Whether there may be changes past the cursor (read outside the write lock)."""

    async def publish_next(
        self, limit: int, publish: Callable[[Transaction, Item, ItemChange], Awaitable[None]]
    ) -> int:
        """Hand the next ``limit`` changes to ``publish`` and advance the cursor past them,
        in one transaction; returns how many."""


class OutboxPublisher:
    name = "outbox-publisher"

    def __init__(self, changes: ItemChanges, outbox: Outbox) -> None:
        self._changes = changes
        self._outbox = outbox
        self.wake = asyncio.Event()  # set when a step after a commit failed: retry soon

    async def run_once(self) -> int:
        """Publish the next page of our items' changes; returns how many."""
        if not await self._changes.pending():
            return 0  # nothing new (read outside the write lock)
        return await self._changes.publish_next(PAGE, self._outbox.item_changed)

    async def committed(self, kinds: frozenset[EventKind]) -> None:
        """The store's after-commit hook: publish our items' changes at once."""
        if not touches_items(kinds):
            return
        try:
            while await self.run_once() == PAGE:
                pass
        except Exception:  # the change is committed and stays in the feed: the loop retries
            log.exception("publishing after a commit failed reason=publish-error")
            self.wake.set()
