"""Matching and the regional feed over 100,000 stored offers from 500 peers, through the API.

Run: ``python -m bench.feed [--offers N] [--peers N] [--calls N]``. A node's
database is seeded with peers' offers as the inbox stores them (seeded: the
matching benchmark's categories, units, 1 km and 5 km cells over a 300 km
square, windows and urgencies), every peer trusted, plus a few open requests
of our own. Then the node runs as ``solidarity serve`` and this process, as
the coordinator's client, times over loopback HTTP:

- ``GET /api/v1/requests/{id}/matches`` for our requests: the first call builds
  the matching index from the feed (reported apart), then p50/p99 of calls;
- the index rebuild that the first call after a change pays (data changed and
  the 5 s ``REBUILD_AFTER`` passed), and meanwhile the slowest ``/healthz``
  answer, polled from a second thread: how long the rebuild holds the event loop
  (it yields between pages of the feed);
- filtered feed pages (category, area, urgency, text, each with a sort).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import procs
from bench.machine import describe
from bench.matching import random_item
from bench.report import percentile, print_table, target, write
from node.clock import SystemClock, to_text
from node.datadir import initialise
from node.domain.accounts import AccountService
from node.storage import Store
from node.storage.peers import RemoteActor
from node.storage.remote_items import RemoteItem
from node.storage.trust import PeerRow
from schemas.vocab import Purpose, Role

FEEDS = {
    "category": "purpose=offer&category=food&limit=50",
    "area": "purpose=offer&near=45.0,7.5&radius_km=25&sort=distance&limit=50",
    "urgency": "category=medical&category=care&urgency=within-1-2-days&sort=ends&limit=50",
    "text": "text=blankets&sort=urgency&limit=50",
}
TITLES = (
    "Rice and lentils",
    "Blankets and sleeping bags",
    "Bottled water",
    "First aid kits",
    "Lifts to the clinic",
    "Hot meals",
    "Nappies and wipes",
    "Phone charging",
)


def _remote(n: int, peer: int, rng: random.Random, now: datetime) -> RemoteItem:
    item = random_item(rng, n, Purpose.OFFER)
    actor = f"https://peer{peer}.bench.example/actor"
    title = f"{rng.choice(TITLES)} #{n}"
    document = {
        "id": f"https://peer{peer}.bench.example/offers/{n}",
        "type": "Proposal",
        "purpose": "offer",
        "attributedTo": actor,
        "name": title,
    }
    # The matching benchmark's windows are fixed in time; these start around now.
    ends = now + timedelta(days=rng.uniform(1, 30)) if item.ends_at else None
    return RemoteItem(
        id=document["id"],
        actor_id=actor,
        purpose="offer",
        title=title,
        summary=f"{title}, offered by peer {peer}",
        category=item.category.value,
        urgency=item.urgency.value,
        unit=item.unit.value,
        quantity=item.available,
        available_quantity=item.available,
        latitude=item.latitude,
        longitude=item.longitude,
        radius_km=3.536 if item.latitude is not None else None,
        area_name=None,
        begins_at=to_text(now - timedelta(hours=rng.randint(0, 72))),
        ends_at=to_text(ends) if ends else None,
        document=document,
        minimum_quantity=item.minimum,
        unit_based=item.unit_based,
    )


async def _seed(data: Path, port: int, offers: int, peers: int) -> tuple[str, list[str]]:
    done = await initialise(
        data,
        public_url=f"http://127.0.0.1:{port}",
        host="127.0.0.1",
        port=port,
        handle="coalition",
        name="Bench coalition",
    )
    store = Store(done.settings.database_path)
    await store.open()
    rng = random.Random(2026)  # noqa: S311 (seeded benchmark data, not secrets)
    now = datetime.now(UTC)
    stamp = to_text(now)
    try:
        async with store.transaction() as repos:
            for peer in range(peers):
                host = f"peer{peer}.bench.example"
                await repos.trust.save_peer(PeerRow(host, "trusted", updated_at=stamp))
                actor = f"https://{host}/actor"
                await repos.peers.save_actor(
                    RemoteActor(
                        actor,
                        host,
                        f"{actor}/inbox",
                        f"https://{host}/inbox",
                        f"group{peer}",
                        f"Mutual aid group {peer}",
                        {"id": actor, "type": "Group"},
                    ),
                    stamp,
                )
        for start in range(0, offers, 10_000):
            async with store.transaction() as repos:
                for n in range(start, min(offers, start + 10_000)):
                    await repos.remote_items.upsert(_remote(n, n % peers, rng, now), stamp)
        token = await AccountService(store, SystemClock()).issue_token(Role.COORDINATOR)
    finally:
        await store.close()
    return token, []


def _get(url: str, token: str) -> tuple[float, Any]:
    start = time.perf_counter()
    document = procs.call("GET", url, token=token)
    return (time.perf_counter() - start) * 1000, document


def _while_polling(call: Callable[[], float], url: str) -> tuple[float, float]:
    """``call()``'s result, and the slowest answer from ``url`` polled meanwhile."""
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(call)
        slowest = 0.0
        while not running.done():
            slowest = max(slowest, _get(url, "")[0])
            time.sleep(0.005)
        return running.result(), slowest


def _post(url: str, token: str, body: dict[str, Any]) -> Any:
    return procs.call("POST", url, body, token)


def _requests(base: str, token: str, count: int) -> list[str]:
    """Our own open requests, drawn like the offers (so they have matches)."""
    rng = random.Random(7)  # noqa: S311 (seeded benchmark data, not secrets)
    ids = []
    for n in range(count):
        item = random_item(rng, n, Purpose.REQUEST)
        body: dict[str, Any] = {
            "title": f"Needed: {rng.choice(TITLES)}",
            "category": item.category.value,
            "quantity": {"amount": item.available, "unit": item.unit.value},
            "urgency": item.urgency.value,
        }
        if item.latitude is not None:
            body["location"] = {"latitude": item.latitude, "longitude": item.longitude}
        ids.append(_post(f"{base}/api/v1/requests", token, body)["id"])
    return ids


def _summary(timings: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
    }


def run(offers: int, peers: int, calls: int) -> dict[str, Any]:
    machine = describe()
    port = procs.free_ports(1)[0]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bench-feed-") as tmp:
        work = Path(tmp)
        started = time.monotonic()
        token, _ = asyncio.run(_seed(work / "node", port, offers, peers))
        seed_s = time.monotonic() - started
        node, ready_s = procs.start_node("node", work / "node", work / "node.log", timeout=60)
        with procs.running(node):
            ours = _requests(base, token, 20)
            time.sleep(5.5)  # past REBUILD_AFTER, so the first call builds from everything
            first_ms, first = _get(f"{base}/api/v1/requests/{ours[0]}/matches", token)
            match_times, found = [], []
            for n in range(calls):
                elapsed, page = _get(f"{base}/api/v1/requests/{ours[n % len(ours)]}/matches", token)
                match_times.append(elapsed)
                found.append(len(page["matches"]))
            feeds: dict[str, list[float]] = {name: [] for name in FEEDS}
            sizes: dict[str, int] = {}
            for _ in range(calls):
                for name, query in FEEDS.items():
                    elapsed, page = _get(f"{base}/api/v1/feed?{query}", token)
                    feeds[name].append(elapsed)
                    sizes[name] = len(page["entries"])
            _post(f"{base}/api/v1/requests", token, {"title": "One more need", "category": "water"})
            time.sleep(5.5)
            rebuild_ms, stall_ms = _while_polling(
                lambda: _get(f"{base}/api/v1/requests/{ours[1]}/matches", token)[0],
                f"{base}/healthz",
            )
            rss, peak = procs.rss_mb(node.pid)
    every_feed = [t for times in feeds.values() for t in times]
    result: dict[str, Any] = {
        "machine": machine,
        "stored_offers": offers,
        "peers": peers,
        "our_requests": len(ours),
        "calls_each": calls,
        "seed_s": round(seed_s, 1),
        "start_to_ready_s": round(ready_s, 2),
        "matches_first_call_ms": round(first_ms, 1),
        "matches_in_first_call": len(first["matches"]),
        "matches_p50_ms": _summary(match_times)["p50_ms"],
        "matches_p99_ms": _summary(match_times)["p99_ms"],
        "mean_matches_per_request": round(statistics.fmean(found), 2),
        "index_rebuild_after_change_ms": round(rebuild_ms, 1),
        "slowest_healthz_during_rebuild_ms": round(stall_ms, 1),
        "feed_p50_ms": _summary(every_feed)["p50_ms"],
        "feed_p99_ms": _summary(every_feed)["p99_ms"],
        **{f"feed_{name}_p50_ms": _summary(times)["p50_ms"] for name, times in feeds.items()},
        **{f"feed_{name}_entries": sizes[name] for name in FEEDS},
        "node_rss_mb": rss,
        "node_peak_rss_mb": peak,
        "feed_queries": FEEDS,
    }
    result["targets"] = [
        target("matches p50 (ms)", result["matches_p50_ms"], 5),
        target("matches p99 (ms)", result["matches_p99_ms"], 25),
        target("filtered feed page p50 (ms)", result["feed_p50_ms"], 20),
    ]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--peers", type=int, default=500)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    result = run(args.offers, args.peers, args.calls)
    print_table(result)
    write("feed", result)


if __name__ == "__main__":
    main()
