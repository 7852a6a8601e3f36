"""The change feed: events appended in the transaction of the change they record, and
the cursors of the consumers that read them.

The repositories' write methods append the events (a caller cannot forget one);
a consumer reads the events after its cursor and advances the cursor in the
transaction of its own writes, so each event is handled once, and after a
restart the consumer resumes where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

import aiosqlite

from node.clock import to_text
from node.storage.database import fetch_all, fetch_one


class EventKind(StrEnum):
    # Our own offers and requests; ``data`` is the item as the change left it.
    ITEM_CREATED = "item.created"
    ITEM_UPDATED = "item.updated"
    ITEM_CLOSED = "item.closed"
    ITEM_EXPIRED = "item.expired"
    ITEM_RENEWED = "item.renewed"
    ITEM_DELETED = "item.deleted"
    # Peers' offers and requests (stored or updated, tombstoned, hidden or opened here).
    REMOTE_ITEM_STORED = "remote-item.stored"
    REMOTE_ITEM_DELETED = "remote-item.deleted"
    REMOTE_ITEM_MODERATED = "remote-item.moderated"
    # A peer's trust level or the node's trust policy.
    TRUST_CHANGED = "trust.changed"
    # A peer's claim on our item; a peer's answer to our claim (``data``: its state).
    CLAIM_RECEIVED = "claim.received"
    CLAIM_ANSWERED = "claim.answered"
    # A peer's key has a new fingerprint (``data``: the audit entry).
    KEY_CHANGED = "key.changed"


ITEM_KINDS = frozenset(kind for kind in EventKind if kind.value.startswith("item."))

# Every consumer has a cursor row (the migration creates them); events are pruned only
# once every cursor passed them.
Consumer = Literal["outbox", "notifications"]


@dataclass(frozen=True)
class Event:
    id: int
    kind: EventKind
    subject: str
    data: dict[str, Any]
    created_at: str


class CursorMoved(LookupError):
    """Another run of the same consumer advanced its cursor first: roll back."""


class EventRepository:
    def __init__(self, conn: aiosqlite.Connection, now: Callable[[], datetime]) -> None:
        self._conn = conn
        self._now = now
        self.appended: set[EventKind] = set()  # kinds appended through this repository

    async def append(
        self, kind: EventKind, subject: str, data: dict[str, Any] | None = None
    ) -> None:
        await self._conn.execute(
            "INSERT INTO events (kind, subject, data, created_at) VALUES (?, ?, ?, ?)",
            (kind.value, subject, json.dumps(data or {}), to_text(self._now())),
        )
        self.appended.add(kind)

    async def last_id(self) -> int:
        """The newest event's id (0 when there is none)."""
        row = await fetch_one(self._conn, "SELECT MAX(id) FROM events")
        return int(row[0]) if row and row[0] is not None else 0

    async def position(self, consumer: Consumer) -> int:
        row = await fetch_one(
            self._conn, "SELECT position FROM event_cursors WHERE consumer = ?", (consumer,)
        )
        return int(row[0]) if row else 0

    async def after(
        self,
        position: int,
        up_to: int,
        kinds: Collection[EventKind],
        limit: int = -1,
        *,
        also_since: str | None = None,
    ) -> list[Event]:
        """Events of ``kinds`` with ``position < id <= up_to``, oldest first; with
        ``also_since``, those appended since then as well, however old their id.

        Read ``up_to`` (``last_id``) first: every event up to it is committed, so a
        cursor advanced to it skips nothing."""
        names = [kind.value for kind in kinds]
        marks = ", ".join("?" for _ in names) or "NULL"
        rows = await fetch_all(
            self._conn,
            "SELECT id, kind, subject, data, created_at FROM events"  # noqa: S608
            f" WHERE (id > ? OR created_at >= ?) AND id <= ? AND kind IN ({marks})"
            " ORDER BY id LIMIT ?",
            (position, also_since or "~", up_to, *names, limit),  # "~" follows every time
        )
        return [
            Event(
                id=row["id"],
                kind=EventKind(row["kind"]),
                subject=row["subject"],
                data=json.loads(row["data"]),
                created_at=row["created_at"],
            )
            for row in rows
        ]

    async def advance(self, consumer: Consumer, start: int, end: int) -> None:
        """Move ``consumer``'s cursor from ``start`` to ``end``; CursorMoved when it is
        no longer at ``start``."""
        if end == start:
            return
        cursor = await self._conn.execute(
            "UPDATE event_cursors SET position = ? WHERE consumer = ? AND position = ?",
            (end, consumer, start),
        )
        if cursor.rowcount != 1:
            raise CursorMoved(f"the {consumer} cursor moved from {start}")

    async def prune(self, created_before: str) -> int:
        """Delete events every consumer has passed that were appended before
        ``created_before``; the newest event stays (its id is what readers compare)."""
        cursor = await self._conn.execute(
            "DELETE FROM events WHERE id <= (SELECT MIN(position) FROM event_cursors)"
            " AND id < (SELECT MAX(id) FROM events) AND created_at < ?",
            (created_before,),
        )
        return cursor.rowcount
