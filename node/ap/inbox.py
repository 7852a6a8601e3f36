"""The inbox worker: applies persisted activities, one transaction each.

Rows were written before the 202 went out; this worker takes them in order,
reads each into its wire model, fetches what its route needs *outside* the
write lock (a sender's actor document, a relayed object), then applies the
route for the activity's type and object kind and records the outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from federation.documents.actor import LocalActor
from federation.errors import FederationError
from federation.hosts import peer_host
from federation.proofs.provenance import Dropped, ObjectVerifier
from node.ap.actors import ActorDirectory
from node.ap.handlers import HANDLERS
from node.ap.handlers_base import Context, Domain, Need, object_kind, parse_body
from node.ap.software import SoftwareDirectory
from node.clock import Clock, from_text, to_text
from node.domain.outcome import Outcome, dropped
from node.domain.records import QueuedActivity, RemoteActor, Transaction
from node.domain.trust import TrustService
from schemas.wire import WireError, read_activity
from schemas.wire.base import strict_id_of

log = logging.getLogger("solidarity.inbox")

MAX_ATTEMPTS = 8
# Failures no retry can cure: the peer's own document or address is wrong, not the network.
INCURABLE = frozenset(
    {
        "actor-malformed",
        "url-invalid",
        "scheme-refused",
        "address-refused",
        "origin-mismatch",
        "redirect-invalid",
        "redirect-loop",
        "too-many-redirects",
    }
)
LOCK_FOR = timedelta(minutes=5)
MALFORMED = "activity-malformed"
NONE: frozenset[Need] = frozenset()
# Accepting comes first: while activities are arriving, each row waits for a lull (looking
# again every YIELD_STEP seconds), unless it was received ACCEPT_FIRST_FOR ago already. A
# burst is acknowledged at the receiving rate and processed right after it; under a
# sustained flood, processing lags about that long and the two share the event loop.
ACCEPT_FIRST_FOR = timedelta(seconds=5)
YIELD_STEP = 0.01


class InboxQueue(Protocol):
    """The persisted activities the worker applies (node.ap.ports.queues.StoreInboxQueue)."""

    async def claim_due(
        self, now: datetime, limit: int, lock_until: datetime
    ) -> list[QueuedActivity]: ...

    async def apply(
        self, row: QueuedActivity, handle: Callable[[Transaction], Awaitable[Outcome]]
    ) -> Outcome:
        """Run ``handle`` in one write transaction that also records its outcome."""

    async def finish(self, row: QueuedActivity, outcome: Outcome) -> None: ...

    async def retry_at(self, row: QueuedActivity, when: datetime, reason: str) -> None: ...

    async def relays_from(self, relayer: str) -> bool:
        """Whether we take relayed objects from ``relayer``."""


class InboxWorker:
    name = "inbox"

    def __init__(
        self,
        queue: InboxQueue,
        me: LocalActor,
        domain: Domain,
        actors: ActorDirectory,
        trust: TrustService,
        verifier: ObjectVerifier,
        software: SoftwareDirectory,
        clock: Clock,
        *,
        batch: int = 50,
        receiving: Callable[[], bool] = lambda: False,
    ) -> None:
        self._queue = queue
        self._me = me
        self._domain = domain
        self._actors = actors
        self._clock = clock
        self._trust = trust
        self._verifier = verifier
        self._software = software
        self._batch = batch
        self._receiving = receiving

    async def run_once(self) -> int:
        now = self._clock.now()
        rows = await self._queue.claim_due(now, self._batch, now + LOCK_FOR)
        for row in rows:
            await self._let_receivers_go(row)
            try:
                await self._process(row)
            except Exception:  # one bad row must never stall the rows behind it
                log.exception("inbox activity=%s failed reason=handler-error", row.activity_id)
                await self._finish(row, Outcome("failed", "handler-error"))
        return len(rows)

    async def _let_receivers_go(self, row: QueuedActivity) -> None:
        """Wait while activities are being received, unless ``row`` has waited enough."""
        due = from_text(row.received_at) + ACCEPT_FIRST_FOR
        while self._receiving() and self._clock.now() < due:  # noqa: ASYNC110 (a lull is sampled)
            await asyncio.sleep(YIELD_STEP)

    async def _process(self, row: QueuedActivity) -> None:
        dispatch = HANDLERS.get(row.type)
        if dispatch is None:
            await self._finish(row, dropped("unsupported-type"))
            return
        document = parse_body(row)
        kind = object_kind(document.get("object"), row.actor_id)
        route = dispatch.route(kind)
        try:
            activity = read_activity(document)
        except WireError:
            await self._finish(row, dropped(route.refusal(document) if route else MALFORMED))
            return
        try:
            sender, verified = await self._prepare(row, document, route.needs if route else NONE)
        except Dropped as refusal:
            await self._finish(row, dropped(refusal.reason))
            return
        except FederationError as error:
            if error.reason in INCURABLE:
                await self._finish(row, Outcome("failed", error.reason))
            else:
                await self._retry(row, error.reason)
            return
        now = to_text(self._clock.now())

        async def apply(tx: Transaction) -> Outcome:
            ctx = Context(
                tx, self._me, row, activity, document, kind, sender, now, self._domain, verified
            )
            found = route
            if dispatch.resolve is not None:
                ctx = replace(ctx, kind=await dispatch.resolve(ctx))
                found = dispatch.route(ctx.kind)
            return await found.handle(ctx) if found else dropped("unsupported-type")

        outcome = await self._queue.apply(row, apply)
        self._log(row, outcome)

    async def _prepare(
        self, row: QueuedActivity, document: dict[str, Any], needs: frozenset[Need]
    ) -> tuple[RemoteActor | None, dict[str, Any] | None]:
        """Network work before the write transaction, as the route needs it: the sender's
        actor, what software it runs, a relayed object's origin copy, an object's proof."""
        sender: RemoteActor | None = None
        if Need.SENDER in needs or Need.FRESH_SENDER in needs:
            # A changed actor (or key) is believed only as its origin serves it.
            sender = await self._actors.get(row.actor_id, refresh=Need.FRESH_SENDER in needs)
        if Need.SOFTWARE in needs:
            await self._software.learn(row.actor_id)
        obj = document.get("object")
        if Need.RELAYED in needs:
            await self._may_relay(row.actor_id, obj)
            return sender, await self._verifier.relayed(obj)
        if (
            Need.PROOF in needs
            and isinstance(obj, dict)
            and "proof" in obj
            # Anything else the handler drops: fetch no key on its behalf.
            and strict_id_of(obj.get("attributedTo")) == row.actor_id
        ):
            await self._verifier.check_proof(obj)
            return sender, obj
        return sender, None

    async def _may_relay(self, relayer: str, obj: Any) -> None:
        """Before fetching anything for a relay: it comes from a peer we follow (or a
        partner), and the object's origin is not cut off (a block means nothing in)."""
        if not await self._queue.relays_from(relayer):
            raise Dropped("not-followed")
        origins = [strict_id_of(obj)]
        if isinstance(obj, dict):
            origins.append(strict_id_of(obj.get("attributedTo")))
        for origin in filter(None, origins):
            try:
                host = peer_host(origin)
            except ValueError as error:
                raise Dropped("object-origin-mismatch") from error
            if await self._trust.refusal(host) is not None:
                raise Dropped("object-from-refused-peer")

    async def _finish(self, row: QueuedActivity, outcome: Outcome) -> None:
        await self._queue.finish(row, outcome)
        self._log(row, outcome)

    async def _retry(self, row: QueuedActivity, reason: str) -> None:
        if row.attempts >= MAX_ATTEMPTS:
            await self._queue.finish(row, Outcome("failed", reason))
            log.warning("inbox activity=%s failed reason=%s", row.activity_id, reason)
            return
        when = self._clock.now() + timedelta(seconds=30 * 2 ** (row.attempts - 1))
        await self._queue.retry_at(row, when, reason)
        log.info("inbox activity=%s retry reason=%s", row.activity_id, reason)

    @staticmethod
    def _log(row: QueuedActivity, outcome: Outcome) -> None:
        log.info(
            "inbox activity=%s type=%s actor=%s outcome=%s",
            row.activity_id,
            row.type,
            row.actor_id,
            outcome,
        )
