"""Peers' actors and software, and who an outbound activity goes to, over the node's store.

The caches (``StoreActors``, ``StoreSoftware``) read on the read-only connection
and write in a transaction of their own. ``StoreAudience`` reads in the caller's
write transaction, so an activity is addressed from what that transaction sees.
"""

from __future__ import annotations

from datetime import datetime

from node.clock import to_text
from node.storage import Repositories, Store
from node.storage.follows import Follower
from node.storage.peers import RemoteActor


class StoreActors:
    """node.ap.actors.ActorCache over the remote_actors table."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def cached(self, actor_id: str) -> RemoteActor | None:
        return await self._store.reader.peers.actor(actor_id)

    async def remember(self, actor: RemoteActor, now: datetime) -> None:
        async with self._store.transaction() as repos:
            await repos.peers.save_actor(actor, to_text(now))


class StoreSoftware:
    """node.ap.software.SoftwareCache over the peer_software table."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def known(self, host: str) -> str | None:
        return await self._store.reader.peers.software(host)

    async def remember(self, host: str, name: str, version: str, now: datetime) -> None:
        async with self._store.transaction() as repos:
            await repos.peers.save_software(host, name, version, to_text(now))


class StoreAudience:
    """node.ap.outbox.Audience: followers, peers' software and inboxes, read in ``tx``."""

    async def accepted_followers(self, tx: Repositories) -> list[Follower]:
        return await tx.follows.accepted_followers()

    async def software(self, tx: Repositories, host: str) -> str | None:
        return await tx.peers.software(host)

    async def actor_inbox(self, tx: Repositories, actor_id: str) -> str | None:
        actor = await tx.peers.actor(actor_id)
        return actor.inbox if actor else None
