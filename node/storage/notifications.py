"""Repository for notifications: preferences, the in-app list, webhook endpoints,
outbound deliveries (email, digest, webhook) with their attempts, and scanner state."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

import aiosqlite

from node.storage.database import fetch_all, fetch_one
from node.storage.notification_rows import (
    AttemptRow,
    DeliveryRow,
    EndpointRow,
    NotificationRow,
    PreferencesRow,
    Recipient,
    delivery_of,
    endpoint_of,
    prefs_of,
)

# Column lists, in the records' field order.
_PREFS = [f.name for f in fields(PreferencesRow)]
_NOTES = [f.name for f in fields(NotificationRow)]
_ENDPOINTS = [f.name for f in fields(EndpointRow)]
_DELIVERIES = [f.name for f in fields(DeliveryRow)]


class NotificationRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # -- recipients and preferences ------------------------------------------

    async def recipients(self) -> list[Recipient]:
        rows = await fetch_all(
            self._conn,
            "SELECT id, username, role FROM accounts WHERE disabled_at IS NULL ORDER BY id",
        )
        return [Recipient(**dict(row)) for row in rows]

    async def recipient(self, account_id: int) -> Recipient | None:
        row = await fetch_one(
            self._conn,
            "SELECT id, username, role FROM accounts WHERE id = ? AND disabled_at IS NULL",
            (account_id,),
        )
        return Recipient(**dict(row)) if row else None

    async def preferences(self, account_id: int) -> PreferencesRow | None:
        row = await fetch_one(
            self._conn,
            f"SELECT {', '.join(_PREFS)} FROM notification_preferences"  # noqa: S608
            " WHERE account_id = ?",
            (account_id,),
        )
        return prefs_of(row) if row else None

    async def all_preferences(self) -> dict[int, PreferencesRow]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_PREFS)} FROM notification_preferences",  # noqa: S608
        )
        return {row["account_id"]: prefs_of(row) for row in rows}

    async def save_preferences(self, prefs: PreferencesRow) -> None:
        values: dict[str, Any] = {name: getattr(prefs, name) for name in _PREFS}
        values.update(
            events=json.dumps(prefs.events),
            channels=json.dumps(prefs.channels),
            digest=int(prefs.digest),
        )
        sets = ", ".join(f"{name} = excluded.{name}" for name in _PREFS if name != "account_id")
        await self._conn.execute(
            f"INSERT INTO notification_preferences ({', '.join(_PREFS)})"  # noqa: S608
            f" VALUES ({', '.join(':' + n for n in _PREFS)})"
            f" ON CONFLICT (account_id) DO UPDATE SET {sets}",
            values,
        )

    # -- the in-app list -----------------------------------------------------

    async def add_notification(
        self, account_id: int, event_key: str, kind: str, data: dict[str, Any], now: str
    ) -> bool:
        """Insert unless this account already has this event; True when inserted."""
        cursor = await self._conn.execute(
            "INSERT INTO notifications (account_id, event_key, kind, data, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, event_key) DO NOTHING",
            (account_id, event_key, kind, json.dumps(data, sort_keys=True), now),
        )
        return cursor.rowcount == 1

    async def notifications(
        self, account_id: int, *, unread_only: bool, before: int | None, limit: int
    ) -> list[NotificationRow]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_NOTES)} FROM notifications WHERE account_id = :account"  # noqa: S608
            " AND (:unread = 0 OR read_at IS NULL) AND (:before IS NULL OR id < :before)"
            " ORDER BY id DESC LIMIT :limit",
            {"account": account_id, "unread": int(unread_only), "before": before, "limit": limit},
        )
        return [NotificationRow(**{**dict(r), "data": json.loads(r["data"])}) for r in rows]

    async def unread_count(self, account_id: int) -> int:
        row = await fetch_one(
            self._conn,
            "SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at IS NULL",
            (account_id,),
        )
        return int(row[0]) if row else 0

    async def mark_read(self, account_id: int, ids: list[int] | None, now: str) -> int:
        """Mark ``ids`` (or, with None, everything) read for this account."""
        if ids is None:
            cursor = await self._conn.execute(
                "UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL",
                (now, account_id),
            )
            return cursor.rowcount
        cursor = await self._conn.executemany(
            "UPDATE notifications SET read_at = ? WHERE account_id = ? AND id = ?"
            " AND read_at IS NULL",
            [(now, account_id, note_id) for note_id in ids],
        )
        return cursor.rowcount

    # -- outbound deliveries -------------------------------------------------

    async def add_delivery(
        self,
        *,
        message_id: str,
        channel: str,
        target: str,
        account_id: int | None,
        endpoint_id: int | None,
        event_key: str,
        kind: str,
        data: dict[str, Any],
        now: str,
    ) -> bool:
        cursor = await self._conn.execute(
            "INSERT INTO notice_deliveries (message_id, channel, target, account_id,"
            " endpoint_id, event_key, kind, data, next_attempt_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, target, event_key) DO NOTHING",
            (
                message_id,
                channel,
                target,
                account_id,
                endpoint_id,
                event_key,
                kind,
                json.dumps(data, sort_keys=True),
                now,
                now,
                now,
            ),
        )
        return cursor.rowcount == 1

    async def claim_due(self, now: str, limit: int, lock_until: str) -> list[DeliveryRow]:
        rows = await fetch_all(
            self._conn,
            "UPDATE notice_deliveries SET locked_until = :lock WHERE id IN (SELECT id"  # noqa: S608
            " FROM notice_deliveries WHERE state = 'pending' AND next_attempt_at <= :now"
            " AND (locked_until IS NULL OR locked_until <= :now)"
            " ORDER BY next_attempt_at, id LIMIT :limit)"
            f" RETURNING {', '.join(_DELIVERIES)}",
            {"now": now, "limit": limit, "lock": lock_until},
        )
        return sorted((delivery_of(row) for row in rows), key=lambda d: d.id)

    async def settle(
        self,
        delivery_id: int,
        *,
        state: str,
        attempts: int,
        next_attempt_at: str | None,
        status: int | None,
        error: str,
        now: str,
        data: dict[str, Any] | None = None,
    ) -> None:
        await self._conn.execute(
            "UPDATE notice_deliveries SET state = ?, attempts = ?,"
            " next_attempt_at = COALESCE(?, next_attempt_at), locked_until = NULL,"
            " last_status = ?, last_error = ?, updated_at = ?,"
            " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
            " data = COALESCE(?, data) WHERE id = ?",
            (
                state,
                attempts,
                next_attempt_at,
                status,
                error,
                now,
                state,
                now,
                json.dumps(data, sort_keys=True) if data is not None else None,
                delivery_id,
            ),
        )

    async def postpone(self, delivery_id: int, when: str, reason: str, now: str) -> None:
        await self._conn.execute(
            "UPDATE notice_deliveries SET next_attempt_at = ?, locked_until = NULL,"
            " last_error = ?, updated_at = ? WHERE id = ?",
            (when, reason, now, delivery_id),
        )

    async def add_attempt(
        self, delivery_id: int, at: str, status: int | None, outcome: str, error: str
    ) -> None:
        await self._conn.execute(
            "INSERT INTO notice_attempts (delivery_id, at, status, outcome, error)"
            " VALUES (?, ?, ?, ?, ?)",
            (delivery_id, at, status, outcome, error),
        )

    async def deliveries(
        self,
        *,
        channel: str | None = None,
        state: str | None = None,
        endpoint_id: int | None = None,
        limit: int = 100,
    ) -> list[DeliveryRow]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_DELIVERIES)} FROM notice_deliveries"  # noqa: S608
            " WHERE (:channel IS NULL OR channel = :channel)"
            " AND (:state IS NULL OR state = :state)"
            " AND (:endpoint IS NULL OR endpoint_id = :endpoint) ORDER BY id DESC LIMIT :limit",
            {"channel": channel, "state": state, "endpoint": endpoint_id, "limit": limit},
        )
        return [delivery_of(row) for row in rows]

    async def attempts(self, delivery_ids: list[int]) -> dict[int, list[AttemptRow]]:
        found: dict[int, list[AttemptRow]] = {}
        if not delivery_ids:
            return found
        marks = ", ".join("?" for _ in delivery_ids)
        rows = await fetch_all(
            self._conn,
            "SELECT delivery_id, at, status, outcome, error FROM notice_attempts"  # noqa: S608
            f" WHERE delivery_id IN ({marks}) ORDER BY id",
            delivery_ids,
        )
        for row in rows:
            found.setdefault(row["delivery_id"], []).append(AttemptRow(**dict(row)))
        return found

    # -- webhook endpoints ---------------------------------------------------

    async def add_endpoint(
        self,
        url: str,
        secret: str,
        events: list[str],
        include_contact: bool,
        enabled: bool,
        description: str,
        now: str,
    ) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO webhook_endpoints (url, secret, events, include_contact, enabled,"
            " description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                url,
                secret,
                json.dumps(events),
                int(include_contact),
                int(enabled),
                description,
                now,
                now,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def endpoint(self, endpoint_id: int) -> EndpointRow | None:
        row = await fetch_one(
            self._conn,
            f"SELECT {', '.join(_ENDPOINTS)} FROM webhook_endpoints WHERE id = ?",  # noqa: S608
            (endpoint_id,),
        )
        return endpoint_of(row) if row else None

    async def endpoints(self) -> list[EndpointRow]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_ENDPOINTS)} FROM webhook_endpoints ORDER BY id",  # noqa: S608
        )
        return [endpoint_of(row) for row in rows]

    async def save_endpoint(self, endpoint: EndpointRow) -> None:
        await self._conn.execute(
            "UPDATE webhook_endpoints SET url = ?, events = ?, include_contact = ?, enabled = ?,"
            " description = ?, updated_at = ? WHERE id = ?",
            (
                endpoint.url,
                json.dumps(endpoint.events),
                int(endpoint.include_contact),
                int(endpoint.enabled),
                endpoint.description,
                endpoint.updated_at,
                endpoint.id,
            ),
        )

    async def delete_endpoint(self, endpoint_id: int) -> bool:
        cursor = await self._conn.execute(
            "DELETE FROM webhook_endpoints WHERE id = ?", (endpoint_id,)
        )
        return cursor.rowcount == 1

    # -- scanner state -------------------------------------------------------

    async def state(self, key: str) -> str | None:
        row = await fetch_one(
            self._conn, "SELECT value FROM notification_state WHERE key = ?", (key,)
        )
        return str(row["value"]) if row else None

    async def set_state(self, key: str, value: str) -> None:
        await self._conn.execute(
            "INSERT INTO notification_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def init_state(self, key: str, value: str) -> str:
        """Set ``key`` unless it is set; return the value that holds."""
        await self._conn.execute(
            "INSERT INTO notification_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO NOTHING",
            (key, value),
        )
        held = await self.state(key)
        assert held is not None
        return held
