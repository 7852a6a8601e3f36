"""Soak: the inbox driven at a steady rate for a while, reporting errors and memory
over time. Not part of the default run: set SOLIDARITY_SOAK_SECONDS (600 for the
issue's ten minutes) and SOLIDARITY_SOAK_RATE (activities a second, default 20).

    SOLIDARITY_SOAK_SECONDS=600 python -m pytest tests/hostile/test_soak.py -s
"""

from __future__ import annotations

import asyncio
import os
import resource
import time

import pytest

from tests.hostile.conftest import Net, NetFactory

SECONDS = float(os.environ.get("SOLIDARITY_SOAK_SECONDS", "0"))
RATE = float(os.environ.get("SOLIDARITY_SOAK_RATE", "20"))

pytestmark = pytest.mark.skipif(SECONDS <= 0, reason="set SOLIDARITY_SOAK_SECONDS to soak")


async def test_the_inbox_under_a_steady_load(make_net: NetFactory) -> None:
    net: Net = await make_net(inbox_burst=10_000, inbox_rate_per_minute=1_000_000)
    started = time.monotonic()
    sent = errors = 0
    report_at = started
    while (elapsed := time.monotonic() - started) < SECONDS:
        activity = net.mallory.activity("Like", net.alice.id, f"soak-{sent}")
        status, _ = await net.send(net.mallory, activity)
        sent += 1
        errors += status != 202
        if sent % 50 == 0:
            await net.settle(rounds=100)
        if time.monotonic() >= report_at:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"soak t={elapsed:6.0f}s sent={sent} errors={errors} max_rss_mb={rss}")
            report_at += 30
        await asyncio.sleep(max(0.0, sent / RATE - (time.monotonic() - started)))
    await net.settle(rounds=1000)
    assert errors == 0
    outcomes = await net.outcomes()
    assert sum(1 for k in outcomes if "soak-" in k) == sent, "nothing accepted was lost"
