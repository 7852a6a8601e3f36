"""Soak: the inbox driven at a steady rate for a while, reporting errors and memory
over time. Not part of the default run: set SOLIDARITY_SOAK_SECONDS (600 for the
issue's ten minutes) and SOLIDARITY_SOAK_RATE (activities a second, default 20).

    SOLIDARITY_SOAK_SECONDS=600 python -m pytest tests/hostile/test_soak.py -s
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import time
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from tests.hostile.conftest import Net, NetFactory

SECONDS = float(os.environ.get("SOLIDARITY_SOAK_SECONDS", "0"))
RATE = float(os.environ.get("SOLIDARITY_SOAK_RATE", "20"))

pytestmark = pytest.mark.skipif(SECONDS <= 0, reason="set SOLIDARITY_SOAK_SECONDS to soak")


def _rss_mb() -> tuple[int, int]:
    """This process's resident memory now and at its peak, in MB (now: Linux only)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    status = Path("/proc/self/status")
    lines = status.read_text().splitlines() if status.exists() else []
    now = [int(line.split()[1]) // 1024 for line in lines if line.startswith("VmRSS:")]
    return (now[0] if now else peak), peak


async def _drive(net: Net, session: aiohttp.ClientSession) -> tuple[int, int]:
    """Likes from Mallory at RATE a second for SECONDS; returns (sent, refused)."""
    started, origin = time.monotonic(), net.clock.now()
    sent = errors = 0
    report_at = started
    while (elapsed := time.monotonic() - started) < SECONDS:
        # The node's clock keeps time with the wall, so its rate limiter refills as in
        # production (a frozen clock spends the burst and then refuses everything).
        net.clock.advance(origin + timedelta(seconds=elapsed) - net.clock.now())
        activity = net.mallory.activity("Like", net.alice.id, f"soak-{sent}")
        body, headers = net.signed(net.mallory, activity)
        async with session.post(net.inbox, data=body, headers=headers) as response:
            await response.read()
        sent += 1
        errors += response.status != 202
        if sent % 50 == 0:
            await net.settle(rounds=100)
        if time.monotonic() >= report_at:
            rss, peak = _rss_mb()
            print(
                f"soak t={elapsed:6.0f}s sent={sent} errors={errors} rss_mb={rss} max_rss_mb={peak}"
            )
            report_at += 30
        await asyncio.sleep(max(0.0, sent / RATE - (time.monotonic() - started)))
    return sent, errors


async def test_the_inbox_under_a_steady_load(make_net: NetFactory) -> None:
    net: Net = await make_net(inbox_burst=10_000, inbox_rate_per_minute=1_000_000)
    # Only warnings are kept: the log capture would otherwise hold every accepted
    # activity's lines and grow the memory this reports.
    net.caplog.set_level(logging.WARNING, logger="solidarity")
    # A plain session to the node's loopback port: the test client keeps every response
    # until the end, which would be memory this reports as the node's.
    async with aiohttp.ClientSession() as session:
        sent, errors = await _drive(net, session)
    await net.settle(rounds=1000)
    outcomes = await net.outcomes()
    processed = sum(1 for k in outcomes if "soak-" in k)
    rss, peak = _rss_mb()
    print(
        f"soak done sent={sent} errors={errors} processed={processed} rss_mb={rss} "
        f"max_rss_mb={peak}"
    )
    assert errors == 0
    assert processed == sent, "nothing accepted was lost"
