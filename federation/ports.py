"""What the federation layer needs from the application, as typing Protocols.

``node/`` implements these over its storage and injects them, the way a
Fedify app registers its dispatchers: federation/ never imports node/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class StoredKey:
    key_id: str
    owner: str
    public_pem: str


class KeyStore(Protocol):
    """A cache of peers' public keys."""

    async def get_key(self, key_id: str) -> StoredKey | None: ...

    async def put_key(self, key: StoredKey, fetched_at: datetime) -> None: ...


@dataclass(frozen=True)
class InboundActivity:
    """A verified activity, ready to be persisted before the 202."""

    inbox: str
    activity_id: str
    actor_id: str
    type: str
    body: str
    key_id: str


class InboxStore(Protocol):
    async def persist(self, activity: InboundActivity, received_at: datetime) -> bool:
        """Store the activity; False when (inbox, activity id) was seen before."""
        ...


@dataclass(frozen=True)
class DeliveryJob:
    id: int
    inbox: str
    host: str
    activity_id: str
    body: bytes
    attempts: int
    created_at: datetime


class DeliveryStore(Protocol):
    async def claim_due(self, now: datetime, limit: int, lock_until: datetime) -> list[DeliveryJob]:
        """Lock and return up to ``limit`` deliveries whose time has come."""
        ...

    async def delivered(self, job: DeliveryJob, status: int, now: datetime) -> None: ...

    async def retry_at(
        self, job: DeliveryJob, when: datetime, status: int | None, error: str, now: datetime
    ) -> None: ...

    async def postpone(self, job: DeliveryJob, when: datetime) -> None:
        """Move a delivery later without counting an attempt (circuit open)."""
        ...

    async def failed(
        self, job: DeliveryJob, status: int | None, error: str, now: datetime
    ) -> None: ...

    async def prune(self, job: DeliveryJob, status: int, now: datetime) -> None:
        """The inbox is gone (404/410): drop the follower behind it."""
        ...


class SchemeStore(Protocol):
    """Which HTTP signature scheme each origin accepts (double-knocking memory)."""

    async def scheme_for(self, origin: str) -> str | None: ...

    async def remember(self, origin: str, scheme: str, now: datetime) -> None: ...
