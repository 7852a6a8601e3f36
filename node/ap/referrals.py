"""Referral between groups: pass a request on to a group that can meet it.

We send the other group an ``Offer`` of our signed request; their node keeps a
draft copy carrying ``referredFrom`` (our request's id) for a coordinator to
publish, and our request closes with reason ``referred``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from federation.documents.actor import LocalActor
from federation.hosts import peer_host
from node.ap.actors import ActorDirectory
from node.ap.build import local_activity
from node.ap.handlers_base import Context, Outcome, done, dropped
from node.ap.outbox import Outbox
from node.ap.proposal import proposal
from node.ap.remote import ProposalError, parse_proposal
from node.domain.items import ItemService
from node.domain.trust import ALLOWED_IN_ALLOWLIST, TrustService
from node.errors import Forbidden
from node.storage import Store
from schemas.api import ItemCreate, LocationIn, QuantityIn
from schemas.vocab import Category, CloseReason, Purpose, Unit, Urgency
from schemas.wire import Offer, Proposal, WireError, normalise_proposal


class ReferralService:
    def __init__(
        self,
        store: Store,
        me: LocalActor,
        outbox: Outbox,
        actors: ActorDirectory,
        resolve: Callable[[str], Awaitable[str]],
        items: ItemService,
        trust: TrustService,
    ) -> None:
        self._store = store
        self._me = me
        self._outbox = outbox
        self._actors = actors
        self._resolve = resolve
        self._items = items
        self._trust = trust

    async def refer(self, item_id: str, target: str, *, who: str) -> str:
        """Send our request to ``target`` (handle or actor URL); returns the Offer's id."""
        actor_id = await self._resolve(target)
        if await self._trust.refusal(peer_host(actor_id)) is not None:
            raise Forbidden(
                f"{peer_host(actor_id)} is cut off by our policy.", reason="peer-refused"
            )
        group = await self._actors.get(actor_id)
        item = await self._items.get(Purpose.REQUEST, item_id, signed_in=True)
        document = self._outbox.sign(proposal(self._me, item))
        offer = local_activity(self._me, "Offer", document, to=[group.id], target=group.id)
        async with self._store.transaction() as repos:
            await self._items.close_in(repos, Purpose.REQUEST, item_id, CloseReason.REFERRED)
            offer_id = await self._outbox.publish(repos, offer, inboxes=[group.inbox], public=False)
            await self._trust.audit(repos, who, "request.referred", item_id, {"to": group.id})
        return offer_id


async def on_referral(ctx: Context) -> Outcome:
    """A trusted group passes a request on to us: keep a draft copy with ``referredFrom``."""
    if await ctx.trust.level(peer_host(ctx.row.actor_id)) not in ALLOWED_IN_ALLOWLIST:
        return dropped("referral-untrusted")
    assert isinstance(ctx.activity, Offer)
    assert isinstance(ctx.activity.object, Proposal)
    try:
        found = parse_proposal(ctx.raw_object, ctx.row.actor_id, ctx.activity.object)
    except ProposalError as error:
        return dropped(error.reason)
    if found.purpose != Purpose.REQUEST.value or found.actor_id != ctx.row.actor_id:
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
    await ctx.items.create_in(ctx.repos, Purpose.REQUEST, body, referred_from=found.id)
    return done("referral-received")


def referral_refusal(document: dict[str, Any]) -> str:
    """Why a referral's Proposal does not read (the reason its normalisation gives)."""
    try:
        normalise_proposal(document.get("object"))
    except WireError as error:
        return error.reason.value
    return "activity-malformed"
