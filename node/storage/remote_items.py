"""Repository for peers' offers and requests, as received (Delete leaves a tombstone)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

import aiosqlite

from node.storage.database import fetch_all, fetch_one
from node.storage.events import EventKind, EventRepository
from node.storage.follows import on_host


@dataclass(frozen=True)
class RemoteItem:
    id: str
    actor_id: str
    purpose: str | None
    title: str
    summary: str
    category: str | None
    urgency: str | None
    unit: str | None
    quantity: float | None
    available_quantity: float | None
    latitude: float | None
    longitude: float | None
    radius_km: float | None
    area_name: str | None
    begins_at: str | None
    ends_at: str | None
    document: dict[str, Any]
    status: str = "open"
    minimum_quantity: float | None = None
    unit_based: bool = False
    intent_id: str | None = None
    referred_from: str | None = None
    location_precision: str | None = None
    deleted_at: str | None = None
    relayed_by: str | None = None
    hidden_at: str | None = None
    opened_at: str | None = None


_NAMES = [f.name for f in fields(RemoteItem)]


# Local moderation decisions survive a peer's Update of the item.
_LOCAL_ONLY = ("hidden_at", "opened_at")


def _row(item: RemoteItem) -> dict[str, Any]:
    values = {name: getattr(item, name) for name in _NAMES if name not in _LOCAL_ONLY}
    values["document"] = json.dumps(item.document)
    return values


class RemoteItemRepository:
    """Every write appends its ``remote-item.*`` event (the matching index follows them)."""

    def __init__(self, conn: aiosqlite.Connection, events: EventRepository) -> None:
        self._conn = conn
        self._events = events

    async def upsert(self, item: RemoteItem, now: str) -> None:
        values = _row(item)
        names = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        sets = ", ".join(f"{name} = excluded.{name}" for name in values if name != "id")
        await self._conn.execute(
            f"INSERT INTO remote_items ({names}, received_at, updated_at)"  # noqa: S608
            f" VALUES ({marks}, :now, :now) ON CONFLICT (id) DO UPDATE SET {sets},"
            " updated_at = :now",
            {**values, "now": now},
        )
        await self._events.append(EventKind.REMOTE_ITEM_STORED, item.id)

    async def get(self, item_id: str) -> RemoteItem | None:
        row = await fetch_one(
            self._conn,
            f"SELECT {', '.join(_NAMES)} FROM remote_items WHERE id = ?",  # noqa: S608
            (item_id,),
        )
        if row is None:
            return None
        values = dict(row)
        values["document"] = json.loads(values["document"])
        values["unit_based"] = bool(values["unit_based"])
        return RemoteItem(**values)

    async def upsert_tombstone(self, item_id: str, actor_id: str, now: str) -> None:
        """Remember that ``item_id`` was deleted, so an older copy cannot return."""
        await self._conn.execute(
            "INSERT INTO remote_items (id, actor_id, document, received_at, updated_at,"
            " deleted_at) VALUES (?, ?, '{}', ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " deleted_at = excluded.deleted_at",
            (item_id, actor_id, now, now, now),
        )
        await self._events.append(EventKind.REMOTE_ITEM_DELETED, item_id)

    async def tombstone(self, item_id: str, now: str) -> None:
        await self._conn.execute(
            "UPDATE remote_items SET deleted_at = ?, document = '{}', title = '', summary = '',"
            " updated_at = ? WHERE id = ?",
            (now, now, item_id),
        )
        await self._events.append(EventKind.REMOTE_ITEM_DELETED, item_id)

    async def hide_host(self, host: str, now: str) -> None:
        """Hide every item of actors on ``host`` (or its subdomains) from our views."""
        rows = await fetch_all(
            self._conn, "SELECT id, actor_id FROM remote_items WHERE hidden_at IS NULL"
        )
        doomed = [(now, r["id"]) for r in rows if on_host(r["actor_id"], host)]
        await self._conn.executemany("UPDATE remote_items SET hidden_at = ? WHERE id = ?", doomed)
        if doomed:
            await self._events.append(EventKind.REMOTE_ITEM_MODERATED, host)

    async def set_hidden(self, item_id: str, when: str | None) -> bool:
        cursor = await self._conn.execute(
            "UPDATE remote_items SET hidden_at = ? WHERE id = ?", (when, item_id)
        )
        if cursor.rowcount != 1:
            return False
        await self._events.append(EventKind.REMOTE_ITEM_MODERATED, item_id)
        return True

    async def set_opened(self, item_id: str, when: str | None) -> bool:
        cursor = await self._conn.execute(
            "UPDATE remote_items SET opened_at = ? WHERE id = ?", (when, item_id)
        )
        if cursor.rowcount != 1:
            return False
        await self._events.append(EventKind.REMOTE_ITEM_MODERATED, item_id)
        return True

    async def live_ids(self, actor_id: str | None = None) -> list[str]:
        rows = await fetch_all(
            self._conn,
            "SELECT id FROM remote_items WHERE deleted_at IS NULL"
            " AND (:actor IS NULL OR actor_id = :actor) ORDER BY seq",
            {"actor": actor_id},
        )
        return [row["id"] for row in rows]
