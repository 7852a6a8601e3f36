"""Repository for follow relations: who follows us, and whom we follow."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from federation.hosts import peer_host
from node.storage.database import fetch_all, fetch_one


@dataclass(frozen=True)
class Follower:
    actor_id: str
    inbox: str
    shared_inbox: str | None
    follow_activity_id: str
    state: str


@dataclass(frozen=True)
class Followee:
    actor_id: str
    follow_activity_id: str
    state: str
    filters: str = "{}"


def on_host(actor_id: str, host: str) -> bool:
    """Is this actor on ``host`` or one of its subdomains?"""
    try:
        own = peer_host(actor_id)
    except ValueError:
        return False
    return own == host or own.endswith("." + host)


class FollowRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add_follower(self, follower: Follower, now: str) -> None:
        await self._conn.execute(
            "INSERT INTO followers (actor_id, inbox, shared_inbox, follow_activity_id, state,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (actor_id) DO UPDATE SET"
            " inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,"
            " follow_activity_id = excluded.follow_activity_id, state = excluded.state",
            (
                follower.actor_id,
                follower.inbox,
                follower.shared_inbox,
                follower.follow_activity_id,
                follower.state,
                now,
            ),
        )

    async def follower(self, actor_id: str) -> Follower | None:
        row = await fetch_one(
            self._conn,
            "SELECT actor_id, inbox, shared_inbox, follow_activity_id, state FROM followers"
            " WHERE actor_id = ?",
            (actor_id,),
        )
        return Follower(**dict(row)) if row else None

    async def remove_follower(self, actor_id: str) -> bool:
        cursor = await self._conn.execute("DELETE FROM followers WHERE actor_id = ?", (actor_id,))
        return cursor.rowcount > 0

    async def remove_followers_at_inbox(self, inbox: str) -> int:
        cursor = await self._conn.execute(
            "DELETE FROM followers WHERE inbox = ? OR shared_inbox = ?", (inbox, inbox)
        )
        return cursor.rowcount

    async def accepted_followers(self) -> list[Follower]:
        rows = await fetch_all(
            self._conn,
            "SELECT actor_id, inbox, shared_inbox, follow_activity_id, state FROM followers"
            " WHERE state = 'accepted' ORDER BY created_at, actor_id",
        )
        return [Follower(**dict(row)) for row in rows]

    async def follower_page(self, offset: int, limit: int) -> list[str]:
        rows = await fetch_all(
            self._conn,
            "SELECT actor_id FROM followers WHERE state = 'accepted'"
            " ORDER BY created_at, actor_id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [row["actor_id"] for row in rows]

    async def count_followers(self) -> int:
        row = await fetch_one(self._conn, "SELECT COUNT(*) FROM followers WHERE state = 'accepted'")
        return int(row[0]) if row else 0

    async def add_following(self, followee: Followee, now: str) -> None:
        await self._conn.execute(
            "INSERT INTO following (actor_id, follow_activity_id, state, filters, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (actor_id) DO UPDATE SET"
            " follow_activity_id = excluded.follow_activity_id, state = excluded.state,"
            " filters = excluded.filters, updated_at = excluded.updated_at",
            (
                followee.actor_id,
                followee.follow_activity_id,
                followee.state,
                followee.filters,
                now,
                now,
            ),
        )

    async def following(self, actor_id: str) -> Followee | None:
        row = await fetch_one(
            self._conn,
            "SELECT actor_id, follow_activity_id, state, filters FROM following WHERE actor_id = ?",
            (actor_id,),
        )
        return Followee(**dict(row)) if row else None

    async def following_by_activity(self, follow_activity_id: str) -> Followee | None:
        row = await fetch_one(
            self._conn,
            "SELECT actor_id, follow_activity_id, state, filters FROM following"
            " WHERE follow_activity_id = ?",
            (follow_activity_id,),
        )
        return Followee(**dict(row)) if row else None

    async def set_following_state(self, actor_id: str, state: str, now: str) -> None:
        await self._conn.execute(
            "UPDATE following SET state = ?, updated_at = ? WHERE actor_id = ?",
            (state, now, actor_id),
        )

    async def remove_following(self, actor_id: str) -> None:
        await self._conn.execute("DELETE FROM following WHERE actor_id = ?", (actor_id,))

    async def remove_host(self, host: str) -> None:
        """End every follow relation, both ways, with actors on ``host``."""
        for table in ("followers", "following"):
            rows = await fetch_all(self._conn, f"SELECT actor_id FROM {table}")  # noqa: S608
            doomed = [(r["actor_id"],) for r in rows if on_host(r["actor_id"], host)]
            delete = f"DELETE FROM {table} WHERE actor_id = ?"  # noqa: S608
            await self._conn.executemany(delete, doomed)

    async def has_follower_on(self, host: str) -> bool:
        rows = await fetch_all(
            self._conn, "SELECT actor_id FROM followers WHERE state = 'accepted'"
        )
        return any(peer_host(row["actor_id"]) == host for row in rows)

    async def pending_followers(self) -> list[Follower]:
        rows = await fetch_all(
            self._conn,
            "SELECT actor_id, inbox, shared_inbox, follow_activity_id, state FROM followers"
            " WHERE state = 'pending' ORDER BY created_at, actor_id",
        )
        return [Follower(**dict(row)) for row in rows]

    async def set_follower_state(self, actor_id: str, state: str) -> None:
        await self._conn.execute(
            "UPDATE followers SET state = ? WHERE actor_id = ?", (state, actor_id)
        )

    async def following_list(self) -> list[Followee]:
        rows = await fetch_all(
            self._conn,
            "SELECT actor_id, follow_activity_id, state, filters FROM following"
            " ORDER BY created_at",
        )
        return [Followee(**dict(row)) for row in rows]

    async def following_page(self, offset: int, limit: int) -> list[str]:
        rows = await fetch_all(
            self._conn,
            "SELECT actor_id FROM following WHERE state = 'accepted'"
            " ORDER BY created_at, actor_id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [row["actor_id"] for row in rows]

    async def count_following(self) -> int:
        row = await fetch_one(self._conn, "SELECT COUNT(*) FROM following WHERE state = 'accepted'")
        return int(row[0]) if row else 0
