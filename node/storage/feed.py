"""Repository for the regional feed: live offers and requests, ours and our peers'."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from node.storage.database import Row, fetch_all
from node.storage.items import _fts_query, box_clause


@dataclass(frozen=True)
class FeedFilter:
    now: str
    purposes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()
    text: str | None = None
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    ends_before: str | None = None
    limit: int = 500


_ENDS = "(ends_at IS NULL OR ends_at > :now)"
_LOCAL = (
    "SELECT id, purpose, title, description AS summary, category, urgency, unit, quantity,"
    " available_quantity, minimum_quantity, unit_based, latitude, longitude, radius_km,"
    " area_name, begins_at, ends_at, visibility, updated_at FROM items"
)
_LOCAL_LIVE = "status IN ('open', 'partly-committed')"
_REMOTE = (
    "SELECT r.seq, r.id, r.actor_id, r.relayed_by, r.purpose, r.title, r.summary, r.category,"
    " r.urgency, r.unit, r.quantity, r.available_quantity, r.minimum_quantity, r.unit_based,"
    " r.latitude, r.longitude, r.radius_km, r.area_name, r.begins_at, r.ends_at, r.opened_at,"
    " r.updated_at, a.name AS origin_name"
    " FROM remote_items r LEFT JOIN remote_actors a ON a.id = r.actor_id"
)
_REMOTE_LIVE = (
    "+status IN ('open', 'partly-committed') AND deleted_at IS NULL AND hidden_at IS NULL"
)


def _where(query: FeedFilter, params: dict[str, object]) -> list[str]:
    where = [_ENDS]
    params["now"] = query.now
    for column, values in (
        ("purpose", query.purposes),
        ("category", query.categories),
        ("urgency", query.urgencies),
    ):
        if values:
            marks = []
            for index, value in enumerate(values):
                params[f"{column}{index}"] = value
                marks.append(f":{column}{index}")
            where.append(f"{column} IN ({', '.join(marks)})")
    if query.near is not None and query.radius_km is not None:
        where.append(box_clause(query.near, query.radius_km, params))
    if query.ends_before is not None:
        where.append("ends_at IS NOT NULL AND ends_at <= :ends_before")
        params["ends_before"] = query.ends_before
    return where


class FeedRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def local(self, query: FeedFilter) -> list[Row]:
        params: dict[str, object] = {"limit": query.limit}
        where = [*_where(query, params), _LOCAL_LIVE]
        if query.text and _fts_query(query.text):
            where.append("seq IN (SELECT rowid FROM items_fts WHERE items_fts MATCH :text)")
            params["text"] = _fts_query(query.text)
        return await fetch_all(
            self._conn,
            f"{_LOCAL} WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT :limit",
            params,
        )

    async def local_named(self, now: str, ids: list[str]) -> list[Row]:
        """Those of our items ``ids`` (local ids) that are live."""
        return await self._live_named(f"{_LOCAL} WHERE {_LOCAL_LIVE} AND id", now, ids)

    async def remote(self, query: FeedFilter) -> list[Row]:
        params: dict[str, object] = {"limit": query.limit}
        # "+status": not by the status index (every open row, then a sort) but newest
        # first by seq, stopping at the limit: 100k stored offers, 100 ms → 2 ms a page.
        where = [*_where(query, params), _REMOTE_LIVE]
        if query.text and _fts_query(query.text):
            where.append(
                "seq IN (SELECT rowid FROM remote_items_fts WHERE remote_items_fts MATCH :text)"
            )
            params["text"] = _fts_query(query.text)
        return await fetch_all(
            self._conn,
            f"{_REMOTE} WHERE {' AND '.join(where)} ORDER BY r.seq DESC LIMIT :limit",
            params,
        )

    async def remote_page(self, now: str, after: int, limit: int) -> list[Row]:
        """Live peers' rows after ``seq`` ``after``, in ``seq`` order: the whole feed in
        pages, for the matching index (each row carries its ``seq``)."""
        return await fetch_all(
            self._conn,
            f"{_REMOTE} WHERE {_ENDS} AND {_REMOTE_LIVE} AND r.seq > :after"
            " ORDER BY r.seq LIMIT :limit",
            {"now": now, "after": after, "limit": limit},
        )

    async def remote_named(self, now: str, ids: list[str]) -> list[Row]:
        """Those of peers' items ``ids`` that are live."""
        return await self._live_named(f"{_REMOTE} WHERE {_REMOTE_LIVE} AND r.id", now, ids)

    async def _live_named(self, selected: str, now: str, ids: list[str]) -> list[Row]:
        """``selected`` ends with the id column; the rows among ``ids`` not yet ended."""
        params: dict[str, object] = {"now": now}
        for index, value in enumerate(ids):
            params[f"v{index}"] = value
        marks = ", ".join(f":v{index}" for index in range(len(ids))) or "NULL"
        return await fetch_all(self._conn, f"{selected} IN ({marks}) AND {_ENDS}", params)
