"""Repository for backfills: catching up on a new subscription, page by page."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from node.storage.database import fetch_one


@dataclass(frozen=True)
class Backfill:
    actor_id: str
    next_page: str | None
    pages_done: int
    items_seen: int
    state: str
    last_error: str = ""


class BackfillRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def start(self, actor_id: str, first_page: str | None, now: str) -> None:
        await self._conn.execute(
            "INSERT INTO backfills (actor_id, next_page, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (actor_id) DO UPDATE SET next_page = excluded.next_page,"
            " pages_done = 0, items_seen = 0, state = 'pending', last_error = '',"
            " updated_at = excluded.updated_at",
            (actor_id, first_page, now),
        )

    async def next_pending(self) -> Backfill | None:
        row = await fetch_one(
            self._conn,
            "SELECT actor_id, next_page, pages_done, items_seen, state, last_error"
            " FROM backfills WHERE state = 'pending' ORDER BY updated_at LIMIT 1",
        )
        return Backfill(**dict(row)) if row else None

    async def get(self, actor_id: str) -> Backfill | None:
        row = await fetch_one(
            self._conn,
            "SELECT actor_id, next_page, pages_done, items_seen, state, last_error"
            " FROM backfills WHERE actor_id = ?",
            (actor_id,),
        )
        return Backfill(**dict(row)) if row else None

    async def advance(self, backfill: Backfill, now: str) -> None:
        await self._conn.execute(
            "UPDATE backfills SET next_page = ?, pages_done = ?, items_seen = ?, state = ?,"
            " last_error = ?, updated_at = ? WHERE actor_id = ?",
            (
                backfill.next_page,
                backfill.pages_done,
                backfill.items_seen,
                backfill.state,
                backfill.last_error,
                now,
                backfill.actor_id,
            ),
        )
