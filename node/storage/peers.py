"""Repository for what we know of peers: actor documents, keys, signature schemes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

from federation.ports import StoredKey
from node.storage.database import fetch_all, fetch_one


@dataclass(frozen=True)
class RemoteActor:
    id: str
    host: str
    inbox: str
    shared_inbox: str | None
    handle: str | None
    name: str | None
    document: dict[str, Any]


class PeerRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def save_actor(self, actor: RemoteActor, fetched_at: str) -> None:
        await self._conn.execute(
            "INSERT INTO remote_actors (id, host, inbox, shared_inbox, handle, name, document,"
            " fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " host = excluded.host, inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,"
            " handle = excluded.handle, name = excluded.name, document = excluded.document,"
            " fetched_at = excluded.fetched_at",
            (
                actor.id,
                actor.host,
                actor.inbox,
                actor.shared_inbox,
                actor.handle,
                actor.name,
                json.dumps(actor.document),
                fetched_at,
            ),
        )

    async def actor(self, actor_id: str) -> RemoteActor | None:
        row = await fetch_one(
            self._conn,
            "SELECT id, host, inbox, shared_inbox, handle, name, document FROM remote_actors"
            " WHERE id = ?",
            (actor_id,),
        )
        if row is None:
            return None
        return RemoteActor(
            id=row["id"],
            host=row["host"],
            inbox=row["inbox"],
            shared_inbox=row["shared_inbox"],
            handle=row["handle"],
            name=row["name"],
            document=json.loads(row["document"]),
        )

    async def key(self, key_id: str) -> StoredKey | None:
        row = await fetch_one(
            self._conn,
            "SELECT key_id, owner, public_pem FROM remote_keys WHERE key_id = ?",
            (key_id,),
        )
        return StoredKey(row["key_id"], row["owner"], row["public_pem"]) if row else None

    async def save_key(self, key: StoredKey, fetched_at: str) -> None:
        await self._conn.execute(
            "INSERT INTO remote_keys (key_id, owner, public_pem, fetched_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key_id) DO UPDATE SET owner = excluded.owner,"
            " public_pem = excluded.public_pem, fetched_at = excluded.fetched_at",
            (key.key_id, key.owner, key.public_pem, fetched_at),
        )

    async def scheme(self, origin: str) -> str | None:
        row = await fetch_one(
            self._conn, "SELECT scheme FROM signature_schemes WHERE origin = ?", (origin,)
        )
        return str(row["scheme"]) if row else None

    async def save_scheme(self, origin: str, scheme: str, now: str) -> None:
        await self._conn.execute(
            "INSERT INTO signature_schemes (origin, scheme, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (origin) DO UPDATE SET scheme = excluded.scheme,"
            " updated_at = excluded.updated_at",
            (origin, scheme, now),
        )

    async def software(self, host: str) -> str | None:
        row = await fetch_one(self._conn, "SELECT name FROM peer_software WHERE host = ?", (host,))
        return str(row["name"]) if row else None

    async def save_software(self, host: str, name: str, version: str, now: str) -> None:
        await self._conn.execute(
            "INSERT INTO peer_software (host, name, version, fetched_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (host) DO UPDATE SET name = excluded.name, version = excluded.version,"
            " fetched_at = excluded.fetched_at",
            (host, name, version, now),
        )

    async def known_hosts(self) -> list[str]:
        rows = await fetch_all(self._conn, "SELECT DISTINCT host FROM remote_actors ORDER BY host")
        return [row["host"] for row in rows]
