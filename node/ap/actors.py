"""Peers' actor documents: the database cache first, then one signed fetch."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from federation.errors import FetchError
from federation.fetch import RemoteFetcher
from federation.hosts import peer_host
from node.clock import Clock
from node.domain.records import RemoteActor
from schemas.wire.base import strict_id_of

ACTOR_TYPES = frozenset({"Person", "Group", "Organization", "Service", "Application"})


def parse_actor(document: dict[str, Any]) -> RemoteActor:
    """Read the parts of an actor document we rely on, or raise FetchError."""
    actor_id, inbox = strict_id_of(document.get("id")), strict_id_of(document.get("inbox"))
    types = document.get("type")
    type_list = types if isinstance(types, list) else [types]
    if actor_id is None or inbox is None or not ACTOR_TYPES.intersection(type_list):
        raise FetchError("not an actor document", reason="actor-malformed")
    if peer_host(inbox) != peer_host(actor_id):
        raise FetchError("the actor's inbox is on another host", reason="actor-malformed")
    endpoints = document.get("endpoints")
    shared = strict_id_of(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else None
    if shared is not None and peer_host(shared) != peer_host(actor_id):
        shared = None
    handle = document.get("preferredUsername")
    name = document.get("name")
    return RemoteActor(
        id=actor_id,
        host=peer_host(actor_id),
        inbox=inbox,
        shared_inbox=shared,
        handle=handle if isinstance(handle, str) else None,
        name=name if isinstance(name, str) else None,
        document=document,
    )


class ActorCache(Protocol):
    """Where peers' actor documents are kept (node.ap.ports.directories.StoreActors)."""

    async def cached(self, actor_id: str) -> RemoteActor | None: ...

    async def remember(self, actor: RemoteActor, now: datetime) -> None: ...


class ActorDirectory:
    def __init__(self, cache: ActorCache, fetcher: RemoteFetcher, clock: Clock) -> None:
        self._cache = cache
        self._fetcher = fetcher
        self._clock = clock

    async def get(self, actor_id: str, *, refresh: bool = False) -> RemoteActor:
        if not refresh:
            cached = await self._cache.cached(actor_id)
            if cached is not None:
                return cached
        result = await self._fetcher.fetch_object(actor_id)
        actor = parse_actor(result.document)
        await self.remember(actor)
        return actor

    async def remember(self, actor: RemoteActor) -> None:
        await self._cache.remember(actor, self._clock.now())
