"""The SQLite file: one write connection, one read-only connection, migrations.

Every write runs inside ``BEGIN IMMEDIATE`` on the single writer, serialised by
a lock, so "database is locked" cannot happen between our own writers.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger("solidarity.storage")

Row = sqlite3.Row
Params = Iterable[Any] | dict[str, Any]


async def _connect(path: Path, *, read_only: bool) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA busy_timeout = 5000")
    await conn.execute("PRAGMA foreign_keys = ON")
    # Deleted content is overwritten, not left in freed space (ON, not FAST: FAST keeps
    # what shares a page with live rows).
    await conn.execute("PRAGMA secure_delete = ON")
    if read_only:
        await conn.execute("PRAGMA query_only = ON")
    else:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def migration_scripts() -> list[tuple[int, str]]:
    """The bundled migrations, ``(version, sql)`` in order."""
    folder = resources.files("node.storage").joinpath("migrations")
    scripts = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            scripts.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(scripts)


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer release; older code must not touch it."""


def _connect_points(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 200")  # a WAL reader waits only in rare recoveries
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA query_only = ON")
    return conn


class DatabaseClosed(RuntimeError):
    """A write was asked of a database that is closed (or closed while it waited)."""


class Database:
    """Owns the connections to one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._points: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        self._writer = await _connect(self.path, read_only=False)
        await self._migrate(self._writer)
        self._reader = await _connect(self.path, read_only=True)
        self._points = _connect_points(self.path)

    async def applied_versions(self) -> list[int]:
        async with self.reader.execute("SELECT version FROM schema_migrations") as cursor:
            return sorted(row[0] for row in await cursor.fetchall())

    async def close(self) -> None:
        """Close after the write transaction in progress, if any, has ended."""
        async with self._lock:
            for conn in (self._reader, self._writer):
                if conn is not None:
                    await conn.close()
            if self._points is not None:
                self._points.close()
            self._reader = self._writer = self._points = None

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader

    @property
    def points(self) -> sqlite3.Connection:
        """A read-only connection used synchronously, on the event loop's own thread, for
        point lookups through an index (a peer's trust level on every inbound activity):
        such a query costs less than a trip to the reader's thread, and a WAL reader never
        waits for the writer. Never for scans or anything that grows with the data."""
        if self._points is None:
            raise RuntimeError("database is not open")
        return self._points

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT`` or ``ROLLBACK``."""
        async with self._lock:
            writer = self._open_writer()
            await writer.execute("BEGIN IMMEDIATE")
            try:
                yield writer
            except BaseException:
                await writer.execute("ROLLBACK")
                raise
            await writer.execute("COMMIT")

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[aiosqlite.Connection]:
        """The writer, under the same lock, outside an explicit transaction: for a write
        that is a single statement, which SQLite makes atomic by itself. One trip to the
        writer's thread instead of three (``BEGIN``, the statement, ``COMMIT``)."""
        async with self._lock:
            yield self._open_writer()

    async def truncate_log(self, attempts: int = 20, pause: float = 0.05) -> bool:
        """Copy the write-ahead log into the database and empty it, so content deleted
        since (and the old page versions that still hold it) leaves the log file. A
        reader in the middle of a query keeps the log busy: try again, ``attempts``
        times. True once the log is empty."""
        for _ in range(attempts):
            async with self._lock:
                cursor = await self._open_writer().execute("PRAGMA wal_checkpoint(TRUNCATE)")
                row = await cursor.fetchone()
                await cursor.close()
            if row is not None and row[0] == 0:
                return True
            await asyncio.sleep(pause)
        log.warning("wal checkpoint busy reason=log-not-truncated attempts=%d", attempts)
        return False

    def _open_writer(self) -> aiosqlite.Connection:
        """The writer, checked under the lock: ``close`` may have run while we waited."""
        if self._writer is None:
            raise DatabaseClosed("database is not open")
        return self._writer

    async def _migrate(self, conn: aiosqlite.Connection) -> None:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        async with conn.execute("SELECT version FROM schema_migrations") as cursor:
            applied = {row[0] for row in await cursor.fetchall()}
        known = {version for version, _ in migration_scripts()}
        if applied - known:
            raise SchemaTooNew(
                f"{self.path} has schema version {max(applied)}, newer than this software"
                f" knows ({max(known)}): upgrade solidarity-node before opening it"
            )
        for version, sql in migration_scripts():
            if version in applied:
                continue
            log.info("applying migration %04d", version)
            # executescript commits first; wrap the script in its own transaction.
            script = (
                f"BEGIN IMMEDIATE;\n{sql}\n"
                f"INSERT INTO schema_migrations (version) VALUES ({version});\nCOMMIT;"
            )
            try:
                await conn.executescript(script)
            except sqlite3.Error:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise


# One trip to the connection's thread per query (execute, fetch and close together):
# a cursor's execute, fetch and close are three, and each trip costs about as much
# as a simple query.


async def fetch_all(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> list[Row]:
    return list(await conn.execute_fetchall(sql, params))


async def fetch_one(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> Row | None:
    """The first row of a query that selects one row (by key, or an aggregate)."""
    rows = list(await conn.execute_fetchall(sql, params))
    return rows[0] if rows else None
