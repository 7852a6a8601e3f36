"""The federation ports, implemented over the node's store."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from federation.errors import QueueClosed
from federation.ports import DeliveryJob, InboundActivity, StoredKey
from node.clock import to_text
from node.storage import Store
from node.storage.database import DatabaseClosed


@asynccontextmanager
async def _recording() -> AsyncIterator[None]:
    """A delivery's outcome written as the node shuts down: the worker hears QueueClosed."""
    try:
        yield
    except DatabaseClosed as error:
        raise QueueClosed(str(error)) from error


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
        async with _recording(), self._store.transaction() as repos:
            await repos.outbox.postpone(job.id, to_text(when))

    async def failed(self, job: DeliveryJob, status: int | None, error: str, now: datetime) -> None:
        await self._settle(job, "failed", None, status, error, now)

    async def prune(self, job: DeliveryJob, status: int, now: datetime) -> None:
        async with _recording(), self._store.transaction() as repos:
            await repos.follows.remove_followers_at_inbox(job.inbox)
        await self._settle(job, "pruned", None, status, "inbox gone", now)

    async def _settle(
        self,
        job: DeliveryJob,
        state: str,
        when: datetime | None,
        status: int | None,
        error: str,
        now: datetime,
    ) -> None:
        async with _recording(), self._store.transaction() as repos:
            await repos.outbox.settle(
                job.id,
                state=state,
                attempts=job.attempts + 1,
                next_attempt_at=to_text(when) if when else None,
                status=status,
                error=error,
                now=to_text(now),
            )


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
    """federation.ports.InboxStore over the inbox_activities table.

    Group commit: activities that arrive while a transaction is writing wait and
    go together in the next one (at most ``batch``), so a busy inbox pays one
    transaction per batch instead of one per activity. Each caller still returns
    only after its row is committed (nothing is acknowledged before it is stored).
    """

    def __init__(
        self, store: Store, on_added: Callable[[], None] = lambda: None, *, batch: int = 100
    ) -> None:
        self._store = store
        self._on_added = on_added
        self._batch = batch
        self._waiting: list[tuple[InboundActivity, str, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def persist(self, activity: InboundActivity, received_at: datetime) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((activity, to_text(received_at), future))
        if self._writer is None:
            # Its own task, so a caller that goes away cannot strand the others.
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        group: list[tuple[InboundActivity, str, asyncio.Future[bool]]] = []
        try:
            while self._waiting:
                group, self._waiting = self._waiting[: self._batch], self._waiting[self._batch :]
                try:
                    async with self._store.single_statement() as repos:
                        added = await repos.inbox.add_many([(a, at) for a, at, _ in group])
                except Exception as error:  # every waiter of this group gets the failure
                    _fail(group, error)
                    continue
                for (_, _, future), new in zip(group, added, strict=True):
                    if not future.done():
                        future.set_result(new)
                if any(added):
                    self._on_added()
        except asyncio.CancelledError:  # stopped at shutdown: nobody waits in vain
            _fail(group + self._waiting, RuntimeError("the inbox store stopped"))
            self._waiting = []
            raise
        finally:
            self._writer = None


def _fail(group: list[tuple[InboundActivity, str, asyncio.Future[bool]]], error: Exception) -> None:
    for _, _, future in group:
        if not future.done():
            future.set_exception(error)


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
                await repos.trust.audit(
                    now, "system", "key.changed", key.owner, detail, "refetched from its origin"
                )
