"""Background work: sweeps with a ``run_once()`` step, looped by one runner.

Tests call ``run_once()`` directly; the application runs each sweep every
``worker_interval_seconds`` from its cleanup context.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from node.clock import Clock
from node.domain.changes import ChangeFeed
from node.domain.items import ItemService

log = logging.getLogger("solidarity.workers")


class Sweep(Protocol):
    name: str

    async def run_once(self) -> int:
        """Do one round of work; return how many things it handled."""


@dataclass
class ExpirySweep:
    """Moves items past their end to expired."""

    items: ItemService
    name: str = "expiry"

    async def run_once(self) -> int:
        return await self.items.expire_due()


@dataclass
class RetentionSweep:
    """Deletes private details whose retention period is over."""

    items: ItemService
    name: str = "retention"

    async def run_once(self) -> int:
        return await self.items.purge_private_due()


@dataclass
class EventPruneSweep:
    """Deletes change-feed events every consumer has handled, once older than
    ``queue_retention_days``."""

    changes: ChangeFeed
    clock: Clock
    retention_days: int
    name: str = "event-prune"

    async def run_once(self) -> int:
        return await self.changes.prune(self.clock.now() - timedelta(days=self.retention_days))


class HoldExpirer(Protocol):
    async def expire_holds(self) -> int: ...


@dataclass
class HoldSweep:
    """Tentative holds on our items past their end give their quantity back."""

    claims: HoldExpirer
    name: str = "holds"

    async def run_once(self) -> int:
        return await self.claims.expire_holds()


async def run_periodically(
    sweep: Sweep,
    interval: float,
    wake: asyncio.Event | None = None,
    *,
    stop: asyncio.Event | None = None,
) -> None:
    """Run ``sweep`` until ``stop``: again at once while it finds work, else after
    ``interval`` or when ``wake`` is set. A failing round is logged and retried."""
    stop = stop or asyncio.Event()
    while not stop.is_set():
        handled = 0
        try:
            handled = await sweep.run_once()
            if handled:
                log.debug("sweep=%s handled=%d", sweep.name, handled)
        except Exception:  # a crashed round must not stop future rounds; logged with traceback
            log.exception("sweep=%s failed reason=sweep-error", sweep.name)
        if handled:
            continue
        waits = [asyncio.ensure_future(stop.wait())]
        if wake is not None:
            waits.append(asyncio.ensure_future(wake.wait()))
        _, pending = await asyncio.wait(waits, timeout=interval, return_when="FIRST_COMPLETED")
        for waiting in pending:
            waiting.cancel()
        if wake is not None:
            wake.clear()
