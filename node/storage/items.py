"""Repository for the group's own offers and requests and their private details."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import aiosqlite

from node.clock import from_text, to_text
from node.domain.model import Item, ItemChange, ItemFilter, Place, PrivateDetails, Text
from node.storage.database import Row, fetch_all, fetch_one
from node.storage.events import Event, EventKind, EventRepository
from schemas.vocab import (
    Action,
    Category,
    CloseReason,
    LocationPrecision,
    Purpose,
    Status,
    Unit,
    Urgency,
    Visibility,
)

_COLUMNS = (
    "id",
    "purpose",
    "title",
    "description",
    "language",
    "translations",
    "category",
    "item_spec",
    "action",
    "unit",
    "quantity",
    "available_quantity",
    "minimum_quantity",
    "unit_based",
    "urgency",
    "location_precision",
    "latitude",
    "longitude",
    "radius_km",
    "area_name",
    "begins_at",
    "ends_at",
    "recurring",
    "visibility",
    "status",
    "close_reason",
    "closed_at",
    "created_at",
    "updated_at",
    "version",
    "referred_from",
)
_LIVE = (Status.OPEN.value, Status.PARTLY_COMMITTED.value)
KM_PER_DEGREE = 111.32


def _to_row(item: Item) -> dict[str, object]:
    place = item.place
    return {
        "id": item.id,
        "purpose": item.purpose.value,
        "title": item.title,
        "description": item.description,
        "language": item.language,
        "translations": json.dumps(
            {
                lang: {"title": t.title, "description": t.description}
                for lang, t in item.translations.items()
            }
        ),
        "category": item.category.value,
        "item_spec": item.item_spec,
        "action": item.action.value,
        "unit": item.unit.value,
        "quantity": item.quantity,
        "available_quantity": item.available_quantity,
        "minimum_quantity": item.minimum_quantity,
        "unit_based": int(item.unit_based),
        "urgency": item.urgency.value,
        "location_precision": place.precision.value if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "radius_km": place.radius_km if place else None,
        "area_name": place.area if place else None,
        "begins_at": to_text(item.begins_at),
        "ends_at": to_text(item.ends_at) if item.ends_at else None,
        "recurring": int(item.recurring),
        "visibility": item.visibility.value,
        "status": item.status.value,
        "close_reason": item.close_reason.value if item.close_reason else None,
        "closed_at": to_text(item.closed_at) if item.closed_at else None,
        "created_at": to_text(item.created_at),
        "updated_at": to_text(item.updated_at),
        "version": item.version,
        "referred_from": item.referred_from,
    }


def _from_row(row: Row | Mapping[str, Any]) -> Item:
    place = None
    if row["location_precision"] is not None:
        place = Place(
            precision=LocationPrecision(row["location_precision"]),
            latitude=row["latitude"],
            longitude=row["longitude"],
            radius_km=row["radius_km"],
            area=row["area_name"],
        )
    translations = {
        lang: Text(title=t["title"], description=t["description"])
        for lang, t in json.loads(row["translations"]).items()
    }
    return Item(
        id=row["id"],
        purpose=Purpose(row["purpose"]),
        title=row["title"],
        description=row["description"],
        language=row["language"],
        translations=translations,
        category=Category(row["category"]),
        item_spec=row["item_spec"],
        action=Action(row["action"]),
        unit=Unit(row["unit"]),
        quantity=row["quantity"],
        available_quantity=row["available_quantity"],
        minimum_quantity=row["minimum_quantity"],
        unit_based=bool(row["unit_based"]),
        urgency=Urgency(row["urgency"]),
        place=place,
        begins_at=from_text(row["begins_at"]),
        ends_at=from_text(row["ends_at"]) if row["ends_at"] else None,
        recurring=bool(row["recurring"]),
        visibility=Visibility(row["visibility"]),
        status=Status(row["status"]),
        close_reason=CloseReason(row["close_reason"]) if row["close_reason"] else None,
        closed_at=from_text(row["closed_at"]) if row["closed_at"] else None,
        created_at=from_text(row["created_at"]),
        updated_at=from_text(row["updated_at"]),
        version=row["version"],
        referred_from=row["referred_from"],
    )


def box_clause(near: tuple[float, float], radius_km: float, params: dict[str, object]) -> str:
    """A latitude/longitude box around ``near`` (the exact distance is checked after)."""
    lat, lon = near
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    params.update(lat0=lat - dlat, lat1=lat + dlat, lon0=lon - dlon, lon1=lon + dlon)
    return "latitude BETWEEN :lat0 AND :lat1 AND longitude BETWEEN :lon0 AND :lon1"


def _fts_query(text: str) -> str:
    """Each word as a quoted prefix term, so user input is never FTS syntax. A NUL
    would end FTS5's string early ("unterminated string"): it separates words too."""
    words = [w.replace('"', '""') for w in text.replace("\x00", " ").split() if w.strip()]
    return " ".join(f'"{w}"*' for w in words)


def item_of(event: Event) -> Item:
    """The item as the change an ``item.*`` event records left it."""
    return _from_row(event.data)


class ItemRepository:
    """Every write appends its ``item.*`` event, carrying the item as it left it."""

    def __init__(self, conn: aiosqlite.Connection, events: EventRepository) -> None:
        self._conn = conn
        self._events = events

    async def insert(self, item: Item, details: PrivateDetails | None) -> None:
        row = _to_row(item)
        names = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        await self._conn.execute(f"INSERT INTO items ({names}) VALUES ({marks})", row)  # noqa: S608
        if details is not None:
            await self.save_private(item.id, details)
        await self._events.append(EventKind.ITEM_CREATED, item.id, row)

    async def replace(self, item: Item, change: ItemChange) -> None:
        """Write ``item`` back; its ``version`` must be the stored one plus one.
        ``change``: what the write does (``publish`` moves a draft with ``created``)."""
        row = _to_row(item)
        sets = ", ".join(f"{name} = :{name}" for name in row if name != "id")
        cursor = await self._conn.execute(
            f"UPDATE items SET {sets} WHERE id = :id AND version = :version - 1",  # noqa: S608
            row,
        )
        if cursor.rowcount != 1:
            raise LookupError(f"item {item.id} changed concurrently")
        await self._events.append(EventKind(f"item.{change.value}"), item.id, row)

    async def get(self, item_id: str, purpose: Purpose) -> Item | None:
        row = await fetch_one(
            self._conn,
            f"SELECT {', '.join(_COLUMNS)} FROM items WHERE id = ? AND purpose = ?",  # noqa: S608
            (item_id, purpose.value),
        )
        return _from_row(row) if row else None

    async def get_any(self, item_id: str) -> Item | None:
        row = await fetch_one(
            self._conn,
            f"SELECT {', '.join(_COLUMNS)} FROM items WHERE id = ?",  # noqa: S608
            (item_id,),
        )
        return _from_row(row) if row else None

    async def delete(self, item: Item) -> None:
        await self._conn.execute("DELETE FROM items WHERE id = ?", (item.id,))
        await self._events.append(EventKind.ITEM_DELETED, item.id, _to_row(item))

    async def search(self, query: ItemFilter) -> tuple[list[Item], int | None]:
        """Newest first; returns the page and the cursor of the next one."""
        where = ["purpose = :purpose"]
        params: dict[str, object] = {"purpose": query.purpose.value, "limit": query.limit + 1}
        for name, values in (
            ("status", query.statuses),
            ("category", query.categories),
            ("urgency", query.urgencies),
        ):
            if values:
                marks = []
                for index, value in enumerate(values):
                    params[f"{name}{index}"] = value.value
                    marks.append(f":{name}{index}")
                where.append(f"{name} IN ({', '.join(marks)})")
        if query.public_only:
            where.append("visibility = 'public' AND status != 'draft'")
        if query.text and _fts_query(query.text):
            where.append("seq IN (SELECT rowid FROM items_fts WHERE items_fts MATCH :text)")
            params["text"] = _fts_query(query.text)
        if query.near is not None and query.radius_km is not None:
            where.append(box_clause(query.near, query.radius_km, params))
        if query.after_seq is not None:
            where.append("seq < :after")
            params["after"] = query.after_seq
        rows = await fetch_all(
            self._conn,
            f"SELECT seq, {', '.join(_COLUMNS)} FROM items WHERE {' AND '.join(where)}"  # noqa: S608
            " ORDER BY seq DESC LIMIT :limit",
            params,
        )
        next_cursor = rows[query.limit - 1]["seq"] if len(rows) > query.limit else None
        return [_from_row(row) for row in rows[: query.limit]], next_cursor

    async def live_ending_before(self, moment: str) -> list[Item]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_COLUMNS)} FROM items"  # noqa: S608
            " WHERE status IN (?, ?) AND ends_at IS NOT NULL AND ends_at <= ?",
            (*_LIVE, moment),
        )
        return [_from_row(row) for row in rows]

    async def count_by_status(self) -> dict[tuple[Purpose, Status], int]:
        rows = await fetch_all(
            self._conn, "SELECT purpose, status, COUNT(*) AS n FROM items GROUP BY purpose, status"
        )
        return {(Purpose(r["purpose"]), Status(r["status"])): r["n"] for r in rows}

    async def get_private(self, item_id: str) -> PrivateDetails | None:
        row = await fetch_one(
            self._conn,
            "SELECT contact, notes, purge_after FROM item_private WHERE item_id = ?",
            (item_id,),
        )
        if row is None:
            return None
        purge = from_text(row["purge_after"]) if row["purge_after"] else None
        return PrivateDetails(contact=row["contact"], notes=row["notes"], purge_after=purge)

    async def save_private(self, item_id: str, details: PrivateDetails) -> None:
        await self._conn.execute(
            "INSERT INTO item_private (item_id, contact, notes, purge_after)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET"
            " contact = excluded.contact, notes = excluded.notes,"
            " purge_after = excluded.purge_after",
            (
                item_id,
                details.contact,
                details.notes,
                to_text(details.purge_after) if details.purge_after else None,
            ),
        )

    async def schedule_purge(self, item_id: str, moment: str | None) -> None:
        await self._conn.execute(
            "UPDATE item_private SET purge_after = ? WHERE item_id = ?", (moment, item_id)
        )

    async def purge_private_due(self, moment: str) -> int:
        cursor = await self._conn.execute(
            "DELETE FROM item_private WHERE purge_after IS NOT NULL AND purge_after <= ?",
            (moment,),
        )
        return cursor.rowcount
