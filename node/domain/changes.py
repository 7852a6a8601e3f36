"""The change feed as the domain reads it: which events are our items' changes, and
pruning the events every consumer has handled.

The repositories append the events (``node.storage.events``); the outbox publisher
turns our items' changes into activities, the notification scanner reads the rest.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from node.clock import to_text
from node.domain.model import ItemChange
from node.storage import Store
from node.storage.events import ITEM_KINDS, EventKind

ITEM_CHANGES: Mapping[EventKind, ItemChange] = {
    EventKind(f"item.{change.value}"): change for change in ItemChange
}
"""What each ``item.*`` event did to the item it carries."""


def touches_items(kinds: Collection[EventKind]) -> bool:
    """Whether any of ``kinds`` records a change of one of our items."""
    return not ITEM_KINDS.isdisjoint(kinds)


class ChangeFeed:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def prune(self, before: datetime) -> int:
        """Delete the events every consumer has passed that were appended before
        ``before`` (the newest stays); returns how many."""
        async with self._store.transaction() as repos:
            return await repos.events.prune(to_text(before))
