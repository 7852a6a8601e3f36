"""What the node's ActivityPub endpoints serve, over the node's store: our items as
objects, the public outbox and its activities, the follower and following collections, and whether a
host follows us (which decides what its signed fetches may read).

Reads only, on the read-only connection.
"""

from __future__ import annotations

from typing import Literal

from node.domain.model import Item
from node.storage import Store
from node.storage.outbox import StoredActivity
from schemas.vocab import Purpose

Collection = Literal["followers", "following"]


class StorePublication:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def item(self, purpose: Purpose, item_id: str) -> Item | None:
        """One of our items in any state (the route decides what it may show)."""
        return await self._store.reader.items.get(item_id, purpose)

    async def public_activity_count(self) -> int:
        return await self._store.reader.outbox.count_public()

    async def public_activities(self, before: int | None, limit: int) -> list[StoredActivity]:
        """Public activities, newest first, below sequence number ``before``."""
        return await self._store.reader.outbox.public_page(before, limit)

    async def activity(self, activity_id: str) -> StoredActivity | None:
        return await self._store.reader.outbox.activity(activity_id)

    async def actor_count(self, which: Collection) -> int:
        follows = self._store.reader.follows
        if which == "followers":
            return await follows.count_followers()
        return await follows.count_following()

    async def actor_page(self, which: Collection, offset: int, limit: int) -> list[str]:
        follows = self._store.reader.follows
        if which == "followers":
            return await follows.follower_page(offset, limit)
        return await follows.following_page(offset, limit)

    async def has_follower_on(self, host: str) -> bool:
        return await self._store.reader.follows.has_follower_on(host)
