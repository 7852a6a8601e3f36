"""Referral between groups: pass a request on to a group that can meet it.

Our request goes to the other group and closes with reason ``referred``; a
request a trusted group refers to us becomes a draft carrying ``referredFrom``
(the referring request's id) for a coordinator to publish.
"""

from __future__ import annotations

from federation.hosts import peer_host
from node.domain.items import ItemService
from node.domain.outcome import Outcome, done, dropped
from node.domain.peers import PeerLookup, ReferralMessages
from node.domain.trust import ALLOWED_IN_ALLOWLIST, TrustService
from node.errors import Forbidden
from node.storage import Repositories, Store
from node.storage.remote_items import RemoteItem
from schemas.api import ItemCreate, LocationIn, QuantityIn
from schemas.vocab import Category, CloseReason, Purpose, Unit, Urgency


class ReferralService:
    def __init__(
        self,
        store: Store,
        peers: PeerLookup,
        messages: ReferralMessages,
        items: ItemService,
        trust: TrustService,
    ) -> None:
        self._store = store
        self._peers = peers
        self._messages = messages
        self._items = items
        self._trust = trust

    async def refer(self, item_id: str, target: str, *, who: str) -> str:
        """Send our request to ``target`` (handle or actor URL); returns the Offer's id."""
        actor_id = await self._peers.resolve(target)
        if await self._trust.refusal(peer_host(actor_id)) is not None:
            raise Forbidden(
                f"{peer_host(actor_id)} is cut off by our policy.", reason="peer-refused"
            )
        group = await self._peers.actor(actor_id)
        item = await self._items.get(Purpose.REQUEST, item_id, signed_in=True)
        async with self._store.transaction() as repos:
            await self._items.close_in(repos, Purpose.REQUEST, item_id, CloseReason.REFERRED)
            offer_id = await self._messages.send_referral(repos, item, group)
            await self._trust.audit(repos, who, "request.referred", item_id, {"to": group.id})
        return offer_id

    async def accepts_from(self, host: str) -> bool:
        """Referrals are taken from trusted groups (and partners) only."""
        return await self._trust.level(host) in ALLOWED_IN_ALLOWLIST

    async def received(self, repos: Repositories, found: RemoteItem, referrer: str) -> Outcome:
        """``referrer`` passes its request ``found`` on to us: keep a draft copy."""
        if found.purpose != Purpose.REQUEST.value or found.actor_id != referrer:
            return dropped("referral-unsupported")
        location = None
        if found.latitude is not None and found.longitude is not None:
            location = LocationIn(latitude=found.latitude, longitude=found.longitude)
        body = ItemCreate(
            title=found.title or "Referred request",
            description=found.summary,
            category=Category(found.category or "other"),
            quantity=QuantityIn(amount=found.quantity or 1, unit=Unit(found.unit or "one")),
            urgency=Urgency(found.urgency or "anytime"),
            location=location,
            draft=True,
        )
        await self._items.create_in(repos, Purpose.REQUEST, body, referred_from=found.id)
        return done("referral-received")
