"""All SQL of the node lives in this package, one repository per aggregate.

``Store.reader`` gives repositories on the read-only connection;
``Store.points`` answers a few indexed lookups synchronously on a third one;
``Store.transaction()`` gives the same repositories on the single writer,
inside one ``BEGIN IMMEDIATE`` transaction.

The change feed (``events``): the write methods of the items, remote items, claims
and trust repositories append an event in the transaction of the change, so no
caller can forget one and no event exists for a change rolled back. Consumers read
the events after their durable cursor and advance it with their own writes: the
outbox publisher (our items' changes become activities and delivery rows) and the
notification scanner; the matching index rebuilds when the last event id moved.
After a transaction that appended events commits, the store calls its ``after_commit``
hooks with the kinds appended (the publisher steps at once, so an API call returns
with its deliveries queued). Ids are assigned in commit order because SQLite has
one writer; on PostgreSQL, appending must take a transaction-level advisory lock
(``pg_advisory_xact_lock``) or bump a single-row counter, so that no id commits after
a larger one a cursor has already passed. Events every cursor passed and older than
``queue_retention_days`` are pruned. Nothing here rests on SQLite's ``data_version``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from node.storage.accounts import AccountRepository
from node.storage.backfills import BackfillRepository
from node.storage.claims import ClaimRepository
from node.storage.database import Database
from node.storage.events import EventKind, EventRepository
from node.storage.feed import FeedRepository
from node.storage.follows import FollowRepository
from node.storage.inbox import InboxRepository
from node.storage.items import ItemRepository
from node.storage.notice_sources import NoticeSourceRepository
from node.storage.notifications import NotificationRepository
from node.storage.outbox import OutboxRepository
from node.storage.peers import PeerRepository
from node.storage.remote_items import RemoteItemRepository
from node.storage.trust import TrustPoints, TrustRepository


class Repositories:
    """The repositories bound to one connection."""

    def __init__(self, conn: aiosqlite.Connection, now: Callable[[], datetime]) -> None:
        self.events = EventRepository(conn, now)
        self.items = ItemRepository(conn, self.events)
        self.accounts = AccountRepository(conn)
        self.peers = PeerRepository(conn)
        self.follows = FollowRepository(conn)
        self.inbox = InboxRepository(conn)
        self.outbox = OutboxRepository(conn)
        self.remote_items = RemoteItemRepository(conn, self.events)
        self.trust = TrustRepository(conn, self.events)
        self.claims = ClaimRepository(conn, self.events)
        self.feed = FeedRepository(conn)
        self.backfills = BackfillRepository(conn)
        self.notifications = NotificationRepository(conn)
        self.notice_sources = NoticeSourceRepository(conn)


class PointReads:
    """Lookups answered synchronously (see ``Database.points``): only point reads."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.trust = TrustPoints(conn)


def _utc_now() -> datetime:
    return datetime.now(UTC)


CommitHook = Callable[[frozenset[EventKind]], Awaitable[None]]


class Store:
    """``now`` stamps the events (the node's clock, so tests drive their pruning)."""

    def __init__(self, path: Path, now: Callable[[], datetime] = _utc_now) -> None:
        self.database = Database(path)
        self._now = now
        self._reader: Repositories | None = None
        self._points: PointReads | None = None
        self._hooks: list[CommitHook] = []

    def after_commit(self, hook: CommitHook) -> None:
        """Call ``hook`` with the kinds appended after every transaction that appended
        events has committed (the caller of ``transaction()`` awaits it)."""
        self._hooks.append(hook)

    async def open(self) -> None:
        await self.database.open()
        self._reader = Repositories(self.database.reader, self._now)
        self._points = PointReads(self.database.points)

    async def close(self) -> None:
        await self.database.close()
        self._reader = self._points = None

    async def truncate_log(self) -> bool:
        """Empty the write-ahead log (after deleting personal data)."""
        return await self.database.truncate_log()

    @property
    def points(self) -> PointReads:
        if self._points is None:
            raise RuntimeError("store is not open")
        return self._points

    @property
    def reader(self) -> Repositories:
        if self._reader is None:
            raise RuntimeError("store is not open")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repositories]:
        async with self.database.write() as conn:
            repos = Repositories(conn, self._now)
            yield repos
        if repos.events.appended:
            kinds = frozenset(repos.events.appended)
            for hook in self._hooks:
                await hook(kinds)

    @asynccontextmanager
    async def single_statement(self) -> AsyncIterator[Repositories]:
        """The writer's repositories for one call that runs a single statement (atomic
        by itself, see ``Database.autocommit``), such as ``inbox.add_many``."""
        async with self.database.autocommit() as conn:
            yield Repositories(conn, self._now)


__all__ = ["PointReads", "Repositories", "Store"]
