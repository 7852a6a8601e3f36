"""How fast the matching index answers "best offers for this request" at scale.

Run: ``python -m bench.matching [--offers N] [--requests N] [--seed N]``. Builds
a seeded set of open offers spread over a 300 km × 300 km region (coarse points
on the 1 km and 5 km grids, 5 % without a location, 5 % from untrusted peers,
plausible category/unit pairs, unit-based steps, minimums and windows, some
open-ended), indexes them, then times ``matches_for`` (limit 10, min_score
0.05) for random requests drawn the same way. Memory: ``index_*`` is what the
index adds (RSS delta, tracemalloc); ``items_traced_mb`` is the MatchItem
objects themselves, which the caller builds anyway. Prints a table and writes
``bench/results/matching.json``. A sample of requests is also checked against
the brute force (every offer scored) to show the pruning loses nothing.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import random
import statistics
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.machine import describe
from bench.report import percentile, print_table, write
from node.domain.location import KM_PER_DEGREE, snap_to_grid
from node.domain.matching import DEFAULT_CELL_DEG, Match, MatchIndex, MatchItem, score
from schemas.vocab import Category, Purpose, Unit, Urgency

CENTRE = (45.0, 7.5)
BOX_KM = 300.0
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# Which units each category is plausibly counted in.
UNITS: dict[Category, tuple[Unit, ...]] = {
    Category.FOOD: (Unit.KILOGRAM, Unit.ONE, Unit.GRAM),
    Category.WATER: (Unit.LITRE, Unit.ONE),
    Category.HYGIENE: (Unit.ONE,),
    Category.SHELTER: (Unit.ONE, Unit.DAY),
    Category.HOUSEHOLD: (Unit.ONE,),
    Category.MEDICAL: (Unit.ONE,),
    Category.TRANSPORT: (Unit.HOUR, Unit.ONE),
    Category.ENERGY_COMMS: (Unit.ONE, Unit.HOUR),
    Category.CARE: (Unit.HOUR, Unit.DAY),
    Category.SKILLS: (Unit.HOUR,),
    Category.TIME: (Unit.HOUR, Unit.DAY),
    Category.CASH: (Unit.ONE,),
    Category.OTHER: (Unit.ONE,),
}
CATEGORIES = list(UNITS)


def random_item(rng: random.Random, n: int, purpose: Purpose) -> MatchItem:
    category = rng.choice(CATEGORIES)
    unit = rng.choice(UNITS[category])
    latitude: float | None = None
    longitude: float | None = None
    if rng.random() >= 0.05:
        half_lat = BOX_KM / 2 / KM_PER_DEGREE
        half_lon = half_lat / math.cos(math.radians(CENTRE[0]))
        place = snap_to_grid(
            CENTRE[0] + rng.uniform(-half_lat, half_lat),
            CENTRE[1] + rng.uniform(-half_lon, half_lon),
            rng.choice((1.0, 5.0)),
        )
        latitude, longitude = place.latitude, place.longitude
    unit_based = rng.random() < 0.3
    step = float(rng.choice((1, 2, 5))) if unit_based else None
    available = float(rng.randint(1, 40))
    if step is not None:
        available = max(step, available // step * step)
    minimum = float(rng.randint(1, 10)) if rng.random() < 0.2 else None
    offer = purpose is Purpose.OFFER
    begins = NOW + timedelta(hours=rng.uniform(0, 168 if offer else 72))
    ends = (
        None if rng.random() < 0.2 else begins + timedelta(days=rng.uniform(1, 30 if offer else 14))
    )
    return MatchItem(
        id=f"https://n{n % 50}.example/{purpose.value}s/{n}",
        purpose=purpose,
        category=category,
        unit=unit,
        available=available,
        minimum=minimum,
        unit_based=unit_based,
        quantity_step=step,
        latitude=latitude,
        longitude=longitude,
        begins_at=begins,
        ends_at=ends,
        urgency=rng.choice(list(Urgency)),
        origin=f"https://n{n % 50}.example/actor",
        trusted=rng.random() >= 0.05,
    )


def rss_bytes() -> int:
    statm = Path("/proc/self/statm")
    if not statm.exists():
        return 0
    return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def brute_force(request: MatchItem, offers: list[MatchItem], limit: int) -> list[Match]:
    scored = [m for o in offers if (m := score(request, o)) is not None and m.score >= 0.05]
    scored.sort(key=lambda m: (-m.score, m.item_id))
    return scored[:limit]


def run(
    offers_count: int, requests_count: int, verify: int, seed: int, cell_deg: float
) -> dict[str, Any]:
    rng = random.Random(seed)  # noqa: S311 (seeded benchmark data, not secrets)
    offers = [random_item(rng, n, Purpose.OFFER) for n in range(offers_count)]
    # The requests asked about are our own group's, so trusted.
    requests = [
        replace(random_item(rng, n, Purpose.REQUEST), trusted=True) for n in range(requests_count)
    ]

    gc.collect()
    rss_before = rss_bytes()
    start = time.perf_counter()
    index = MatchIndex(offers, cell_deg=cell_deg)
    build_s = time.perf_counter() - start
    gc.collect()
    rss_index = rss_bytes() - rss_before

    tracemalloc.start()
    traced = MatchIndex(offers, cell_deg=cell_deg)
    index_traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced

    timings: list[float] = []
    unlocated: list[float] = []
    results = 0
    for request in requests:
        start = time.perf_counter()
        found = index.matches_for(request, limit=10, min_score=0.05)
        elapsed = (time.perf_counter() - start) * 1000
        (timings if request.located else unlocated).append(elapsed)
        results += len(found)
    every = timings + unlocated

    # What the items themselves take (the caller's objects, not the index's).
    tracemalloc.start()
    again = random.Random(seed)  # noqa: S311 (seeded benchmark data, not secrets)
    copies = [random_item(again, n, Purpose.OFFER) for n in range(offers_count)]
    items_traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del copies

    checked = 0
    for request in rng.sample(requests, min(verify, len(requests))):
        mine = [(m.item_id, m.score) for m in index.matches_for(request)]
        assert mine == [(m.item_id, m.score) for m in brute_force(request, offers, 10)]
        checked += 1

    return {
        "machine": describe(),
        "offers": offers_count,
        "cell_deg": cell_deg,
        "requests": len(every),
        "requests_without_location": len(unlocated),
        "build_s": round(build_s, 3),
        "index_rss_mb": round(rss_index / 2**20, 1),
        "index_traced_mb": round(index_traced / 2**20, 1),
        "items_traced_mb": round(items_traced / 2**20, 1),
        "median_ms": round(statistics.median(every), 3),
        "p99_ms": round(percentile(every, 0.99), 3),
        "mean_ms": round(statistics.fmean(every), 3),
        "max_ms": round(max(every), 3),
        "located_median_ms": round(statistics.median(timings), 3),
        "located_p99_ms": round(percentile(timings, 0.99), 3),
        "unlocated_median_ms": round(statistics.median(unlocated), 3) if unlocated else None,
        "unlocated_p99_ms": round(percentile(unlocated, 0.99), 3) if unlocated else None,
        "mean_matches_per_request": round(results / len(every), 2),
        "checked_against_brute_force": checked,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--verify", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cell", type=float, default=DEFAULT_CELL_DEG, help="grid cell, degrees")
    args = parser.parse_args()
    result = run(args.offers, args.requests, args.verify, args.seed, args.cell)
    print_table(result)
    write("matching", result)


if __name__ == "__main__":
    main()
