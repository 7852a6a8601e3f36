"""Fan-out: one offer delivered to 1,000 and 10,000 followers' personal inboxes.

Run: ``python -m bench.fanout [--sizes 1000,10000] [--hosts 100]``. Processes,
all on 127.0.0.1: the node (``solidarity serve``) and the sinks
(``bench.servers sink``), 100 ports standing for 100 peer hosts, every port
named in the node's ``private_address_allowlist``. Followers are spread evenly
over the hosts, each with its own inbox (so N distinct signed POSTs); the sink
checks each POST's Digest and signature against the node's key.

The clock starts when the coordinator's ``POST /api/v1/offers`` is sent and
stops at the sink's last verified POST. CPU seconds and peak RSS are the node
process's own (peak reset before the offer). A last run gives every follower
its host's shared inbox: exactly one delivery per host is expected.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import procs
from bench.machine import describe
from bench.report import print_table, target, write
from federation.keys import load_keys
from node.clock import SystemClock, to_text
from node.datadir import initialise
from node.domain.accounts import AccountService
from node.storage import Store
from node.storage.follows import Follower
from node.version import SOFTWARE_NAME
from schemas.vocab import Role

OFFER = {
    "title": "Rice, 200 kg",
    "description": "Brown rice in 1 kg bags, pick up at the depot",
    "category": "food",
    "quantity": {"amount": 200, "unit": "kilogram"},
    "urgency": "within-3-5-days",
    "location": {"latitude": 45.07, "longitude": 7.68},
}


async def _seed(data: Path, port: int, sinks: list[int], followers: int, shared: bool) -> str:
    """A node with ``followers`` accepted followers over the sink hosts; returns a token."""
    done = await initialise(
        data,
        public_url=f"http://127.0.0.1:{port}",
        host="127.0.0.1",
        port=port,
        handle="coalition",
        name="Bench coalition",
        private_address_allowlist=procs.allowlist(sinks),
    )
    store = Store(done.settings.database_path)
    await store.open()
    try:
        now = to_text(datetime.now(UTC))
        async with store.transaction() as repos:
            for sink in sinks:  # our own software: they get the Proposal itself
                await repos.peers.save_software(f"127.0.0.1:{sink}", SOFTWARE_NAME, "bench", now)
            for n in range(followers):
                base = f"http://127.0.0.1:{sinks[n % len(sinks)]}"
                actor = f"{base}/users/{n}"
                follower = Follower(
                    actor,
                    f"{actor}/inbox",
                    f"{base}/inbox" if shared else None,
                    f"{actor}/follows/bench",
                    "accepted",
                )
                await repos.follows.add_follower(follower, now)
        token = await AccountService(store, SystemClock()).issue_token(Role.COORDINATOR)
    finally:
        await store.close()
    return token


def _wait_posts(control: int, expected: int, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        stats = procs.call("GET", f"http://127.0.0.1:{control}/stats")
        if stats["posts"] >= expected or time.monotonic() > deadline:
            return stats
        time.sleep(0.05)


def one_run(
    work: Path,
    sinks: list[int],
    control: int,
    followers: int,
    shared: bool,
    profile: Path | None = None,
) -> dict[str, Any]:
    port = procs.free_ports(1)[0]
    data = work / f"node-{followers}-{'shared' if shared else 'personal'}"
    token = asyncio.run(_seed(data, port, sinks, followers, shared))
    expected = len(sinks) if shared else followers
    keys = load_keys(data / "keys")
    node, _ = procs.start_node("node", data, work / f"{data.name}.log")
    with procs.running(node):
        sender = {
            "key_id": f"http://127.0.0.1:{port}/actor#main-key",
            "public_pem": keys.rsa_public_pem(),
        }
        procs.call("POST", f"http://127.0.0.1:{control}/reset", sender)
        time.sleep(0.5)  # let the start-up settle before the peak is reset
        procs.reset_peak_rss(node.pid)
        cpu = procs.cpu_seconds(node.pid)
        started = time.time()
        with procs.profiled(node.pid, profile):
            procs.call("POST", f"http://127.0.0.1:{port}/api/v1/offers", OFFER, token)
            stats = _wait_posts(control, expected, 120)
        if shared:
            time.sleep(1.0)  # anything beyond one per host would show up now
            stats = procs.call("GET", f"http://127.0.0.1:{control}/stats")
        cpu = procs.cpu_seconds(node.pid) - cpu
        _, peak = procs.rss_mb(node.pid)
    elapsed = stats["last"] - started if stats["posts"] else float("nan")
    return {
        "followers": followers,
        "shared_inboxes": shared,
        "expected_posts": expected,
        "verified_posts": stats["posts"],
        "refused_posts": stats["bad"],
        "distinct_inboxes": stats["distinct_inboxes"],
        "hosts": stats["hosts"],
        "max_posts_per_inbox": stats["max_per_inbox"],
        "seconds_to_last_inbox": round(elapsed, 2),
        "deliveries_per_s": round(stats["posts"] / elapsed, 1) if stats["posts"] else 0,
        "node_cpu_s": round(cpu, 2),
        "node_peak_rss_mb": peak,
    }


def run(sizes: list[int], hosts: int, profile: Path | None = None) -> dict[str, Any]:
    machine = describe()
    *sinks, control = procs.free_ports(hosts + 1)
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp:
        work = Path(tmp)
        spec = {"ports": sinks, "control": control, "lifetime": 600}
        (work / "sink.json").write_text(json.dumps(spec))
        sink = procs.start(
            "sink", ["-m", "bench.servers", "sink", str(work / "sink.json")], work / "sink.log"
        )
        with procs.running(sink):
            sink.wait_line("READY", 30)
            for followers, shared in [(n, False) for n in sizes] + [(max(sizes), True)]:
                name = f".{followers}{'s' if shared else ''}"
                spy = profile.with_suffix(name) if profile else None
                runs.append(one_run(work, sinks, control, followers, shared, spy))
    result: dict[str, Any] = {"machine": machine, "hosts": hosts}
    for one in runs:
        tag = "shared" if one["shared_inboxes"] else str(one["followers"])
        for key in (
            "seconds_to_last_inbox",
            "deliveries_per_s",
            "node_cpu_s",
            "node_peak_rss_mb",
            "verified_posts",
        ):
            result[f"{tag}_{key}"] = one[key]
    result["shared_max_posts_per_inbox"] = runs[-1]["max_posts_per_inbox"]
    result["shared_hosts_reached"] = runs[-1]["hosts"]
    result["runs"] = runs
    result["targets"] = _targets(runs, hosts)
    return result


def _targets(runs: list[dict[str, Any]], hosts: int) -> list[dict[str, Any]]:
    goals = {1000: 3.0, 10_000: 30.0}
    found = []
    for one in runs:
        if one["shared_inboxes"]:
            found.append(
                target("shared: posts (one per host)", one["verified_posts"], hosts, exact=True)
            )
            found.append(
                target("shared: max posts per inbox", one["max_posts_per_inbox"], 1, exact=True)
            )
            continue
        if one["followers"] in goals:
            found.append(
                target(
                    f"{one['followers']} inboxes: seconds",
                    one["seconds_to_last_inbox"],
                    goals[one["followers"]],
                )
            )
        found.append(
            target(f"{one['followers']} inboxes: peak RSS (MB)", one["node_peak_rss_mb"], 200)
        )
        found.append(
            target(
                f"{one['followers']} inboxes: all verified",
                one["verified_posts"],
                one["followers"],
                at_most=False,
            )
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--profile", type=Path, help="py-spy the node into FILE.<run>")
    args = parser.parse_args()
    result = run([int(n) for n in args.sizes.split(",")], args.hosts, args.profile)
    print_table(result)
    write("fanout", result)


if __name__ == "__main__":
    main()
