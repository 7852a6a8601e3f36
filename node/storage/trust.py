"""Repository for trust: peer levels, the federation policy, key history, reports, audit."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import aiosqlite

from node.storage.database import fetch_all
from node.storage.events import EventKind, EventRepository


@dataclass(frozen=True)
class PeerRow:
    host: str
    level: str
    severity: str = "noop"
    reject_media: bool = False
    reject_reports: bool = False
    public_comment: str = ""
    private_comment: str = ""
    obfuscate: bool = False
    updated_at: str = ""


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    who: str
    action: str
    subject: str
    detail: dict[str, Any]
    reason: str


@dataclass(frozen=True)
class Report:
    id: int
    direction: str
    activity_id: str
    reporter: str
    objects: list[str]
    content: str
    state: str
    created_at: str


_PEER_COLUMNS = [f.name for f in fields(PeerRow)]
_CHUNK = 5000  # hosts per query, well under SQLite's limit on bound parameters


def _peer(row: Any) -> PeerRow:
    values = dict(row)
    for flag in ("reject_media", "reject_reports", "obfuscate"):
        values[flag] = bool(values[flag])
    return PeerRow(**values)


def _standing_sql(count: int) -> str:
    marks = ", ".join("?" for _ in range(count))
    return (
        f"SELECT 'peer' AS kind, host AS name, level AS value FROM peers"  # noqa: S608
        f" WHERE host IN ({marks}) UNION ALL SELECT 'policy', key, value FROM node_policy"
    )


def _sort_standing(rows: list[Any], levels: dict[str, str], policy: dict[str, str]) -> None:
    for row in rows:
        (levels if row["kind"] == "peer" else policy)[row["name"]] = row["value"]


class TrustPoints:
    """Trust lookups answered at once on the event loop's thread (``Database.points``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def standing(self, hosts: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
        """``TrustRepository.standing`` for the few entries governing one host (asked for
        every inbound activity)."""
        levels: dict[str, str] = {}
        policy: dict[str, str] = {}
        rows = self._conn.execute(_standing_sql(len(hosts)), hosts).fetchall()
        _sort_standing(rows, levels, policy)
        return levels, policy


# The audit action the notification scanner hears of, through the change feed.
KEY_CHANGED = "key.changed"


class TrustRepository:
    """Writes to peers' levels and the policy append ``trust.changed`` (what the feed
    shows follows them); an audited key change appends ``key.changed``."""

    def __init__(self, conn: aiosqlite.Connection, events: EventRepository) -> None:
        self._conn = conn
        self._events = events

    async def peers_named(self, hosts: list[str]) -> list[PeerRow]:
        marks = ", ".join("?" for _ in hosts)
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_PEER_COLUMNS)} FROM peers WHERE host IN ({marks})",  # noqa: S608
            hosts,
        )
        return [_peer(row) for row in rows]

    async def standing(self, hosts: list[str]) -> tuple[dict[str, str], dict[str, str]]:
        """The levels of those of ``hosts`` that have one, and the policy: one query per
        few thousand hosts (asked for every delivery target)."""
        levels: dict[str, str] = {}
        policy: dict[str, str] = {}
        for start in range(0, max(len(hosts), 1), _CHUNK):
            chunk = hosts[start : start + _CHUNK]
            _sort_standing(
                await fetch_all(self._conn, _standing_sql(len(chunk)), chunk), levels, policy
            )
        return levels, policy

    async def all_peers(self) -> list[PeerRow]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_PEER_COLUMNS)} FROM peers ORDER BY host",  # noqa: S608
        )
        return [_peer(row) for row in rows]

    async def save_peer(self, peer: PeerRow) -> None:
        values = {name: getattr(peer, name) for name in _PEER_COLUMNS}
        names = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        sets = ", ".join(f"{name} = excluded.{name}" for name in values if name != "host")
        await self._conn.execute(
            f"INSERT INTO peers ({names}) VALUES ({marks})"  # noqa: S608
            f" ON CONFLICT (host) DO UPDATE SET {sets}",
            values,
        )
        await self._events.append(EventKind.TRUST_CHANGED, peer.host)

    async def delete_peer(self, host: str) -> None:
        await self._conn.execute("DELETE FROM peers WHERE host = ?", (host,))
        await self._events.append(EventKind.TRUST_CHANGED, host)

    async def policy(self) -> dict[str, str]:
        rows = await fetch_all(self._conn, "SELECT key, value FROM node_policy")
        return {row["key"]: row["value"] for row in rows}

    async def set_policy(self, key: str, value: str) -> None:
        await self._conn.execute(
            "INSERT INTO node_policy (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
        await self._events.append(EventKind.TRUST_CHANGED, f"policy:{key}")

    async def record_fingerprint(self, key_id: str, fingerprint: str, now: str) -> bool:
        """Remember a fingerprint; True when this key id had others before it."""
        known = await fetch_all(
            self._conn, "SELECT fingerprint FROM key_history WHERE key_id = ?", (key_id,)
        )
        if any(row["fingerprint"] == fingerprint for row in known):
            return False
        await self._conn.execute(
            "INSERT INTO key_history (key_id, fingerprint, first_seen) VALUES (?, ?, ?)",
            (key_id, fingerprint, now),
        )
        return bool(known)

    async def fingerprints(self, key_prefix: str) -> list[tuple[str, str, str]]:
        rows = await fetch_all(
            self._conn,
            "SELECT key_id, fingerprint, first_seen FROM key_history WHERE key_id LIKE ?"
            " ORDER BY first_seen",
            (key_prefix.replace("%", "") + "%",),
        )
        return [(row["key_id"], row["fingerprint"], row["first_seen"]) for row in rows]

    async def audit(
        self, at: str, who: str, action: str, subject: str, detail: dict[str, Any], reason: str
    ) -> None:
        cursor = await self._conn.execute(
            "INSERT INTO audit_log (at, who, action, subject, detail, reason)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (at, who, action, subject, json.dumps(detail, sort_keys=True), reason),
        )
        if action == KEY_CHANGED:
            entry = {"audit_id": cursor.lastrowid, "at": at, "detail": detail}
            await self._events.append(EventKind.KEY_CHANGED, subject, entry)

    async def audit_entries(
        self, subject: str | None = None, limit: int = 1000
    ) -> list[AuditEntry]:
        rows = await fetch_all(
            self._conn,
            "SELECT id, at, who, action, subject, detail, reason FROM audit_log"
            " WHERE (:subject IS NULL OR subject = :subject) ORDER BY id DESC LIMIT :limit",
            {"subject": subject, "limit": limit},
        )
        return [AuditEntry(**{**dict(row), "detail": json.loads(row["detail"])}) for row in rows]

    async def add_report(
        self,
        direction: str,
        activity_id: str,
        reporter: str,
        objects: list[str],
        content: str,
        now: str,
    ) -> bool:
        cursor = await self._conn.execute(
            "INSERT INTO reports (direction, activity_id, reporter, objects, content, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id) DO NOTHING",
            (direction, activity_id, reporter, json.dumps(objects), content, now),
        )
        return cursor.rowcount == 1

    async def reports(self, state: str | None = None) -> list[Report]:
        rows = await fetch_all(
            self._conn,
            "SELECT id, direction, activity_id, reporter, objects, content, state, created_at"
            " FROM reports WHERE (:state IS NULL OR state = :state) ORDER BY id DESC",
            {"state": state},
        )
        return [Report(**{**dict(row), "objects": json.loads(row["objects"])}) for row in rows]

    async def resolve_report(self, report_id: int) -> bool:
        cursor = await self._conn.execute(
            "UPDATE reports SET state = 'resolved' WHERE id = ? AND state = 'open'", (report_id,)
        )
        return cursor.rowcount == 1
