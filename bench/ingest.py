"""Inbox ingest: signed Create{Proposal} from 50 peers to the shared inbox, against a floor.

Run: ``python -m bench.ingest [--activities N] [--peers N]``. Processes, all on
127.0.0.1: the node (``solidarity serve``), the peers' actor documents
(``bench.servers peers``), the floor server (``bench.servers floor``) and the
load generator (``bench.loadgen``), one keep-alive connection per peer.

The node follows every peer (so each Create is stored, not dropped as
``not-followed``); activities carry an eddsa-jcs-2022 proof like ours do. A
warm-up of one activity per peer lets the node fetch and cache the peers'
keys first. Accepted means 202: signature verified, actor and trust checked,
row persisted. The worker's rate is measured until every row is processed,
and every activity is checked to be stored (item-stored). The floor reads the
body, parses the JSON and verifies the digest and one RSA signature.

The per-peer inbox rate limit (default 600/min, burst 200) would cap 50 peers at
500/s; the bench raises it (see ``RATE_PER_MINUTE``, ``BURST``) and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import procs
from bench.machine import describe
from bench.report import print_table, target, write
from bench.wire import Peer, make_peer, signed_creates
from node.clock import to_text
from node.datadir import initialise
from node.storage import Store
from node.storage.follows import Followee

RATE_PER_MINUTE = 60_000.0
BURST = 2_000


def _prepare_peers(count: int, ports: list[int]) -> list[Peer]:
    with ProcessPoolExecutor(2) as pool:
        return list(pool.map(make_peer, ports))


def _sign(peers: list[Peer], target: str, per_peer: int, first: int) -> list[list[bytes]]:
    jobs = [(peer, target, list(range(first, first + per_peer)), peer.port) for peer in peers]
    with ProcessPoolExecutor(2) as pool:
        return list(pool.map(signed_creates, jobs, chunksize=4))


def _write_streams(path: Path, streams: list[list[bytes]]) -> Path:
    path.write_text(json.dumps({"streams": [[r.decode("latin-1") for r in s] for s in streams]}))
    return path


async def _seed(data: Path, port: int, peers: list[Peer]) -> None:
    done = await initialise(
        data,
        public_url=f"http://127.0.0.1:{port}",
        host="127.0.0.1",
        port=port,
        handle="coalition",
        name="Bench coalition",
        private_address_allowlist=procs.allowlist([p.port for p in peers]),
        inbox_rate_per_minute=RATE_PER_MINUTE,
        inbox_burst=BURST,
    )
    store = Store(done.settings.database_path)
    await store.open()
    try:
        now = to_text(datetime.now(UTC))
        async with store.transaction() as repos:
            for peer in peers:
                followee = Followee(peer.actor.id, f"{peer.base}/follows/bench", "accepted")
                await repos.follows.add_following(followee, now)
    finally:
        await store.close()


def _inbox_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT state || ':' || COALESCE(outcome, ''), COUNT(*) FROM inbox_activities"
            " GROUP BY 1"
        ).fetchall()
    return {key: count for key, count in rows}


def _wait_drained(db: Path, expected: int, timeout: float) -> tuple[float, dict[str, int]]:
    """Poll (read-only) until ``expected`` rows are processed; returns the wall time then."""
    deadline = time.monotonic() + timeout
    while True:
        counts = _inbox_counts(db)
        pending = sum(n for key, n in counts.items() if key.startswith("received"))
        if sum(counts.values()) >= expected and pending == 0:
            return time.time(), counts
        if time.monotonic() > deadline:
            raise RuntimeError(f"the inbox did not drain: {counts}")
        time.sleep(0.1)


def _load(name: str, requests: Path, port: int, log: Path) -> dict[str, Any]:
    generator = procs.start(
        name, ["-m", "bench.loadgen", str(requests), str(port), "--deadline", "120"], log
    )
    with procs.running(generator):
        return generator.wait_json("RESULT ", 180)


def run(activities: int, peer_count: int, profile: Path | None = None) -> dict[str, Any]:
    machine = describe()
    per_peer = max(1, activities // peer_count)
    node_port, *peer_ports = procs.free_ports(peer_count + 1)
    target_host = f"127.0.0.1:{node_port}"
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        started = time.monotonic()
        peers = _prepare_peers(peer_count, peer_ports)
        warmup = _write_streams(work / "warmup.json", _sign(peers, target_host, 1, 0))
        main_load = _write_streams(work / "load.json", _sign(peers, target_host, per_peer, 1))
        total = per_peer * peer_count
        setup_s = time.monotonic() - started
        (work / "peers.json").write_text(
            json.dumps(
                {
                    "actors": {str(p.port): p.document() for p in peers},
                    "lifetime": 600,
                }
            )
        )
        keys = {p.actor.main_key_id: p.document()["publicKey"]["publicKeyPem"] for p in peers}
        (work / "floor.json").write_text(json.dumps({"keys": keys, "lifetime": 600}))

        peers_spec = str(work / "peers.json")
        peer_server = procs.start(
            "peers", ["-m", "bench.servers", "peers", peers_spec], work / "peers.log"
        )
        with procs.running(peer_server):
            peer_server.wait_line("READY", 30)
            floor = procs.start(
                "floor",
                ["-m", "bench.servers", "floor", str(work / "floor.json"), str(node_port)],
                work / "floor.log",
            )
            with procs.running(floor):
                floor.wait_line("READY", 30)
                _load("floor-warmup", warmup, node_port, work / "gen.log")
                floor_cpu = procs.cpu_seconds(floor.pid)
                floor_result = _load("floor-load", main_load, node_port, work / "gen.log")
                floor_cpu = procs.cpu_seconds(floor.pid) - floor_cpu

            data = work / "node"
            asyncio.run(_seed(data, node_port, peers))
            node, ready_s = procs.start_node("node", data, work / "node.log")
            with procs.running(node):
                idle_rss, _ = procs.rss_mb(node.pid)
                warm = _load("node-warmup", warmup, node_port, work / "gen.log")
                if warm["accepted"] != peer_count:
                    raise RuntimeError(f"warm-up refused: {warm} {node.tail()}")
                _wait_drained(data / "node.db", peer_count, 60)
                cpu = procs.cpu_seconds(node.pid)
                with procs.profiled(node.pid, profile):
                    node_result = _load("node-load", main_load, node_port, work / "gen.log")
                    drained_at, counts = _wait_drained(data / "node.db", peer_count + total, 300)
                node_cpu = procs.cpu_seconds(node.pid) - cpu
                rss_after, rss_peak = procs.rss_mb(node.pid)

    drain_s = drained_at - node_result["started_at"]
    stored = counts.get("done:item-stored", 0) - peer_count
    accepted, floor_accepted = node_result["accepted_per_s"], floor_result["accepted_per_s"]
    result: dict[str, Any] = {
        "machine": machine,
        "peers": peer_count,
        "activities": total,
        "inbox_rate_limit": f"{RATE_PER_MINUTE:.0f}/min per peer, burst {BURST}",
        "node_accepted": node_result["accepted"],
        "node_accepted_per_s": accepted,
        "node_p50_ms": node_result["p50_ms"],
        "node_p99_ms": node_result["p99_ms"],
        "node_statuses": node_result["statuses"],
        "floor_accepted_per_s": floor_accepted,
        "floor_p50_ms": floor_result["p50_ms"],
        "floor_p99_ms": floor_result["p99_ms"],
        "ratio_to_floor": round(accepted / floor_accepted, 3) if floor_accepted else None,
        "worker_drained_s": round(drain_s, 2),
        "worker_processed_per_s": round(total / drain_s, 1),
        "stored_and_verified": stored,
        "outcomes": counts,
        "node_cpu_s": round(node_cpu, 2),
        "node_cpu_us_per_activity": round(node_cpu / total * 1e6),
        "floor_cpu_s": round(floor_cpu, 2),
        "floor_cpu_us_per_activity": round(floor_cpu / total * 1e6),
        "start_to_ready_s": round(ready_s, 3),
        "idle_rss_mb": idle_rss,
        "rss_after_ingest_mb": rss_after,
        "peak_rss_mb": rss_peak,
        "setup_s": round(setup_s, 1),
    }
    result["targets"] = [
        target("accepted activities/s", accepted, 2000, at_most=False),
        target("ratio to the floor", result["ratio_to_floor"] or 0.0, 0.4, at_most=False),
        target("all activities stored", stored, total, at_most=False),
        target("RSS after ingest (MB)", rss_after, 150),
    ]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--peers", type=int, default=50)
    parser.add_argument("--profile", type=Path, help="py-spy the node into this file")
    args = parser.parse_args()
    result = run(args.activities, args.peers, args.profile)
    print(f"per-peer inbox rate limit set to {result['inbox_rate_limit']} for this run")
    print_table(result)
    write("ingest", result)


if __name__ == "__main__":
    main()
