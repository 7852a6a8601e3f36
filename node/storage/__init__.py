"""All SQL of the node lives in this package, one repository per aggregate.

``Store.reader`` gives repositories on the read-only connection;
``Store.points`` answers a few indexed lookups synchronously on a third one;
``Store.transaction()`` gives the same repositories on the single writer,
inside one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from node.storage.accounts import AccountRepository
from node.storage.backfills import BackfillRepository
from node.storage.claims import ClaimRepository
from node.storage.database import Database
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

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.items = ItemRepository(conn)
        self.accounts = AccountRepository(conn)
        self.peers = PeerRepository(conn)
        self.follows = FollowRepository(conn)
        self.inbox = InboxRepository(conn)
        self.outbox = OutboxRepository(conn)
        self.remote_items = RemoteItemRepository(conn)
        self.trust = TrustRepository(conn)
        self.claims = ClaimRepository(conn)
        self.feed = FeedRepository(conn)
        self.backfills = BackfillRepository(conn)
        self.notifications = NotificationRepository(conn)
        self.notice_sources = NoticeSourceRepository(conn)


class PointReads:
    """Lookups answered synchronously (see ``Database.points``): only point reads."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.trust = TrustPoints(conn)


class Store:
    def __init__(self, path: Path) -> None:
        self.database = Database(path)
        self._reader: Repositories | None = None
        self._points: PointReads | None = None

    async def open(self) -> None:
        await self.database.open()
        self._reader = Repositories(self.database.reader)
        self._points = PointReads(self.database.points)

    async def close(self) -> None:
        await self.database.close()
        self._reader = self._points = None

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

    async def data_version(self) -> int:
        """Changes whenever another connection commits (SQLite's ``data_version``)."""
        async with self.database.reader.execute("PRAGMA data_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repositories]:
        async with self.database.write() as conn:
            yield Repositories(conn)

    @asynccontextmanager
    async def single_statement(self) -> AsyncIterator[Repositories]:
        """The writer's repositories for one call that runs a single statement (atomic
        by itself, see ``Database.autocommit``), such as ``inbox.add_many``."""
        async with self.database.autocommit() as conn:
            yield Repositories(conn)


__all__ = ["PointReads", "Repositories", "Store"]
