"""Suggested matches: the feed's live items in a matching index, rebuilt when data change.

The index holds what the feed shows (our items, and trusted peers' items), so
untrusted or limited peers' items never match. It keeps only the compact
matching items; the entries shown with a match are read when asked for, so an
item closed since the last rebuild is not suggested. It is rebuilt at most every
``REBUILD_AFTER`` when the change feed moved (its last event id: items, peers'
items, trust), from the feed a page at a time, letting the event loop serve
others between pages. The item asked about is always read fresh: one posted a
second ago has its matches.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass

from node.domain.feed import FeedEntry, FeedService
from node.domain.matching import Match, MatchIndex, MatchItem
from node.errors import NotFound
from node.storage import Store
from schemas.vocab import Category, Purpose, Unit, Urgency

REBUILD_AFTER = 5.0  # seconds: the most the index lags behind changed data
REBUILD_SHARE = 4.0  # ...but a cheap rebuild may run as soon as 4 × its last duration
PAGE = 500  # rows between two turns of the event loop while the index is rebuilt
SPARE = 5  # matches asked beyond the limit, for those closed since the last rebuild


# Enum members by value: a dict lookup instead of the enum's call, 100,000 times a rebuild.
_PURPOSES = {member.value: member for member in Purpose}
_CATEGORIES = {member.value: member for member in Category}
_UNITS = {member.value: member for member in Unit}
_URGENCIES = {member.value: member for member in Urgency}


def match_item(entry: FeedEntry) -> MatchItem | None:
    """A feed entry the matcher can score; None without category, unit or quantity."""
    if entry.category not in _CATEGORIES or entry.unit not in _UNITS:
        return None
    available = entry.available if entry.available is not None else entry.quantity
    if available is None:
        return None
    step = None
    if entry.unit_based:
        # Ours: claims come in the minimum; peers publish the step as resourceQuantity.
        step = (entry.minimum or 1.0) if entry.local else (entry.quantity or 1.0)
    return MatchItem(
        id=entry.id,
        purpose=_PURPOSES[entry.purpose],
        category=_CATEGORIES[entry.category],
        unit=_UNITS[entry.unit],
        available=available,
        minimum=entry.minimum,
        unit_based=step is not None,
        quantity_step=step,
        latitude=entry.latitude,
        longitude=entry.longitude,
        begins_at=entry.begins_at,
        ends_at=entry.ends_at,
        urgency=_URGENCIES.get(entry.urgency or "", Urgency.ANYTIME),
        origin=entry.origin_actor,
    )


@dataclass(frozen=True)
class Suggestion:
    ours: FeedEntry
    theirs: FeedEntry
    match: Match


class SuggestionService:
    def __init__(self, store: Store, feed: FeedService) -> None:
        self._store = store
        self._feed = feed
        self._index = MatchIndex()
        self._version: int | None = None  # the change feed's last event id when built
        self._built: float | None = None  # time.monotonic() when the index was last built
        self._cost = 0.0  # seconds the last build took
        self._lock = asyncio.Lock()  # one rebuild at a time; the others wait for it

    async def _fresh(self) -> MatchIndex:
        """The index, rebuilt first when data changed and the last build is old enough:
        rebuilding takes at most a fifth of the time while data keep changing, so a
        small node's index is always current and a large one's lags at most a few
        seconds (real time, not the node's clock: this is about CPU)."""
        async with self._lock:
            version = await self._store.reader.events.last_id()
            started = time.monotonic()
            wait = min(REBUILD_AFTER, REBUILD_SHARE * self._cost)
            if self._built is None or (version != self._version and started - self._built >= wait):
                index = MatchIndex()
                async for page in self._feed.pages(PAGE):
                    for entry in page:
                        item = match_item(entry)
                        if item is not None:
                            index.add(item)
                    await asyncio.sleep(0)
                self._index, self._version, self._built = index, version, time.monotonic()
                self._cost = self._built - started
        return self._index

    def invalidate(self) -> None:
        """Rebuild on the next call, whatever changed (tests step the sweeps with it)."""
        self._built = None

    async def for_item(self, item_id: str, limit: int = 10) -> list[Suggestion]:
        ours = (await self._feed.named([item_id])).get(item_id)
        item = match_item(ours) if ours is not None else None
        if ours is None or item is None:
            raise NotFound(
                "That item is not open, or has no quantity to match.", reason="item-not-matchable"
            )
        found = (await self._fresh()).matches_for(item, limit=limit + SPARE)
        theirs = await self._feed.named(m.item_id for m in found)
        return [Suggestion(ours, theirs[m.item_id], m) for m in found if m.item_id in theirs][
            :limit
        ]

    async def for_our_items(self, limit_each: int = 3) -> list[Suggestion]:
        """Our open requests (most urgent first), then our open offers, with their best
        matches among peers' items."""
        ours = await self._feed.ours()
        ours.sort(key=lambda e: (e.purpose != "request", e.urgency or "~"))
        index = await self._fresh()
        pairs: list[tuple[FeedEntry, Match]] = []
        for entry in ours:
            item = match_item(entry)
            if item is not None:
                pairs += [(entry, m) for m in index.matches_for(item, limit=limit_each + SPARE)]
        theirs = await self._feed.named(m.item_id for _, m in pairs)
        found: list[Suggestion] = []
        shown: Counter[str] = Counter()
        for entry, match in pairs:
            other = theirs.get(match.item_id)
            if other is not None and not other.local and shown[entry.id] < limit_each:
                found.append(Suggestion(entry, other, match))
                shown[entry.id] += 1
        return found
