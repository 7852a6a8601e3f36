"""The regional view: our live offers and requests and every trusted peer's, in one feed.

Peers' items appear when their origin is trusted or a partner, when a trusted
node relayed them from a peer we have no opinion about, or when an admin
opened them; a blocked or limited origin keeps them out. Possible duplicates
(same need or offer posted by two groups) are flagged without personal data.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from federation.hosts import peer_host
from node.clock import Clock, from_text, to_text
from node.domain.location import haversine_km
from node.domain.trust import ALLOWED_IN_ALLOWLIST, Level, TrustService
from node.errors import NotFound
from node.settings import Settings
from node.storage import Store
from node.storage.database import Row
from node.storage.feed import FeedFilter
from node.storage.remote_items import RemoteItem

URGENCY_ORDER = {"within-1-2-days": 0, "within-3-5-days": 1, "within-a-week": 2, "anytime": 3}
_WORD = re.compile(r"[a-z0-9áéíóúñü]{3,}")


@dataclass(frozen=True)
class FeedEntry:
    id: str
    purpose: str
    title: str
    summary: str
    category: str | None
    urgency: str | None
    unit: str | None
    quantity: float | None
    available: float | None
    minimum: float | None
    unit_based: bool
    latitude: float | None
    longitude: float | None
    radius_km: float | None
    area: str | None
    begins_at: datetime | None
    ends_at: datetime | None
    updated_at: datetime
    origin_actor: str
    origin_name: str
    local: bool
    relayed_by: str | None = None
    distance_km: float | None = None
    possible_duplicates: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedQuery:
    purposes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()
    text: str | None = None
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    expiring_within_hours: float | None = None
    sort: str = "newest"
    limit: int = 100


def _time(text: str | None) -> datetime | None:
    return from_text(text) if text else None


def _words(entry: FeedEntry) -> set[str]:
    return set(_WORD.findall(f"{entry.title} {entry.summary}".lower()))


def _looks_alike(a: FeedEntry, b: FeedEntry) -> bool:
    """Same purpose and category, overlapping areas and windows, similar words."""
    if a.origin_actor == b.origin_actor or (a.purpose, a.category) != (b.purpose, b.category):
        return False
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        reach = (a.radius_km or 0) + (b.radius_km or 0) + 1
        if haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) > reach:  # type: ignore[arg-type]
            return False
    if a.ends_at and b.begins_at and a.ends_at < b.begins_at:
        return False
    if b.ends_at and a.begins_at and b.ends_at < a.begins_at:
        return False
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.5


def flag_duplicates(entries: list[FeedEntry]) -> list[FeedEntry]:
    groups: dict[tuple[str, str | None], list[int]] = {}
    for index, entry in enumerate(entries):
        groups.setdefault((entry.purpose, entry.category), []).append(index)
    twins: dict[int, list[str]] = {}
    for members in groups.values():
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                if _looks_alike(entries[first], entries[second]):
                    twins.setdefault(first, []).append(entries[second].id)
                    twins.setdefault(second, []).append(entries[first].id)
    return [replace(e, possible_duplicates=tuple(twins.get(i, ()))) for i, e in enumerate(entries)]


class FeedService:
    def __init__(self, store: Store, trust: TrustService, settings: Settings, clock: Clock) -> None:
        self._store = store
        self._trust = trust
        self._settings = settings
        self._clock = clock

    async def feed(self, query: FeedQuery) -> list[FeedEntry]:
        """A page of the feed, possible duplicates flagged."""
        return flag_duplicates(await self.entries(query))

    async def entries(self, query: FeedQuery) -> list[FeedEntry]:
        """The feed's entries without duplicate flags (comparing pairs costs too much for
        the whole feed, which the matching index reads)."""
        now = self._clock.now()
        ends_before = None
        if query.expiring_within_hours is not None:
            ends_before = to_text(now + timedelta(hours=query.expiring_within_hours))
        raw = FeedFilter(
            now=to_text(now),
            purposes=query.purposes,
            categories=query.categories,
            urgencies=query.urgencies,
            text=query.text,
            near=query.near,
            radius_km=query.radius_km,
            ends_before=ends_before,
            limit=max(query.limit, 500),
        )
        reader = self._store.reader.feed
        entries = [self._local(row) for row in await reader.local(raw)]
        entries += await self._visible_entries(await reader.remote(raw))
        if query.near is not None:
            entries = [self._with_distance(e, query.near, query.radius_km) for e in entries]
            entries = [e for e in entries if e.distance_km is not None or query.radius_km is None]
        return self._sorted(entries, query.sort)[: query.limit]

    async def _visible_entries(self, rows: list[Row]) -> list[FeedEntry]:
        """Peers' rows the feed shows, as entries: every origin's (and relayer's) level
        asked in one query, not one query per host."""
        if not rows:
            return []
        actors = {row["actor_id"] for row in rows}
        actors.update(row["relayed_by"] for row in rows if row["relayed_by"])
        hosts = {actor: peer_host(actor) for actor in actors}
        by_host = await self._trust.levels(list(set(hosts.values())))
        levels = {actor: by_host[host] for actor, host in hosts.items()}
        return [self._remote(row) for row in rows if self._visible(row, levels)]

    async def ours(self) -> list[FeedEntry]:
        """Our live offers and requests."""
        rows = await self._store.reader.feed.local(
            FeedFilter(now=to_text(self._clock.now()), limit=-1)
        )
        return [self._local(row) for row in rows]

    async def pages(self, size: int) -> AsyncIterator[list[FeedEntry]]:
        """The whole feed without duplicate flags, ours first, then peers' a page of at
        most ``size`` rows at a time (so a reader need not hold it whole)."""
        yield await self.ours()
        now, after = to_text(self._clock.now()), 0
        while rows := await self._store.reader.feed.remote_page(now, after, size):
            after = rows[-1]["seq"]
            yield await self._visible_entries(rows)

    async def named(self, ids: Iterable[str]) -> dict[str, FeedEntry]:
        """Those of the entries ``ids`` (item URLs) that the feed shows now, by id."""
        now, reader = to_text(self._clock.now()), self._store.reader.feed
        wanted = list(dict.fromkeys(ids))
        uris = self._settings.uris
        local = [found[1] for i in wanted if (found := uris.item_of(i))]
        remote = [i for i in wanted if not uris.is_ours(i)]
        entries = (
            [self._local(row) for row in await reader.local_named(now, local)] if local else []
        )
        if remote:
            entries += await self._visible_entries(await reader.remote_named(now, remote))
        asked = set(wanted)
        return {entry.id: entry for entry in entries if entry.id in asked}

    async def shows(self, actor_id: str, relayed_by: str | None, opened_at: str | None) -> bool:
        """Whether the feed would show a peer's item from ``actor_id`` (its page)."""
        row = {"actor_id": actor_id, "relayed_by": relayed_by, "opened_at": opened_at}
        actors = [actor_id, *([relayed_by] if relayed_by else [])]
        by_host = await self._trust.levels(list({peer_host(a) for a in actors}))
        levels = {actor: by_host[peer_host(actor)] for actor in actors}
        return self._visible(row, levels)  # type: ignore[arg-type]

    async def peer_item(self, item_id: str) -> RemoteItem:
        """A peer's item as the feed shows it; hidden, deleted or untrusted ones are not found."""
        item = await self._store.reader.remote_items.get(item_id)
        if (
            item is None
            or item.deleted_at is not None
            or item.hidden_at is not None
            or not await self.shows(item.actor_id, item.relayed_by, item.opened_at)
        ):
            raise NotFound("No such item from a peer here.", reason="item-not-found")
        return item

    async def origin_name(self, actor_id: str) -> str | None:
        """The name a peer's actor gives itself, when we have its document."""
        actor = await self._store.reader.peers.actor(actor_id)
        return actor.name if actor else None

    async def public_offers(self) -> list[FeedEntry]:
        """Our own open public offers (the Atom feed anyone may read)."""
        rows = await self._store.reader.feed.local(
            FeedFilter(now=to_text(self._clock.now()), purposes=("offer",))
        )
        return [self._local(row) for row in rows if row["visibility"] == "public"]

    @staticmethod
    def _visible(row: Row, levels: dict[str, Level]) -> bool:
        """``levels``: the level of every origin and relayer, by actor."""
        origin = levels[row["actor_id"]]
        if origin is Level.BLOCKED:
            return False
        if row["opened_at"] is not None or origin in ALLOWED_IN_ALLOWLIST:
            return True
        if origin is Level.UNKNOWN and row["relayed_by"]:
            return levels[row["relayed_by"]] in ALLOWED_IN_ALLOWLIST
        return False

    def _local(self, row: Row) -> FeedEntry:
        url = self._settings.uris.item(row["purpose"], row["id"])
        return FeedEntry(
            id=url,
            purpose=row["purpose"],
            **_described(row),
            origin_actor=self._settings.actor_url,
            origin_name=self._settings.name,
            local=True,
        )

    @staticmethod
    def _remote(row: Row) -> FeedEntry:
        return FeedEntry(
            id=row["id"],
            purpose=row["purpose"] or "offer",
            **_described(row),
            origin_actor=row["actor_id"],
            origin_name=row["origin_name"] or peer_host(row["actor_id"]),
            local=False,
            relayed_by=row["relayed_by"],
        )

    @staticmethod
    def _with_distance(
        entry: FeedEntry, near: tuple[float, float], radius: float | None
    ) -> FeedEntry:
        if entry.latitude is None or entry.longitude is None:
            return entry
        distance = round(haversine_km(*near, entry.latitude, entry.longitude), 2)
        if radius is not None and distance > radius:
            return replace(entry, distance_km=None)
        return replace(entry, distance_km=distance)

    @staticmethod
    def _sorted(entries: list[FeedEntry], sort: str) -> list[FeedEntry]:
        late = datetime.max.replace(tzinfo=UTC)

        def ends(entry: FeedEntry) -> datetime:
            return entry.ends_at or late

        if sort == "urgency":
            return sorted(entries, key=lambda e: (URGENCY_ORDER.get(e.urgency or "", 9), ends(e)))
        if sort == "distance":
            return sorted(entries, key=lambda e: (e.distance_km is None, e.distance_km or 0.0))
        if sort == "ends":
            return sorted(entries, key=ends)
        return sorted(entries, key=lambda e: e.updated_at, reverse=True)


def _described(row: Row) -> dict[str, Any]:
    """The fields a feed entry reads the same from our items and from peers' items."""
    return {
        "title": row["title"],
        "summary": row["summary"],
        "category": row["category"],
        "urgency": row["urgency"],
        "unit": row["unit"],
        "quantity": row["quantity"],
        "available": row["available_quantity"],
        "minimum": row["minimum_quantity"],
        "unit_based": bool(row["unit_based"]),
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "radius_km": row["radius_km"],
        "area": row["area_name"],
        "begins_at": _time(row["begins_at"]),
        "ends_at": _time(row["ends_at"]),
        "updated_at": from_text(row["updated_at"]),
    }
