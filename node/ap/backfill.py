"""Catching up on a new subscription: the peer's open items from its paged outbox.

One page per step, the cursor kept in the database, so a backfill resumes
after a restart. Bounded by pages and items. Which of a page's entries are kept
is node.domain.backfills' rule; this worker fetches, checks proofs and parses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from federation.errors import FederationError
from federation.fetch import RemoteFetcher
from federation.hosts import peer_host
from federation.proofs.provenance import Dropped, ObjectVerifier
from node.ap.remote import ProposalError, parse_proposal
from node.clock import Clock, to_text
from node.domain.backfills import OutboxEntry
from node.domain.records import Backfill
from node.domain.trust import TrustService
from schemas.wire.base import strict_id_of

log = logging.getLogger("solidarity.backfill")

# Bounds on one catch-up: a coalition subscribing to a big group (10,000 open
# offers is 500 outbox pages of 20) must get everything; a peer cannot make us
# fetch forever.
MAX_PAGES = 1000
MAX_ITEMS = 20_000


class Backfills(Protocol):
    """The pending catch-ups and their cursors (node.ap.ports.queues.StoreBackfills)."""

    async def next_pending(self) -> Backfill | None: ...

    async def advance(self, backfill: Backfill, now: str) -> None: ...

    async def store_page(
        self,
        backfill: Backfill,
        entries: Sequence[OutboxEntry],
        now: str,
        advanced: Callable[[int], Backfill],
    ) -> int:
        """Keep what ``entries`` tell us and move the cursor to ``advanced(stored)``."""


class BackfillWorker:
    name = "backfill"

    def __init__(
        self,
        backfills: Backfills,
        fetcher: RemoteFetcher,
        verifier: ObjectVerifier,
        trust: TrustService,
        clock: Clock,
    ) -> None:
        self._backfills = backfills
        self._fetcher = fetcher
        self._verifier = verifier
        self._trust = trust
        self._clock = clock

    async def run_once(self) -> int:
        """Fetch and store one page of one pending backfill; returns items stored."""
        backfill = await self._backfills.next_pending()
        if backfill is None:
            return 0
        now = to_text(self._clock.now())
        for _ in range(2):  # the collection itself, then at once its first page
            if (
                backfill.next_page is None
                or backfill.pages_done >= MAX_PAGES
                or (backfill.items_seen >= MAX_ITEMS)
            ):
                await self._backfills.advance(replace(backfill, state="done"), now)
                return 0
            try:
                page = (await self._fetcher.fetch_json(backfill.next_page)).document
            except FederationError as error:
                await self._backfills.advance(
                    replace(backfill, state="failed", last_error=error.reason), now
                )
                log.info("backfill actor=%s failed reason=%s", backfill.actor_id, error.reason)
                return 0
            if page.get("type") != "OrderedCollection":
                return await self._store_page(backfill, page, now)
            backfill = replace(backfill, next_page=strict_id_of(page.get("first")))
            await self._backfills.advance(backfill, now)
        return 0

    async def _store_page(self, backfill: Backfill, page: dict[str, Any], now: str) -> int:
        items = page.get("orderedItems")
        activities = [a for a in (items if isinstance(items, list) else []) if isinstance(a, dict)]
        entries = []
        for activity in activities:
            obj = activity.get("object")
            if activity.get("type") not in ("Create", "Update", "Delete"):
                continue
            if strict_id_of(activity.get("actor")) != backfill.actor_id:
                continue
            if activity.get("type") != "Delete" and isinstance(obj, dict) and "proof" in obj:
                try:
                    await self._verifier.check_proof(obj)
                except Dropped:
                    continue
            entry = _entry(activity, backfill.actor_id)
            if entry is not None:
                entries.append(entry)
        next_page = strict_id_of(page.get("next"))
        done = next_page is None or next_page == backfill.next_page

        def advanced(stored: int) -> Backfill:
            return replace(
                backfill,
                next_page=None if done else next_page,
                pages_done=backfill.pages_done + 1,
                items_seen=backfill.items_seen + stored,
                state="done" if done else "pending",
            )

        return await self._backfills.store_page(backfill, entries, now, advanced)


def _entry(activity: dict[str, Any], actor: str) -> OutboxEntry | None:
    """What an activity of ``actor``'s outbox says of its object, if it is one of
    ``actor``'s offers or requests: deleted, or its state (``None`` when it is not)."""
    obj = activity.get("object")
    object_id = strict_id_of(obj)
    if object_id is None or peer_host(object_id) != peer_host(actor):
        return None
    if activity.get("type") == "Delete":
        return OutboxEntry(object_id, None)
    if not isinstance(obj, dict):
        return None
    try:
        return OutboxEntry(object_id, parse_proposal(obj, actor))
    except ProposalError:
        return None
