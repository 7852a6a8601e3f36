"""Peers' offers and requests we keep: whose they are, who may change them, who relays them.

A peer's item is stored when we follow the peer (or it was addressed to us),
it passes our subscription's filter, and its origin is not cut off; only its
author updates or deletes it, and a deleted one stays deleted. A relay passes
an item on only from a peer we follow or a partner.
"""

from __future__ import annotations

from dataclasses import replace

from federation.hosts import peer_host
from node.domain.outcome import Outcome, done, dropped
from node.domain.subscriptions import SubscriptionFilter
from node.domain.trust import TrustService
from node.storage import Repositories
from node.storage.follows import Followee
from node.storage.remote_items import RemoteItem


class PeerItemService:
    def __init__(self, trust: TrustService) -> None:
        self._trust = trust

    async def stored(
        self, repos: Repositories, item: RemoteItem, *, addressed_to_us: bool, now: str
    ) -> Outcome:
        """Its author created or updated ``item``."""
        if await self._trust.refusal(peer_host(item.id)) is not None:
            return dropped("object-from-refused-peer")
        followee = await repos.follows.following(item.actor_id)
        following = followee is not None and followee.state == "accepted"
        if not following and not addressed_to_us:
            return dropped("not-followed")
        if followee is not None and not SubscriptionFilter.from_json(followee.filters).keeps(item):
            return dropped("outside-subscription")
        existing = await repos.remote_items.get(item.id)
        if existing is not None and existing.actor_id != item.actor_id:
            return dropped("update-not-owner")
        if existing is not None and existing.deleted_at is not None:
            return dropped("object-deleted")
        await repos.remote_items.upsert(item, now)
        return done("item-stored" if existing is None else "item-updated")

    async def relays_from(self, repos: Repositories, relayer: str) -> bool:
        """Whether we take relayed items from ``relayer``: a peer we follow, or a partner."""
        return await self._relayer(repos, relayer) is not False

    async def _relayer(self, repos: Repositories, relayer: str) -> Followee | bool | None:
        followee = await repos.follows.following(relayer)
        if followee is not None and followee.state == "accepted":
            return followee
        if await self._trust.level(peer_host(relayer)) == "partner":
            return followee
        return False

    async def relayed(
        self, repos: Repositories, item: RemoteItem, relayer: str, now: str
    ) -> Outcome:
        """``relayer`` passed on its origin's ``item``."""
        followee = await self._relayer(repos, relayer)
        if followee is False:
            return dropped("not-followed")
        if await self._trust.refusal(peer_host(item.actor_id)) is not None:
            return dropped("object-from-refused-peer")
        if isinstance(followee, Followee) and not SubscriptionFilter.from_json(
            followee.filters
        ).keeps(item):
            return dropped("outside-subscription")
        if await repos.remote_items.get(item.id) is not None:
            return done("item-already-known")
        await repos.remote_items.upsert(replace(item, relayed_by=relayer), now)
        return done("item-relayed")

    @staticmethod
    async def deleted(repos: Repositories, target: str, sender: str, now: str) -> Outcome:
        """``sender`` deleted ``target``: itself (its follows and items go) or one of its items."""
        if target == sender:
            await repos.follows.remove_follower(target)
            await repos.follows.remove_following(target)
            for item_id in await repos.remote_items.live_ids(target):
                await repos.remote_items.tombstone(item_id, now)
            return done("actor-deleted")
        existing = await repos.remote_items.get(target)
        if existing is None:
            return dropped("object-unknown")
        if existing.actor_id != sender:
            return dropped("delete-not-owner")
        await repos.remote_items.tombstone(target, now)
        return done("item-deleted")
