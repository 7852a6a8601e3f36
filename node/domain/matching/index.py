"""An in-memory index of open items that finds the best matches for one item fast.

Layout. Items are kept per side (offers, requests), then per ``(category,
unit)`` bucket, since units never mix and only the same or a related category
scores. Inside a bucket, located items sit in a fixed-degree grid (``cell_deg``,
0.2° by default: about 22 km north-south), and items with no location in a
list of their own.

Pruning. For a query, the buckets to visit are the item's own category and its
related ones, with the category factor ``c`` (1 or 0.5). Since quantity and
window are at most 1, no item in a cell can score above ``c × exp(−lb / 25)``,
where ``lb`` is a lower bound on the distance from the query point to the
cell: the larger of the latitude gap (``R × Δφ``) and the distance to the
nearest meridian bounding the cell (``R × asin(cos φ × sin Δλ)``), both exact
lower bounds on the great-circle distance, less a 10 m slack for rounding.
Unlocated items are bounded by ``c × 0.5``. So:

* with ``min_score`` 0.05, only cells within ``25 × ln(c / 0.05)`` km are
  looked at: ~75 km for the same category, ~58 km for a related one (beyond
  that ``exp(−d / 25) < 0.05``). The cells in the latitude band and the
  longitude span ``asin(sin r / cos φ)`` of that radius are looked up directly
  (or, when that box has more cells than the bucket, the bucket's own cells are
  filtered); near a pole or with ``min_score`` 0 every cell is looked at;
* cells (and the unlocated list) are visited best bound first, and once
  ``limit`` matches are in hand the ``limit``-th best score becomes the bar:
  a container whose bound is under it cannot hold a result and ends the scan
  (the bar only rises, so nothing skipped could have made the final list).

The pruning is exact, not a heuristic: for any item, ``matches_for`` returns
what scoring every indexed item with :func:`score` and keeping the best
``limit`` would (``tests/node/test_matching.py`` checks it against the brute
force). An unlocated query item gets 0.5 for distance against everything, so
it scans its whole buckets; that is the slow path.

Order of results: score, highest first; among equal scores a more urgent
request first (urgency orders requests, never a pair's score), then item id.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from node.domain.location import EARTH_RADIUS_KM, haversine_km
from node.domain.matching.model import URGENCY_RANK, Match, MatchItem
from node.domain.matching.scoring import (
    DISTANCE_SCALE_KM,
    NO_LOCATION_FACTOR,
    _match,
    scoring_categories,
    usable_quantity,
    window_factor,
)
from schemas.vocab import Category, Purpose, Unit

DEFAULT_CELL_DEG = 0.2
_SLACK_KM = 0.01
_KM_PER_RADIAN = EARTH_RADIUS_KM

Entries = dict[str, MatchItem]


@dataclass(slots=True)
class _Bucket:
    """One side's items of one (category, unit): located ones by grid cell."""

    cells: dict[int, Entries] = field(default_factory=dict)
    unlocated: Entries = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Grid:
    cell: float
    rows: int
    cols: int

    @classmethod
    def of(cls, cell_deg: float) -> _Grid:
        cols = round(360.0 / cell_deg)
        if not 0.01 <= cell_deg <= 10.0 or abs(cols * cell_deg - 360.0) > 1e-9:
            raise ValueError("cell_deg must divide 360 and lie in [0.01, 10]")
        return cls(cell_deg, math.ceil(180.0 / cell_deg - 1e-9), cols)

    def row(self, latitude: float) -> int:
        return min(max(math.floor((latitude + 90.0) / self.cell), 0), self.rows - 1)

    def col(self, longitude: float) -> int:
        return math.floor((longitude + 180.0) / self.cell) % self.cols

    def key(self, latitude: float, longitude: float) -> int:
        return self.row(latitude) * self.cols + self.col(longitude)

    def lower_bound_km(self, key: int, latitude: float, longitude: float, cos_lat: float) -> float:
        """A lower bound on the distance from the point to any point in cell ``key``."""
        row, col = divmod(key, self.cols)
        south = row * self.cell - 90.0 - 1e-9
        north = south + self.cell + 2e-9
        west = col * self.cell - 180.0 - 1e-9
        east = west + self.cell + 2e-9
        dlat = max(0.0, south - latitude, latitude - north)
        if west <= longitude <= east:
            dlon = 0.0
        else:
            dlon = min((west - longitude) % 360.0, (longitude - east) % 360.0)
        by_lat = math.radians(dlat)
        by_lon = math.asin(min(1.0, cos_lat * math.sin(math.radians(min(dlon, 90.0)))))
        return max(0.0, (by_lat if by_lat > by_lon else by_lon) * _KM_PER_RADIAN - _SLACK_KM)

    def box(self, latitude: float, longitude: float, radius_km: float) -> list[int] | None:
        """The keys of the cells that may hold points within ``radius_km``.

        None when that is most of the globe (a pole inside, or a huge radius).
        """
        r = radius_km / _KM_PER_RADIAN
        dlat = math.degrees(r) + 1e-6
        if not math.isfinite(r) or latitude + dlat >= 90.0 or latitude - dlat <= -90.0:
            return None
        ratio = math.sin(r) / math.cos(math.radians(latitude))
        if ratio >= 1.0:
            return None
        dlon = math.degrees(math.asin(ratio)) + 1e-6
        if dlon >= 180.0:
            return None
        rows = range(self.row(latitude - dlat), self.row(latitude + dlat) + 1)
        first = math.floor((longitude - dlon + 180.0) / self.cell)
        last = math.floor((longitude + dlon + 180.0) / self.cell)
        cols = sorted({c % self.cols for c in range(first, last + 1)})
        return [row * self.cols + col for row in rows for col in cols]


class MatchIndex:
    """Open offers and requests, kept incrementally, answering ``matches_for``.

    ``add`` refuses an id already indexed, ``update`` replaces (or adds) an
    item, ``remove`` drops one (KeyError when absent). Untrusted items are
    kept, so they can be updated or removed, but never match or get matches.
    """

    def __init__(self, items: Iterable[MatchItem] = (), *, cell_deg: float = DEFAULT_CELL_DEG):
        self._grid = _Grid.of(cell_deg)
        self._items: dict[str, MatchItem] = {}
        self._sides: dict[Purpose, dict[tuple[Category, Unit], _Bucket]] = {
            Purpose.OFFER: {},
            Purpose.REQUEST: {},
        }
        for item in items:
            self.add(item)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def __iter__(self) -> Iterator[MatchItem]:
        return iter(self._items.values())

    def get(self, item_id: str) -> MatchItem | None:
        return self._items.get(item_id)

    def add(self, item: MatchItem) -> None:
        if item.id in self._items:
            raise ValueError(f"{item.id} is already indexed; use update()")
        self._items[item.id] = item
        if not item.trusted:
            return
        bucket = self._sides[item.purpose].setdefault((item.category, item.unit), _Bucket())
        if item.latitude is None or item.longitude is None:
            bucket.unlocated[item.id] = item
        else:
            key = self._grid.key(item.latitude, item.longitude)
            bucket.cells.setdefault(key, {})[item.id] = item

    def remove(self, item_id: str) -> MatchItem:
        item = self._items.pop(item_id)
        if not item.trusted:
            return item
        side = self._sides[item.purpose]
        bucket = side[item.category, item.unit]
        if item.latitude is None or item.longitude is None:
            del bucket.unlocated[item_id]
        else:
            key = self._grid.key(item.latitude, item.longitude)
            cell = bucket.cells[key]
            del cell[item_id]
            if not cell:
                del bucket.cells[key]
        if not bucket.cells and not bucket.unlocated:
            del side[item.category, item.unit]
        return item

    def update(self, item: MatchItem) -> None:
        if item.id in self._items:
            self.remove(item.id)
        self.add(item)

    def requests_needing_matches(self) -> list[MatchItem]:
        """Trusted requests with a need left, most urgent first, then soonest end, then id."""
        requests = (
            item
            for bucket in self._sides[Purpose.REQUEST].values()
            for entries in (*bucket.cells.values(), bucket.unlocated)
            for item in entries.values()
            if item.available > 0.0
        )
        return sorted(requests, key=urgency_key)

    def matches_for(self, item: MatchItem, limit: int = 10, min_score: float = 0.05) -> list[Match]:
        """The best offers for a request, or the best requests for an offer."""
        if limit <= 0 or not item.trusted or item.available <= 0.0:
            return []
        is_request = item.purpose is Purpose.REQUEST
        side = self._sides[Purpose.OFFER if is_request else Purpose.REQUEST]
        lat, lon = item.latitude, item.longitude
        cos_lat = math.cos(math.radians(lat)) if lat is not None else 0.0
        wrapped = (lon + 180.0) % 360.0 - 180.0 if lon is not None else 0.0  # 180 → −180
        # (bound, tie-break, category factor, entries): visited best bound first.
        containers: list[tuple[float, int, float, Entries]] = []
        for category, c in scoring_categories(item.category):
            bucket = side.get((category, item.unit))
            if bucket is None or c < min_score:
                continue
            if bucket.unlocated:
                bound = c * NO_LOCATION_FACTOR
                containers.append((bound, len(containers), c, bucket.unlocated))
            if lat is None or lon is None:
                bound = c * NO_LOCATION_FACTOR
                for entries in bucket.cells.values():
                    containers.append((bound, len(containers), c, entries))
                continue
            radius = (
                DISTANCE_SCALE_KM * math.log(c / min_score) + _SLACK_KM
                if min_score > 0.0
                else math.inf
            )
            keys = self._grid.box(lat, wrapped, radius)
            cells = bucket.cells
            if keys is None or len(keys) > len(cells):
                pairs: Iterable[tuple[int, Entries]] = cells.items()
            else:
                pairs = ((k, cells[k]) for k in keys if k in cells)
            for key, entries in pairs:
                lb = self._grid.lower_bound_km(key, lat, wrapped, cos_lat)
                if lb <= radius:
                    bound = c * math.exp(-lb / DISTANCE_SCALE_KM)
                    containers.append((bound, len(containers), c, entries))
        containers.sort(key=lambda entry: (-entry[0], entry[1]))

        best: list[float] = []  # min-heap of the `limit` best scores so far
        found: list[tuple[float, MatchItem]] = []
        bar = min_score
        for bound, _, c, entries in containers:
            if bound < bar:
                break
            for other in entries.values():
                olat, olon = other.latitude, other.longitude
                if lat is not None and lon is not None and olat is not None and olon is not None:
                    distance = math.exp(-haversine_km(lat, lon, olat, olon) / DISTANCE_SCALE_KM)
                else:
                    distance = NO_LOCATION_FACTOR
                if c * distance < bar:
                    continue
                request, offer = (item, other) if is_request else (other, item)
                usable = usable_quantity(request, offer)
                if usable <= 0.0:
                    continue
                window = window_factor(request, offer)
                if window <= 0.0:
                    continue
                # Same expression, same order as scoring.score: identical floats.
                value = c * (usable / request.available) * distance * window
                if value < bar:
                    continue
                found.append((value, other))
                if len(best) < limit:
                    heapq.heappush(best, value)
                else:
                    heapq.heappushpop(best, value)
                if len(best) == limit and best[0] > bar:
                    bar = best[0]
        if is_request:
            found.sort(key=lambda pair: (-pair[0], pair[1].id))
        else:
            found.sort(key=lambda pair: (-pair[0], URGENCY_RANK[pair[1].urgency], pair[1].id))
        matches = []
        for _, other in found[:limit]:
            request, offer = (item, other) if is_request else (other, item)
            match = _match(request, offer, other.id)
            assert match is not None
            matches.append(match)
        return matches


def urgency_key(request: MatchItem) -> tuple[int, bool, float, str]:
    """Most urgent first; then the soonest end (open-ended last); then id."""
    ends = request.ends_at
    when = ends.timestamp() if ends is not None else 0.0
    return (URGENCY_RANK[request.urgency], ends is None, when, request.id)


def by_urgency(requests: Iterable[MatchItem]) -> list[MatchItem]:
    return sorted(requests, key=urgency_key)
