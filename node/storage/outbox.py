"""Repository for our outbox: published activities and their delivery rows."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from federation.ports import DeliveryJob
from node.clock import from_text
from node.storage.database import fetch_all, fetch_one


@dataclass(frozen=True)
class StoredActivity:
    seq: int
    id: str
    type: str
    body: str


@dataclass(frozen=True)
class HostDeliveries:
    host: str
    pending: int
    retrying: int
    failed: int
    delivered: int
    next_attempt_at: str | None
    last_delivered_at: str | None
    last_error: str | None


class OutboxRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add_activity(
        self,
        activity_id: str,
        type_: str,
        object_id: str | None,
        public: bool,
        body: str,
        now: str,
    ) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO outbox_activities (id, type, object_id, public, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (activity_id, type_, object_id, int(public), body, now),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def add_deliveries(self, seq: int, inboxes: list[tuple[str, str]], now: str) -> None:
        await self._conn.executemany(
            "INSERT INTO deliveries (activity_seq, inbox, host, next_attempt_at, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(seq, inbox, host, now, now, now) for inbox, host in inboxes],
        )

    async def activity(self, activity_id: str) -> StoredActivity | None:
        row = await fetch_one(
            self._conn,
            "SELECT seq, id, type, body FROM outbox_activities WHERE id = ? AND public = 1",
            (activity_id,),
        )
        return StoredActivity(**dict(row)) if row else None

    async def public_page(self, before: int | None, limit: int) -> list[StoredActivity]:
        rows = await fetch_all(
            self._conn,
            "SELECT seq, id, type, body FROM outbox_activities WHERE public = 1"
            " AND (:before IS NULL OR seq < :before) ORDER BY seq DESC LIMIT :limit",
            {"before": before, "limit": limit},
        )
        return [StoredActivity(**dict(row)) for row in rows]

    async def count_public(self) -> int:
        row = await fetch_one(self._conn, "SELECT COUNT(*) FROM outbox_activities WHERE public = 1")
        return int(row[0]) if row else 0

    async def claim_due(self, now: str, limit: int, lock_until: str) -> list[DeliveryJob]:
        rows = await fetch_all(
            self._conn,
            "UPDATE deliveries SET locked_until = :lock WHERE id IN (SELECT id FROM deliveries"
            " WHERE state = 'pending' AND next_attempt_at <= :now"
            " AND (locked_until IS NULL OR locked_until <= :now) ORDER BY next_attempt_at, id"
            " LIMIT :limit) RETURNING id, activity_seq, inbox, host, attempts, created_at",
            {"now": now, "limit": limit, "lock": lock_until},
        )
        jobs = []
        for row in rows:
            activity = await fetch_one(
                self._conn,
                "SELECT id, body FROM outbox_activities WHERE seq = ?",
                (row["activity_seq"],),
            )
            assert activity is not None
            jobs.append(
                DeliveryJob(
                    id=row["id"],
                    inbox=row["inbox"],
                    host=row["host"],
                    activity_id=activity["id"],
                    body=activity["body"].encode(),
                    attempts=row["attempts"],
                    created_at=from_text(row["created_at"]),
                )
            )
        return sorted(jobs, key=lambda job: job.id)

    async def settle(
        self,
        job_id: int,
        *,
        state: str,
        attempts: int,
        next_attempt_at: str | None,
        status: int | None,
        error: str,
        now: str,
    ) -> None:
        await self._conn.execute(
            "UPDATE deliveries SET state = ?, attempts = ?,"
            " next_attempt_at = COALESCE(?, next_attempt_at), locked_until = NULL,"
            " last_status = ?, last_error = ?, updated_at = ? WHERE id = ?",
            (state, attempts, next_attempt_at, status, error, now, job_id),
        )

    async def postpone(self, job_id: int, when: str) -> None:
        await self._conn.execute(
            "UPDATE deliveries SET next_attempt_at = ?, locked_until = NULL WHERE id = ?",
            (when, job_id),
        )

    async def fail_pending_for_host(self, host: str, now: str) -> None:
        await self._conn.execute(
            "UPDATE deliveries SET state = 'failed', last_error = 'peer-blocked',"
            " locked_until = NULL, updated_at = ? WHERE state = 'pending'"
            " AND (host = ? OR host LIKE ?)",
            (now, host, f"%.{host}"),
        )

    async def delivery_states_by_host(self) -> list[tuple[str, str, int]]:
        rows = await fetch_all(
            self._conn,
            "SELECT host, state, COUNT(*) AS n FROM deliveries"
            " WHERE state IN ('pending', 'failed') GROUP BY host, state ORDER BY host",
        )
        return [(row["host"], row["state"], row["n"]) for row in rows]

    async def delivery_states(self) -> dict[str, int]:
        rows = await fetch_all(
            self._conn, "SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state"
        )
        return {row["state"]: row["n"] for row in rows}

    async def delivery_health_by_host(self) -> list[HostDeliveries]:
        """Per peer host: deliveries waiting, retrying, failed and delivered, and the
        latest error (the admin's delivery health page)."""
        rows = await fetch_all(
            self._conn,
            "SELECT host, SUM(state = 'pending') AS pending,"
            " SUM(state = 'pending' AND attempts > 0) AS retrying,"
            " SUM(state = 'failed') AS failed, SUM(state = 'delivered') AS delivered,"
            " MIN(CASE WHEN state = 'pending' THEN next_attempt_at END) AS next_attempt_at,"
            " MAX(CASE WHEN state = 'delivered' THEN updated_at END) AS last_delivered_at,"
            " (SELECT d2.last_error FROM deliveries d2 WHERE d2.host = d.host"
            "  AND d2.last_error IS NOT NULL AND d2.last_error != ''"
            "  ORDER BY d2.updated_at DESC, d2.id DESC LIMIT 1) AS last_error"
            " FROM deliveries d GROUP BY host ORDER BY host",
        )
        return [HostDeliveries(**dict(row)) for row in rows]
