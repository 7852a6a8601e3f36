"""Catching up on a new subscription: the peer's open items from its paged outbox.

One page per step, the cursor kept in the database, so a backfill resumes
after a restart. Bounded by pages and items. The outbox is newest first, so the
first activity seen for an object decides: a Delete leaves a tombstone (an
older Create cannot bring it back) and a newer Update's state wins.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from federation.errors import FederationError
from federation.fetch import RemoteFetcher
from federation.hosts import peer_host
from federation.proofs.provenance import Dropped, ObjectVerifier
from node.ap.remote import ProposalError, parse_proposal
from node.clock import Clock, to_text
from node.domain.subscriptions import SubscriptionFilter
from node.domain.trust import TrustService
from node.storage import Store
from node.storage.backfills import Backfill
from schemas.wire.base import strict_id_of

log = logging.getLogger("solidarity.backfill")

# Bounds on one catch-up: a coalition subscribing to a big group (10,000 open
# offers is 500 outbox pages of 20) must get everything; a peer cannot make us
# fetch forever.
MAX_PAGES = 1000
MAX_ITEMS = 20_000


class BackfillWorker:
    name = "backfill"

    def __init__(
        self,
        store: Store,
        fetcher: RemoteFetcher,
        verifier: ObjectVerifier,
        trust: TrustService,
        clock: Clock,
    ) -> None:
        self._store = store
        self._fetcher = fetcher
        self._verifier = verifier
        self._trust = trust
        self._clock = clock

    async def run_once(self) -> int:
        """Fetch and store one page of one pending backfill; returns items stored."""
        backfill = await self._store.reader.backfills.next_pending()
        if backfill is None:
            return 0
        now = to_text(self._clock.now())
        for _ in range(2):  # the collection itself, then at once its first page
            if (
                backfill.next_page is None
                or backfill.pages_done >= MAX_PAGES
                or (backfill.items_seen >= MAX_ITEMS)
            ):
                async with self._store.transaction() as repos:
                    await repos.backfills.advance(replace(backfill, state="done"), now)
                return 0
            try:
                page = (await self._fetcher.fetch_json(backfill.next_page)).document
            except FederationError as error:
                async with self._store.transaction() as repos:
                    await repos.backfills.advance(
                        replace(backfill, state="failed", last_error=error.reason), now
                    )
                log.info("backfill actor=%s failed reason=%s", backfill.actor_id, error.reason)
                return 0
            if page.get("type") != "OrderedCollection":
                return await self._store_page(backfill, page, now)
            backfill = replace(backfill, next_page=strict_id_of(page.get("first")))
            async with self._store.transaction() as repos:
                await repos.backfills.advance(backfill, now)
        return 0

    async def _store_page(self, backfill: Backfill, page: dict[str, Any], now: str) -> int:
        items = page.get("orderedItems")
        activities = [a for a in (items if isinstance(items, list) else []) if isinstance(a, dict)]
        candidates = []
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
            candidates.append(activity)
        stored = 0
        async with self._store.transaction() as repos:
            followee = await repos.follows.following(backfill.actor_id)
            keep = SubscriptionFilter.from_json(followee.filters if followee else "{}")
            for activity in candidates:
                stored += await self._apply(repos, activity, keep, backfill.actor_id, now)
            next_page = strict_id_of(page.get("next"))
            done = next_page is None or next_page == backfill.next_page
            await repos.backfills.advance(
                replace(
                    backfill,
                    next_page=None if done else next_page,
                    pages_done=backfill.pages_done + 1,
                    items_seen=backfill.items_seen + stored,
                    state="done" if done else "pending",
                ),
                now,
            )
        return stored

    async def _apply(
        self,
        repos: Any,
        activity: dict[str, Any],
        keep: SubscriptionFilter,
        actor: str,
        now: str,
    ) -> int:
        obj = activity.get("object")
        object_id = strict_id_of(obj)
        if object_id is None or peer_host(object_id) != peer_host(actor):
            return 0
        if await repos.remote_items.get(object_id) is not None:
            return 0  # a newer activity for this object was applied already
        if activity.get("type") == "Delete":
            await repos.remote_items.upsert_tombstone(object_id, actor, now)
            return 0
        if not isinstance(obj, dict):
            return 0
        try:
            item = parse_proposal(obj, actor)
        except ProposalError:
            return 0
        if item.status not in ("open", "partly-committed") or not keep.keeps(item):
            return 0
        if item.ends_at is not None and item.ends_at <= now:
            return 0
        await repos.remote_items.upsert(item, now)
        return 1
