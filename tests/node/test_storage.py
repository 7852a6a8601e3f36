"""The SQLite store: migrations from empty, WAL, foreign keys, one writer."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from node.domain.model import PrivateDetails
from node.storage import Store
from node.storage.database import migration_scripts
from schemas.vocab import Role


async def test_migrates_an_empty_database(tmp_path: Path) -> None:
    store = Store(tmp_path / "node.db")
    await store.open()
    await store.close()
    with sqlite3.connect(tmp_path / "node.db") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
        item_columns = {r[1] for r in conn.execute("PRAGMA table_info(items)")}
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"accounts", "api_tokens", "items", "item_private", "items_fts"} <= tables
    assert versions == [v for v, _ in migration_scripts()]
    assert {"latitude", "longitude", "radius_km", "status", "close_reason", "version"} <= (
        item_columns
    )
    assert "contact" not in item_columns, "personal data lives in item_private only"
    assert journal == "wal"


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    for _ in range(2):
        store = Store(tmp_path / "node.db")
        await store.open()
        await store.close()
    with sqlite3.connect(tmp_path / "node.db") as conn:
        count = conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
    assert count == len(migration_scripts())


async def test_reader_cannot_write_and_foreign_keys_hold(tmp_path: Path) -> None:
    store = Store(tmp_path / "node.db")
    await store.open()
    try:
        with pytest.raises(sqlite3.OperationalError):
            await store.database.reader.execute("DELETE FROM accounts")
        with pytest.raises(sqlite3.IntegrityError):
            async with store.transaction() as repos:
                await repos.items.save_private("no-such-item", PrivateDetails())
    finally:
        await store.close()


async def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "node.db")
    await store.open()
    try:
        with pytest.raises(RuntimeError):
            async with store.transaction() as repos:
                await repos.accounts.add_token("h", Role.ADMIN, None, "", "2026-01-01T00:00:00Z")
                raise RuntimeError("boom")
        assert await store.reader.accounts.token_by_hash("h") is None
    finally:
        await store.close()


async def test_concurrent_writers_are_serialised(tmp_path: Path) -> None:
    store = Store(tmp_path / "node.db")
    await store.open()
    try:

        async def add(n: int) -> None:
            async with store.transaction() as repos:
                await repos.accounts.add_token(f"h{n}", Role.ADMIN, None, "", "t")

        await asyncio.gather(*(add(n) for n in range(50)))
        rows = await store.database.reader.execute_fetchall("SELECT COUNT(*) FROM api_tokens")
        assert next(iter(rows))[0] == 50
    finally:
        await store.close()
