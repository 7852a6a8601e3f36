"""Peers that fail the way real networks fail, on the delivery side: 5xx, 429 with
Retry-After, 404/410, permanent 4xx, timeouts, hangs after the headers, trickles,
refused connections, and a peer gone for days (a simulated clock drives the retry
schedule). One bad peer never holds up a good one, queue rows are never lost, and
in-memory state (circuit breakers, the negative key cache) stays within its
configured bounds, asserted on counts, never on timings."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

import pytest
from cachetools import TTLCache

from federation.delivery.circuit import CircuitBreaker, CircuitConfig
from federation.delivery.retry import DEFAULT_POLICY
from federation.delivery.worker import DeliveryLimits
from node.storage.follows import Follower
from tests.hostile.conftest import DEAD_HOSTS, Net
from tests.hostile.harness import raw


async def _follower(net: Net, actor_id: str, inbox: str) -> None:
    async with net.target.services.store.transaction() as repos:
        await repos.follows.add_follower(
            Follower(actor_id, inbox, None, f"{actor_id}#follow", "accepted"),
            "2026-03-01T12:00:00Z",
        )


def _rows(net: Net) -> dict[str, dict[str, Any]]:
    with sqlite3.connect(net.target.services.settings.database_path) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT inbox, state, attempts, next_attempt_at, last_status,"
            " last_error FROM deliveries"
        ).fetchall()
    return {row["inbox"]: dict(row) for row in rows}


def _quick(net: Net) -> None:
    # Small injected budgets: outcomes are asserted by reason, never by duration.
    net.target.federation.delivery_worker.limits = DeliveryLimits(timeout=0.3, connect_timeout=0.3)


def _healthy(net: Net) -> str:
    return f"{net.hostile.base('victim.test')}/users/alice/inbox"


@pytest.mark.parametrize(
    ("fault", "state", "status", "error"),
    [
        ("500", "pending", 500, "server-error"),
        ("503-retry-after", "pending", 503, "server-error"),
        ("429-retry-after", "pending", 429, "rate-limited"),
        ("410", "pruned", 410, None),
        ("404", "pruned", 404, None),
        ("400", "failed", 400, None),
        ("stall", "pending", None, "timeout"),
        ("hang-after-headers", "pending", None, "timeout"),
        ("trickle-after-200", "delivered", 200, None),
        ("refused", "pending", None, "network-error"),
    ],
)
async def test_a_failing_inbox_is_settled_by_the_policy_and_never_slows_others(
    net: Net, fault: str, state: str, status: int | None, error: str | None
) -> None:
    _quick(net)
    inbox = f"{net.hostile.base('hostile.test')}/faulty/inbox"
    if fault == "refused":
        inbox = f"http://dead-0.test:{net.dead_port}/inbox"
    responders = {
        "500": raw(b"oops", status=500),
        "503-retry-after": raw(b"", status=503, headers={"Retry-After": "7200"}),
        "429-retry-after": raw(b"", status=429, headers={"Retry-After": "7200"}),
        "410": raw(b"", status=410),
        "404": raw(b"", status=404),
        "400": raw(b"", status=400),
        "stall": net.hostile.stall(),
        "hang-after-headers": net.hostile.hang(status=202),
        "trickle-after-200": net.hostile.drip(b"x" * 1000, every=0.05),
    }
    if fault in responders:
        net.hostile.serve(inbox, responders[fault])
    await _follower(net, f"{net.hostile.base('hostile.test')}/users/faulty", inbox)
    await _follower(net, net.alice.id, _healthy(net))
    await net.target.offer(title="Rice")
    start = net.clock.now()
    assert await net.target.federation.delivery_worker.run_once() == 2
    rows = _rows(net)
    assert rows[_healthy(net)]["state"] == "delivered", "the healthy peer was served"
    row = rows[inbox]
    assert (row["state"], row["last_status"]) == (state, status), row
    if error is not None:
        assert (row["last_error"] or "").startswith(error), row
    if fault.endswith("retry-after"):
        assert datetime.fromisoformat(row["next_attempt_at"]) >= start + timedelta(hours=2)
    if state == "pruned":
        follower = await net.target.services.store.reader.follows.follower(
            f"{net.hostile.base('hostile.test')}/users/faulty"
        )
        assert follower is None, "a gone inbox prunes its follower"


async def test_a_peer_gone_for_days_is_retried_on_schedule_then_given_up(net: Net) -> None:
    _quick(net)
    inbox = f"http://dead-1.test:{net.dead_port}/inbox"
    await _follower(net, f"http://dead-1.test:{net.dead_port}/actor", inbox)
    await net.target.offer(title="Water")
    worker = net.target.federation.delivery_worker
    start = net.clock.now()
    rounds = 0
    while _rows(net)[inbox]["state"] == "pending":
        rounds += 1
        assert rounds < 200, "the schedule never ends"
        await worker.run_once()
        due = datetime.fromisoformat(_rows(net)[inbox]["next_attempt_at"])
        if due > net.clock.now():
            net.clock.advance(due - net.clock.now())
    row = _rows(net)[inbox]
    tried = [a for a in net.sockets.attempts if a == ("127.0.0.1", net.dead_port)]
    assert row["state"] == "failed"
    assert row["attempts"] == len(tried), "every counted attempt was a real connection"
    assert 5 <= row["attempts"] <= DEFAULT_POLICY.max_attempts
    assert rounds > row["attempts"], "the open circuit postponed rows without connecting"
    elapsed = net.clock.now() - start
    assert timedelta(hours=24) <= elapsed <= DEFAULT_POLICY.max_age + timedelta(hours=13)


async def test_circuit_breaker_state_stays_within_its_bound(net: Net) -> None:
    """CVE-2026-69132: followers advertising many dead hosts must not grow memory."""
    _quick(net)
    worker = net.target.federation.delivery_worker
    worker.breaker = CircuitBreaker(CircuitConfig(failure_threshold=1, max_hosts=4))
    for host in DEAD_HOSTS:
        await _follower(
            net, f"http://{host}:{net.dead_port}/actor", f"http://{host}:{net.dead_port}/inbox"
        )
    await net.target.offer(title="Blankets")
    assert await worker.run_once() == len(DEAD_HOSTS)
    assert len(worker.breaker) <= 4
    rows = _rows(net)
    assert len(rows) == len(DEAD_HOSTS) and {r["state"] for r in rows.values()} == {"pending"}


async def test_the_negative_key_cache_stays_within_its_bound(net: Net) -> None:
    directory = net.target.federation.key_directory
    # a small configured bound (the default is 10,000)
    directory._missing = TTLCache(5, directory._missing.ttl, timer=directory._now)
    for n in range(20):
        key_id = f"{net.hostile.base('hostile.test')}/keys/missing-{n}#k"
        activity = net.mallory.activity("Like", net.alice.id, f"neg-{n}")
        assert (await net.send(net.mallory, activity, key_id=key_id))[0] == 401
    assert len(directory._missing) == 5
