"""Inbound claim traffic: Offers on our items, answers to our claims, withdrawals,
and confirmations. Each runs inside the inbox worker's transaction."""

from __future__ import annotations

import uuid
from dataclasses import replace

from federation.hosts import peer_host
from node.ap.build import local_activity
from node.ap.claims import HOLDING, LIVE_CLAIMS, claim_refusal
from node.ap.handlers_base import Context, Outcome, done, dropped, object_ref
from node.clock import to_text
from node.storage.claims import Claim
from schemas.wire import Accept, Create, EconomicEvent, Offer, Reject, TentativeAccept
from schemas.wire.claims import Agreement


def _our_item_id(ctx: Context, intent_id: str) -> str | None:
    """``{public_url}/offers/{id}#primary`` → ``id`` when it names one of our items."""
    base = intent_id.split("#", 1)[0]
    for kind in ("offers", "requests"):
        prefix = f"{ctx.me.public_url}/{kind}/"
        if base.startswith(prefix):
            return base.removeprefix(prefix)
    return None


async def answered(ctx: Context) -> str:
    """What an Accept, TentativeAccept or Reject answers: one of our claims (the
    Offer it names is an outgoing claim's), else one of our Follows."""
    if ctx.kind != "Follow":
        offer_id = object_ref(ctx)
        claim = await ctx.repos.claims.by_offer(offer_id) if offer_id else None
        if claim is not None and claim.direction == "outgoing":
            return "Offer"
    return "Follow"


async def undone(ctx: Context) -> str:
    """What an Undo takes back: a claimant's Offer on our item, else (a Follow) as sent."""
    if ctx.kind != "Follow":
        offer_id = object_ref(ctx)
        claim = await ctx.repos.claims.by_offer(offer_id) if offer_id else None
        if claim is not None and claim.direction == "incoming":
            return "Offer"
    return ctx.kind


async def on_claim_offer(ctx: Context) -> Outcome:
    """A peer claims (part of) one of our items. Refused claims are answered with Reject."""
    assert isinstance(ctx.activity, Offer)
    assert isinstance(ctx.activity.object, Agreement)
    commitment = ctx.activity.object.stipulates
    quantity = commitment.resource_quantity
    amount = quantity.has_numerical_value
    if commitment.id is None or amount is None:
        return dropped("claim-malformed")
    intent = commitment.satisfies
    item_id = _our_item_id(ctx, intent)
    item = await ctx.repos.items.get_any(item_id) if item_id else None
    if item is None:
        return dropped("claim-unknown-item")
    unit = quantity.has_unit or ""
    refusal = claim_refusal(item, amount, unit)
    if refusal is None and await ctx.trust.level(peer_host(ctx.row.actor_id)) not in (
        "trusted",
        "partner",
    ):
        refusal = "claimant-not-trusted"
    if refusal is None and item.status.value not in ("open", "partly-committed"):
        refusal = "item-not-live"
    claim = Claim(
        id=str(uuid.uuid4()),
        direction="incoming",
        offer_activity_id=ctx.row.activity_id,
        intent_id=intent,
        item_id=item.id,
        counterparty=ctx.row.actor_id,
        quantity=amount,
        unit=unit,
        state="pending" if refusal is None else "rejected",
        commitment_id=commitment.id,
        reason=refusal or "",
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    await ctx.repos.claims.add(claim)
    if refusal is None:
        return done("claim-received")
    reject = local_activity(
        ctx.me, "Reject", ctx.row.activity_id, to=[ctx.row.actor_id], content=refusal
    )
    peer = await ctx.repos.peers.actor(ctx.row.actor_id)
    await ctx.outbox.publish(ctx.repos, reject, inboxes=[peer.inbox] if peer else [], public=False)
    return done(f"claim-refused-{refusal}")


async def on_claim_answer(ctx: Context) -> Outcome:
    """Accept / TentativeAccept / Reject of one of our claims."""
    answer = ctx.activity
    offer_id = object_ref(ctx)
    claim = await ctx.repos.claims.by_offer(offer_id) if offer_id else None
    if claim is None or claim.direction != "outgoing":
        return dropped("claim-unknown")
    if claim.counterparty != ctx.row.actor_id:
        return dropped("answer-not-from-origin")
    if claim.state not in LIVE_CLAIMS:
        return dropped("claim-final")
    if isinstance(answer, Reject):
        reason = (answer.content or "")[:500]
        changed = replace(claim, state="rejected", reason=reason, updated_at=ctx.now)
    else:
        assert isinstance(answer, Accept | TentativeAccept)
        agreement = answer.result.id if answer.result is not None else None
        hold = answer.end_time if isinstance(answer, TentativeAccept) else None
        changed = replace(
            claim,
            state="accepted" if isinstance(answer, Accept) else "tentative",
            agreement_id=agreement or claim.agreement_id,
            hold_until=to_text(hold) if hold is not None else None,
            updated_at=ctx.now,
        )
    await ctx.repos.claims.save(changed)
    return done(f"claim-{changed.state}")


async def on_claim_withdrawn(ctx: Context) -> Outcome:
    """Undo of a claimant's Offer."""
    offer_id = object_ref(ctx)
    claim = await ctx.repos.claims.by_offer(offer_id) if offer_id else None
    if claim is None or claim.direction != "incoming":
        return dropped("undo-unknown")
    if claim.counterparty != ctx.row.actor_id:
        return dropped("withdraw-not-claimant")
    if claim.state not in LIVE_CLAIMS:
        return dropped("claim-final")
    if claim.state in HOLDING:
        await ctx.items.commit_quantity(ctx.repos, claim.item_id, -claim.quantity)
    await ctx.repos.claims.save(replace(claim, state="withdrawn", updated_at=ctx.now))
    return done("claim-withdrawn")


async def on_confirmation(ctx: Context) -> Outcome:
    """The origin's EconomicEvent: our accepted claim was handed over."""
    assert isinstance(ctx.activity, Create)
    event = ctx.activity.object
    if not isinstance(event, EconomicEvent):
        return dropped("confirmation-unknown")
    for claim in await ctx.repos.claims.find(direction="outgoing", state="accepted"):
        if claim.commitment_id == event.fulfills and claim.counterparty == ctx.row.actor_id:
            if claim.agreement_id and event.context != claim.agreement_id:
                return dropped("confirmation-agreement-mismatch")
            await ctx.repos.claims.save(replace(claim, state="fulfilled", updated_at=ctx.now))
            return done("claim-fulfilled")
    return dropped("confirmation-unknown")
