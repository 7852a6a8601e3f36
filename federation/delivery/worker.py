"""The delivery worker: signs and POSTs queued activities, then settles each row.

Each POST goes through the one guarded poster (``federation.poster``), which
turns refusals, timeouts and network errors into reason codes.

One dead peer never slows the others: a global and a per-host concurrency
limit, short timeouts, and a per-host circuit breaker that postpones deliveries
to a host while it is open. The retry policy is the pure ``decide`` function.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import aiohttp
from yarl import URL

from federation.delivery.circuit import CircuitBreaker
from federation.delivery.retry import DEFAULT_POLICY, Attempt, RetryPolicy, decide
from federation.errors import QueueClosed
from federation.fetch import AddressPolicy
from federation.httpsig import Scheme
from federation.ports import DeliveryJob, DeliveryStore, SchemeStore
from federation.poster import GuardedPoster, PostResult
from federation.signing import DEFAULT_SCHEME, OTHER_SCHEME, RequestSigner

log = logging.getLogger("solidarity.delivery")

ACTIVITY_JSON = "application/activity+json"


@dataclass(frozen=True)
class DeliveryLimits:
    batch: int = 500
    concurrency: int = 64
    per_host: int = 8
    timeout: float = 15.0
    connect_timeout: float = 5.0
    lock_for: timedelta = timedelta(minutes=10)


@dataclass
class DeliveryWorker:
    store: DeliveryStore
    schemes: SchemeStore
    session: aiohttp.ClientSession
    signer: RequestSigner
    addresses: AddressPolicy
    now: Callable[[], datetime]
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    policy: RetryPolicy = DEFAULT_POLICY
    limits: DeliveryLimits = field(default_factory=DeliveryLimits)
    rng: random.Random = field(default_factory=random.Random)
    permitted: Callable[[str], Awaitable[bool]] | None = None
    user_agent: str = "solidarity-node"
    name: str = "delivery"

    async def run_once(self) -> int:
        start = self.now()
        jobs = await self.store.claim_due(start, self.limits.batch, start + self.limits.lock_for)
        overall = asyncio.Semaphore(self.limits.concurrency)
        per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.limits.per_host)
        )

        async def one(job: DeliveryJob) -> None:
            async with overall, per_host[job.host]:
                try:
                    await self._deliver(job)
                except QueueClosed:
                    # Shutting down: the lease on the row runs out and it is sent again.
                    log.info("delivery id=%d outcome not recorded reason=queue-closed", job.id)

        await asyncio.gather(*(one(job) for job in jobs))
        return len(jobs)

    async def _deliver(self, job: DeliveryJob) -> None:
        now = self.now()
        if self.permitted is not None and not await self.permitted(job.host):
            await self.store.failed(job, None, "peer-refused", now)
            log.info("delivery id=%d host=%s failed reason=peer-refused", job.id, job.host)
            return
        if not self.breaker.allow(job.host, now):
            health = self.breaker.snapshot(now).get(job.host)
            later = health.opened_until if health and health.opened_until else now
            await self.store.postpone(job, max(later, now + timedelta(seconds=30)))
            log.info("delivery id=%d host=%s postponed reason=circuit-open", job.id, job.host)
            return
        response = await self._post_knocking(job)
        now = self.now()
        if response.status is None or response.status >= 500:
            self.breaker.record_failure(job.host, now)
        else:
            self.breaker.record_success(job.host, now)
        attempt = Attempt(
            job.attempts + 1, response.status, response.retry_after, now, job.created_at
        )
        decision = decide(attempt, self.policy, self.rng)
        error = response.error or decision.reason
        if response.permanent:
            await self.store.failed(job, None, error, now)
        elif decision.kind == "delivered":
            assert response.status is not None
            await self.store.delivered(job, response.status, now)
        elif decision.kind == "prune":
            assert response.status is not None
            await self.store.prune(job, response.status, now)
        elif decision.kind == "retry":
            assert decision.next_attempt_at is not None
            await self.store.retry_at(job, decision.next_attempt_at, response.status, error, now)
        else:
            await self.store.failed(job, response.status, error, now)
        log.info(
            "delivery id=%d inbox=%s status=%s outcome=%s reason=%s",
            job.id,
            job.inbox,
            response.status,
            decision.kind,
            error,
        )

    async def _post_knocking(self, job: DeliveryJob) -> PostResult:
        """POST with the scheme the origin is known to take; on 400/401, try the other once."""
        origin = str(URL(job.inbox).origin())
        known = await self.schemes.scheme_for(origin)
        scheme: Scheme = "rfc9421" if known == "rfc9421" else DEFAULT_SCHEME
        # Built per job, so limits changed on a running worker apply to its next job.
        poster = GuardedPoster(
            self.session,
            self.addresses,
            self.user_agent,
            self.limits.timeout,
            self.limits.connect_timeout,
        )
        response = await self._post(poster, job, scheme)
        if response.status in (400, 401):
            other = OTHER_SCHEME[scheme]
            retry = await self._post(poster, job, other)
            if retry.status is not None and 200 <= retry.status < 300:
                await self.schemes.remember(origin, other, self.now())
            return retry
        if known is None and response.status is not None and 200 <= response.status < 300:
            await self.schemes.remember(origin, scheme, self.now())
        return response

    async def _post(self, poster: GuardedPoster, job: DeliveryJob, scheme: Scheme) -> PostResult:
        headers = {"Content-Type": ACTIVITY_JSON, "Accept": ACTIVITY_JSON}

        def sign(sent: Mapping[str, str]) -> dict[str, str]:
            return self.signer.sign("POST", job.inbox, sent, job.body, scheme)

        return await poster.post(job.inbox, job.body, headers, sign)
