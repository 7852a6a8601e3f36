"""Read-only queries the notification scanner and the digest make over the rest of
the database: claims, our items, peers' items, follow requests and deliveries.
(What changed comes from the change feed, ``node.storage.events``.)"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import aiosqlite

from node.storage.claims import Claim
from node.storage.database import fetch_all, fetch_one

_LIVE = ("open", "partly-committed")
_CLAIM_COLUMNS = [f.name for f in fields(Claim)]


@dataclass(frozen=True)
class ItemBrief:
    id: str
    purpose: str
    title: str
    urgency: str
    status: str
    unit: str
    quantity: float
    available_quantity: float
    ends_at: str | None


@dataclass(frozen=True)
class PeerItemBrief:
    id: str
    actor_id: str
    purpose: str | None
    title: str


@dataclass(frozen=True)
class FollowRequest:
    actor_id: str
    follow_activity_id: str
    created_at: str


@dataclass(frozen=True)
class FailingHost:
    host: str
    failing_since: str
    undelivered: int
    last_error: str


_ITEM = "id, purpose, title, urgency, status, unit, quantity, available_quantity, ends_at"


class NoticeSourceRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _claims(self, where: str, params: dict[str, Any]) -> list[Claim]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_CLAIM_COLUMNS)} FROM claims WHERE {where}"  # noqa: S608
            " ORDER BY created_at, id",
            params,
        )
        return [Claim(**dict(row)) for row in rows]

    async def claims_named(self, ids: list[str]) -> dict[str, Claim]:
        if not ids:
            return {}
        params = {f"c{index}": claim_id for index, claim_id in enumerate(ids)}
        marks = ", ".join(f":{name}" for name in params)
        return {claim.id: claim for claim in await self._claims(f"id IN ({marks})", params)}

    async def claims_waiting(self) -> list[Claim]:
        """Claims on our items that wait for an answer."""
        return await self._claims("direction = 'incoming' AND state = 'pending'", {})

    async def items(self, ids: list[str]) -> dict[str, ItemBrief]:
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        sql = f"SELECT {_ITEM} FROM items WHERE id IN ({marks})"  # noqa: S608
        rows = await fetch_all(self._conn, sql, ids)
        return {row["id"]: ItemBrief(**dict(row)) for row in rows}

    async def open_items(self) -> list[ItemBrief]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {_ITEM} FROM items WHERE status IN (?, ?)"  # noqa: S608
            " ORDER BY purpose DESC, urgency, ends_at IS NULL, ends_at, seq",
            _LIVE,
        )
        return [ItemBrief(**dict(row)) for row in rows]

    async def items_ending_between(self, start: str, end: str) -> list[ItemBrief]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {_ITEM} FROM items WHERE status IN (?, ?)"  # noqa: S608
            " AND ends_at IS NOT NULL AND ends_at > ? AND ends_at <= ? ORDER BY ends_at, seq",
            (*_LIVE, start, end),
        )
        return [ItemBrief(**dict(row)) for row in rows]

    async def item_contact(self, item_id: str) -> str:
        row = await fetch_one(
            self._conn, "SELECT contact FROM item_private WHERE item_id = ?", (item_id,)
        )
        return str(row["contact"]) if row else ""

    async def peer_items(self, ids: list[str]) -> dict[str, PeerItemBrief]:
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = await fetch_all(
            self._conn,
            "SELECT id, actor_id, purpose, title FROM remote_items"  # noqa: S608
            f" WHERE id IN ({marks}) AND deleted_at IS NULL",
            ids,
        )
        return {row["id"]: PeerItemBrief(**dict(row)) for row in rows}

    async def actor_names(self, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = await fetch_all(
            self._conn,
            f"SELECT id, name, handle FROM remote_actors WHERE id IN ({marks})",  # noqa: S608
            ids,
        )
        return {row["id"]: row["name"] or row["handle"] or "" for row in rows}

    async def follow_requests(self) -> list[FollowRequest]:
        rows = await fetch_all(
            self._conn,
            "SELECT actor_id, follow_activity_id, created_at FROM followers"
            " WHERE state = 'pending' ORDER BY created_at, actor_id",
        )
        return [FollowRequest(**dict(row)) for row in rows]

    async def failing_hosts(self, failing_before: str) -> list[FailingHost]:
        """Peers whose oldest undelivered delivery since their last success is older than
        ``failing_before`` (deliveries refused by our own trust decisions do not count)."""
        rows = await fetch_all(
            self._conn,
            "WITH last_ok AS (SELECT host, MAX(updated_at) AS at FROM deliveries"
            "  WHERE state = 'delivered' GROUP BY host)"
            " SELECT d.host AS host, MIN(d.created_at) AS failing_since, COUNT(*) AS undelivered,"
            " (SELECT e.last_error FROM deliveries e WHERE e.host = d.host"
            "  AND COALESCE(e.last_error, '') != '' ORDER BY e.updated_at DESC, e.id DESC"
            "  LIMIT 1) AS last_error"
            " FROM deliveries d LEFT JOIN last_ok ON last_ok.host = d.host"
            " WHERE d.state IN ('pending', 'failed') AND d.attempts > 0"
            " AND COALESCE(d.last_error, '') NOT IN ('peer-blocked', 'peer-refused')"
            " AND d.created_at > COALESCE(last_ok.at, '')"
            " GROUP BY d.host HAVING MIN(d.created_at) <= ? ORDER BY d.host",
            (failing_before,),
        )
        return [FailingHost(**{**dict(row), "last_error": row["last_error"] or ""}) for row in rows]
