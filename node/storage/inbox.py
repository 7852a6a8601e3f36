"""Repository for the inbound activity queue: rows before 202, then processed."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from federation.ports import InboundActivity
from node.storage.database import fetch_all


@dataclass(frozen=True)
class QueuedActivity:
    id: int
    inbox: str
    activity_id: str
    actor_id: str
    type: str
    body: str
    attempts: int
    received_at: str


class InboxRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(self, activity: InboundActivity, now: str) -> bool:
        cursor = await self._conn.execute(
            "INSERT INTO inbox_activities (inbox, activity_id, actor_id, type, body, key_id,"
            " received_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (inbox, activity_id) DO NOTHING",
            (
                activity.inbox,
                activity.activity_id,
                activity.actor_id,
                activity.type,
                activity.body,
                activity.key_id,
                now,
                now,
            ),
        )
        return cursor.rowcount == 1

    async def add_many(self, activities: list[tuple[InboundActivity, str]]) -> list[bool]:
        """Insert several rows in one statement; True for each that was new. Of two
        with the same inbox and id, the first counts as new (as separate adds would)."""
        if not activities:
            return []
        marks = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?)" for _ in activities)
        params: list[str] = []
        for activity, now in activities:
            params += [
                activity.inbox,
                activity.activity_id,
                activity.actor_id,
                activity.type,
                activity.body,
                activity.key_id,
                now,
                now,
            ]
        rows = await fetch_all(
            self._conn,
            "INSERT INTO inbox_activities (inbox, activity_id, actor_id, type, body, key_id,"  # noqa: S608
            f" received_at, next_attempt_at) VALUES {marks}"
            " ON CONFLICT (inbox, activity_id) DO NOTHING RETURNING inbox, activity_id",
            params,
        )
        new = {(row["inbox"], row["activity_id"]) for row in rows}
        added = []
        for activity, _ in activities:
            key = (activity.inbox, activity.activity_id)
            added.append(key in new)
            new.discard(key)
        return added

    async def claim_due(self, now: str, limit: int, lock_until: str) -> list[QueuedActivity]:
        rows = await fetch_all(
            self._conn,
            "UPDATE inbox_activities SET locked_until = :lock, attempts = attempts + 1"
            " WHERE id IN (SELECT id FROM inbox_activities WHERE state = 'received'"
            " AND next_attempt_at <= :now AND (locked_until IS NULL OR locked_until <= :now)"
            " ORDER BY id LIMIT :limit)"
            " RETURNING id, inbox, activity_id, actor_id, type, body, attempts, received_at",
            {"now": now, "limit": limit, "lock": lock_until},
        )
        return sorted((QueuedActivity(**dict(row)) for row in rows), key=lambda a: a.id)

    async def finish(self, row_id: int, state: str, outcome: str) -> None:
        await self._conn.execute(
            "UPDATE inbox_activities SET state = ?, outcome = ?, locked_until = NULL WHERE id = ?",
            (state, outcome, row_id),
        )

    async def retry_at(self, row_id: int, when: str, outcome: str) -> None:
        await self._conn.execute(
            "UPDATE inbox_activities SET next_attempt_at = ?, outcome = ?, locked_until = NULL"
            " WHERE id = ?",
            (when, outcome, row_id),
        )

    async def states(self) -> dict[str, int]:
        rows = await fetch_all(
            self._conn, "SELECT state, COUNT(*) AS n FROM inbox_activities GROUP BY state"
        )
        return {row["state"]: row["n"] for row in rows}

    async def outcomes(self) -> dict[str, str]:
        """activity id → outcome, for tests and the admin view."""
        rows = await fetch_all(
            self._conn, "SELECT activity_id, state, outcome FROM inbox_activities"
        )
        return {row["activity_id"]: f"{row['state']}:{row['outcome']}" for row in rows}
