"""Closing the store as the node shuts down: a write transaction in progress ends
first, a write asked for after is refused with a clear error, and a delivery whose
outcome cannot be recorded any more is left to its lease (nothing lost, nothing raised)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from federation.errors import QueueClosed
from federation.ports import DeliveryJob
from node.ap.ports import StoreDeliveries
from node.storage import Store
from node.storage.database import Database, DatabaseClosed

NOW = datetime(2026, 12, 1, tzinfo=UTC)


async def test_close_lets_the_transaction_in_progress_commit(tmp_path: Path) -> None:
    database = Database(tmp_path / "node.db")
    await database.open()
    inside, go_on = asyncio.Event(), asyncio.Event()

    async def write() -> None:
        async with database.write() as conn:
            inside.set()
            await go_on.wait()
            await conn.execute("CREATE TABLE kept (x)")

    writing = asyncio.create_task(write())
    await inside.wait()
    closing = asyncio.create_task(database.close())
    go_on.set()
    await writing  # committed, not cut off by the close
    await closing
    with sqlite3.connect(tmp_path / "node.db") as check:
        tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
    assert "kept" in tables


async def test_a_write_after_close_is_refused_clearly(tmp_path: Path) -> None:
    database = Database(tmp_path / "node.db")
    await database.open()
    await database.close()
    with pytest.raises(DatabaseClosed):
        async with database.write():
            pass


async def test_a_delivery_outcome_after_close_is_queue_closed(tmp_path: Path) -> None:
    store = Store(tmp_path / "node.db")
    await store.open()
    await store.close()
    job = DeliveryJob(1, "https://peer.test/inbox", "peer.test", "a", b"{}", 0, NOW)
    with pytest.raises(QueueClosed):
        await StoreDeliveries(store).retry_at(job, NOW, None, "network-error", NOW)
