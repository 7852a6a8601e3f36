"""Suggested matches: the feed's live items in a matching index, rebuilt when data change.

The index holds what the feed shows (our items, and trusted peers' items), so
untrusted or limited peers' items never match. It is rebuilt at most every
``REBUILD_AFTER`` when the database changed (SQLite's ``data_version``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from node.clock import Clock
from node.domain.feed import FeedEntry, FeedQuery, FeedService
from node.domain.matching import Match, MatchIndex, MatchItem
from node.errors import NotFound
from node.storage import Store
from schemas.vocab import Category, Purpose, Unit, Urgency

REBUILD_AFTER = timedelta(seconds=5)
INDEX_LIMIT = 200_000


def match_item(entry: FeedEntry) -> MatchItem | None:
    """A feed entry the matcher can score; None without category, unit or quantity."""
    if entry.category is None or entry.unit is None or entry.unit not in Unit._value2member_map_:
        return None
    available = entry.available if entry.available is not None else entry.quantity
    if available is None:
        return None
    step = None
    if entry.unit_based:
        # Ours: claims come in the minimum; peers publish the step as resourceQuantity.
        step = (entry.minimum or 1.0) if entry.local else (entry.quantity or 1.0)
    return MatchItem(
        id=entry.id, purpose=Purpose(entry.purpose), category=Category(entry.category),
        unit=Unit(entry.unit),
        available=available, minimum=entry.minimum, unit_based=step is not None,
        quantity_step=step, latitude=entry.latitude, longitude=entry.longitude,
        begins_at=entry.begins_at, ends_at=entry.ends_at,
        urgency=Urgency(entry.urgency or Urgency.ANYTIME.value), origin=entry.origin_actor,
    )  # fmt: skip


@dataclass(frozen=True)
class Suggestion:
    ours: FeedEntry
    theirs: FeedEntry
    match: Match


class SuggestionService:
    def __init__(self, store: Store, feed: FeedService, clock: Clock) -> None:
        self._store = store
        self._feed = feed
        self._clock = clock
        self._index = MatchIndex()
        self._entries: dict[str, FeedEntry] = {}
        self._version: int | None = None
        self._built: datetime | None = None

    async def _fresh(self) -> MatchIndex:
        version = await self._store.data_version()
        now = self._clock.now()
        stale = version != self._version and (
            self._built is None or now - self._built >= REBUILD_AFTER
        )
        if self._built is None or stale:
            entries = await self._feed.entries(FeedQuery(limit=INDEX_LIMIT))
            items = [(e, match_item(e)) for e in entries]
            self._entries = {e.id: e for e, item in items if item is not None}
            self._index = MatchIndex([item for _, item in items if item is not None])
            self._version, self._built = version, now
        return self._index

    def invalidate(self) -> None:
        self._built = None

    async def for_item(self, item_id: str, limit: int = 10) -> list[Suggestion]:
        index = await self._fresh()
        ours = self._entries.get(item_id)
        item = index.get(item_id) if ours else None
        if ours is None or item is None:
            raise NotFound("That item is not open, or has no quantity to match.",
                           reason="item-not-matchable")  # fmt: skip
        return [Suggestion(ours, self._entries[m.item_id], m)
                for m in index.matches_for(item, limit=limit)
                if m.item_id in self._entries]  # fmt: skip

    async def for_our_items(self, limit_each: int = 3) -> list[Suggestion]:
        """Our open requests (most urgent first), then our open offers, with their best matches."""
        index = await self._fresh()
        ours = [e for e in self._entries.values() if e.local]
        ours.sort(key=lambda e: (e.purpose != "request", e.urgency or "~"))
        found: list[Suggestion] = []
        for entry in ours:
            item = index.get(entry.id)
            if item is None:
                continue
            for match in index.matches_for(item, limit=limit_each):
                theirs = self._entries.get(match.item_id)
                if theirs is not None and not theirs.local:
                    found.append(Suggestion(entry, theirs, match))
        return found
