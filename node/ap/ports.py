"""The federation ports, implemented over the node's store."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from federation.ports import DeliveryJob, InboundActivity, StoredKey
from node.clock import to_text
from node.storage import Store


class StoreDeliveries:
    """federation.ports.DeliveryStore over the deliveries table."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def claim_due(self, now: datetime, limit: int, lock_until: datetime) -> list[DeliveryJob]:
        async with self._store.transaction() as repos:
            return await repos.outbox.claim_due(to_text(now), limit, to_text(lock_until))

    async def delivered(self, job: DeliveryJob, status: int, now: datetime) -> None:
        await self._settle(job, "delivered", None, status, "", now)

    async def retry_at(
        self, job: DeliveryJob, when: datetime, status: int | None, error: str, now: datetime
    ) -> None:
        await self._settle(job, "pending", when, status, error, now)

    async def postpone(self, job: DeliveryJob, when: datetime) -> None:
        async with self._store.transaction() as repos:
            await repos.outbox.postpone(job.id, to_text(when))

    async def failed(self, job: DeliveryJob, status: int | None, error: str, now: datetime) -> None:
        await self._settle(job, "failed", None, status, error, now)

    async def prune(self, job: DeliveryJob, status: int, now: datetime) -> None:
        async with self._store.transaction() as repos:
            await repos.follows.remove_followers_at_inbox(job.inbox)
        await self._settle(job, "pruned", None, status, "inbox gone", now)

    async def _settle(
        self, job: DeliveryJob, state: str, when: datetime | None, status: int | None,
        error: str, now: datetime,
    ) -> None:  # fmt: skip
        async with self._store.transaction() as repos:
            await repos.outbox.settle(
                job.id, state=state, attempts=job.attempts + 1,
                next_attempt_at=to_text(when) if when else None, status=status, error=error,
                now=to_text(now),
            )  # fmt: skip


class StoreSchemes:
    """federation.ports.SchemeStore over the signature_schemes table."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def scheme_for(self, origin: str) -> str | None:
        return await self._store.reader.peers.scheme(origin)

    async def remember(self, origin: str, scheme: str, now: datetime) -> None:
        async with self._store.transaction() as repos:
            await repos.peers.save_scheme(origin, scheme, to_text(now))


class StoreInbox:
    """federation.ports.InboxStore over the inbox_activities table."""

    def __init__(self, store: Store, on_added: Callable[[], None] = lambda: None) -> None:
        self._store = store
        self._on_added = on_added

    async def persist(self, activity: InboundActivity, received_at: datetime) -> bool:
        async with self._store.transaction() as repos:
            added = await repos.inbox.add(activity, to_text(received_at))
        if added:
            self._on_added()
        return added


class StoreKeys:
    """federation.ports.KeyStore over the remote_keys table."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def get_key(self, key_id: str) -> StoredKey | None:
        return await self._store.reader.peers.key(key_id)

    async def put_key(self, key: StoredKey, fetched_at: datetime) -> None:
        """Cache the key and its fingerprint; a changed fingerprint is an audited event."""
        now = to_text(fetched_at)
        fingerprint = hashlib.sha256(key.public_pem.strip().encode()).hexdigest()
        async with self._store.transaction() as repos:
            await repos.peers.save_key(key, now)
            if await repos.trust.record_fingerprint(key.key_id, fingerprint, now):
                detail = {"key_id": key.key_id, "fingerprint": fingerprint}
                await repos.trust.audit(now, "system", "key.changed", key.owner, detail,
                                        "refetched from its origin")  # fmt: skip
