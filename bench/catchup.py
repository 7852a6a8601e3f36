"""Catch-up: subscribing to a peer with 10,000 open offers backfills them all.

Run: ``python -m bench.catchup [--offers N]``. Two nodes, each its own
``solidarity serve`` process on 127.0.0.1, each allowlisting only the other's
port. The peer's offers are created through its own item service before it
starts (so its outbox holds the signed Create activities it would have sent).
The clock starts when the coalition's admin subscribes (``POST
/api/v1/admin/following``, which fetches the peer's actor and starts the
backfill) and stops when the coalition's database holds every offer; the
coalition verifies each offer's proof on the way in.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import procs
from bench.machine import describe
from bench.report import print_table, target, write
from node.clock import SystemClock
from node.datadir import initialise
from node.services import build_services
from schemas.api import ItemCreate
from schemas.vocab import Purpose

CATEGORIES = ("food", "water", "hygiene", "shelter", "household", "medical", "transport")


async def _seed_peer(data: Path, port: int, other: int, offers: int) -> None:
    done = await initialise(
        data,
        public_url=f"http://127.0.0.1:{port}",
        host="127.0.0.1",
        port=port,
        handle="foodbank",
        name="Bench food bank",
        private_address_allowlist=procs.allowlist([other]),
    )
    services = build_services(done.settings, SystemClock())
    await services.store.open()
    try:
        for n in range(offers):
            category = CATEGORIES[n % len(CATEGORIES)]
            await services.items.create(
                Purpose.OFFER,
                ItemCreate.model_validate(
                    {
                        "title": f"Offer {n}: {category}",
                        "description": f"Benchmark offer {n}",
                        "category": category,
                        "quantity": {"amount": 1 + n % 40, "unit": "one"},
                        "location": {
                            "latitude": 45.0 + (n % 97) / 100,
                            "longitude": 7.5 + (n % 89) / 100,
                        },
                    }
                ),
            )
    finally:
        await services.store.close()


async def _seed_coalition(data: Path, port: int, other: int) -> str:
    done = await initialise(
        data,
        public_url=f"http://127.0.0.1:{port}",
        host="127.0.0.1",
        port=port,
        handle="coalition",
        name="Bench coalition",
        private_address_allowlist=procs.allowlist([other]),
    )
    return done.admin_token


def _progress(db: Path) -> tuple[int, str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        count = conn.execute("SELECT COUNT(*) FROM remote_items").fetchone()[0]
        row = conn.execute(
            "SELECT state || ':' || pages_done || ':' || last_error FROM backfills"
        ).fetchone()
    return int(count), row[0] if row else "none"


def run(offers: int, profile: Path | None = None) -> dict[str, Any]:
    machine = describe()
    peer_port, coalition_port = procs.free_ports(2)
    with tempfile.TemporaryDirectory(prefix="bench-catchup-") as tmp:
        work = Path(tmp)
        started = time.monotonic()
        asyncio.run(_seed_peer(work / "peer", peer_port, coalition_port, offers))
        seed_s = time.monotonic() - started
        token = asyncio.run(_seed_coalition(work / "coalition", coalition_port, peer_port))
        peer, _ = procs.start_node("peer", work / "peer", work / "peer.log")
        with procs.running(peer):
            coalition, _ = procs.start_node("coalition", work / "coalition", work / "coalition.log")
            with procs.running(coalition):
                cpu = procs.cpu_seconds(peer.pid), procs.cpu_seconds(coalition.pid)
                spy = procs.profiled(coalition.pid, profile)
                spy.__enter__()
                begun = time.monotonic()
                procs.call(
                    "POST",
                    f"http://127.0.0.1:{coalition_port}/api/v1/admin/following",
                    {"target": f"foodbank@127.0.0.1:{peer_port}"},
                    token,
                )
                deadline = begun + 120
                while True:
                    stored, state = _progress(work / "coalition" / "node.db")
                    if stored >= offers or state.startswith(("done", "failed")):
                        break
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.1)
                elapsed = time.monotonic() - begun
                spy.__exit__(None, None, None)
                peer_cpu = procs.cpu_seconds(peer.pid) - cpu[0]
                coalition_cpu = procs.cpu_seconds(coalition.pid) - cpu[1]
                rss, peak = procs.rss_mb(coalition.pid)
    result: dict[str, Any] = {
        "machine": machine,
        "peer_open_offers": offers,
        "seed_s": round(seed_s, 1),
        "stored": stored,
        "backfill_state": state,
        "seconds": round(elapsed, 2) if stored >= offers else None,
        "offers_per_s": round(stored / elapsed, 1),
        "peer_cpu_s": round(peer_cpu, 2),
        "coalition_cpu_s": round(coalition_cpu, 2),
        "coalition_rss_mb": rss,
        "coalition_peak_rss_mb": peak,
    }
    result["targets"] = [
        target("all offers backfilled", stored, offers, at_most=False),
        target("seconds to backfill all", result["seconds"] or float("inf"), 15),
    ]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--profile", type=Path, help="py-spy the coalition node into FILE")
    args = parser.parse_args()
    result = run(args.offers, args.profile)
    print_table(result)
    write("catchup", result)


if __name__ == "__main__":
    main()
