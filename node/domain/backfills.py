"""Catching up on a subscription: which entries of a peer's outbox page we keep.

The outbox is newest first, so the first entry seen for an object decides: a
Delete leaves a tombstone (an older Create cannot bring it back) and a newer
Update's state wins. An item is kept while it is open, not yet over, and inside
our subscription's filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from node.domain.subscriptions import SubscriptionFilter
from node.storage import Repositories
from node.storage.remote_items import RemoteItem

OPEN = ("open", "partly-committed")


@dataclass(frozen=True)
class OutboxEntry:
    """One object of a peer's outbox page: the item its Create or Update carries, or
    ``None`` for a Delete."""

    object_id: str
    item: RemoteItem | None


async def keep_page(
    repos: Repositories, actor: str, entries: Sequence[OutboxEntry], now: str
) -> int:
    """Store what ``actor``'s page (newest first) tells us; returns the items stored."""
    followee = await repos.follows.following(actor)
    keep = SubscriptionFilter.from_json(followee.filters if followee else "{}")
    stored = 0
    for entry in entries:
        if await repos.remote_items.get(entry.object_id) is not None:
            continue  # a newer activity for this object was applied already
        item = entry.item
        if item is None:
            await repos.remote_items.upsert_tombstone(entry.object_id, actor, now)
            continue
        if item.status not in OPEN or not keep.keeps(item):
            continue
        if item.ends_at is not None and item.ends_at <= now:
            continue
        await repos.remote_items.upsert(item, now)
        stored += 1
    return stored
