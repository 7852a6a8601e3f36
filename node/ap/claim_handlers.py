"""Inbound claim traffic: Offers on our items, answers to our claims, withdrawals,
and confirmations. Each runs inside the inbox worker's transaction."""

from __future__ import annotations

from federation.hosts import peer_host
from node.ap.handlers_base import Context, object_ref
from node.clock import to_text
from node.domain.claims import Answer
from node.domain.outcome import Outcome, dropped
from schemas.wire import Accept, Create, EconomicEvent, Offer, Reject, TentativeAccept
from schemas.wire.claims import Agreement


def _our_item_id(ctx: Context, intent_id: str) -> str | None:
    """``{public_url}/offers/{id}#primary`` → ``id`` when it names one of our items."""
    found = ctx.me.uris.item_of(intent_id)
    return found[1] if found else None


async def answered(ctx: Context) -> str:
    """What an Accept, TentativeAccept or Reject answers: one of our claims (the
    Offer it names is an outgoing claim's), else one of our Follows."""
    claims = ctx.domain.claims
    if ctx.kind != "Follow" and await claims.direction(ctx.repos, object_ref(ctx)) == "outgoing":
        return "Offer"
    return "Follow"


async def undone(ctx: Context) -> str:
    """What an Undo takes back: a claimant's Offer on our item, else (a Follow) as sent."""
    claims = ctx.domain.claims
    if ctx.kind != "Follow" and await claims.direction(ctx.repos, object_ref(ctx)) == "incoming":
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
    return await ctx.domain.claims.received(
        ctx.repos,
        offer_id=ctx.row.activity_id,
        claimant=ctx.row.actor_id,
        claimant_host=peer_host(ctx.row.actor_id),
        item_id=_our_item_id(ctx, commitment.satisfies),
        intent_id=commitment.satisfies,
        quantity=amount,
        unit=quantity.has_unit or "",
        commitment_id=commitment.id,
        now=ctx.now,
    )


async def on_claim_answer(ctx: Context) -> Outcome:
    """Accept / TentativeAccept / Reject of one of our claims."""
    answer = ctx.activity
    offer_id, origin = object_ref(ctx), ctx.row.actor_id
    if isinstance(answer, Reject):
        reason = answer.content or ""
        return await ctx.domain.claims.answered(
            ctx.repos, offer_id=offer_id, origin=origin, answer="reject", reason=reason, now=ctx.now
        )
    assert isinstance(answer, Accept | TentativeAccept)
    kind: Answer = "accept" if isinstance(answer, Accept) else "tentative"
    hold = answer.end_time if isinstance(answer, TentativeAccept) else None
    return await ctx.domain.claims.answered(
        ctx.repos,
        offer_id=offer_id,
        origin=origin,
        answer=kind,
        agreement_id=answer.result.id if answer.result is not None else None,
        hold_until=to_text(hold) if hold is not None else None,
        now=ctx.now,
    )


async def on_claim_withdrawn(ctx: Context) -> Outcome:
    """Undo of a claimant's Offer."""
    return await ctx.domain.claims.withdrawn(
        ctx.repos, offer_id=object_ref(ctx), claimant=ctx.row.actor_id, now=ctx.now
    )


async def on_confirmation(ctx: Context) -> Outcome:
    """The origin's EconomicEvent: our accepted claim was handed over."""
    assert isinstance(ctx.activity, Create)
    event = ctx.activity.object
    if not isinstance(event, EconomicEvent):
        return dropped("confirmation-unknown")
    return await ctx.domain.claims.fulfilled(
        ctx.repos,
        origin=ctx.row.actor_id,
        commitment_id=event.fulfills,
        agreement_id=event.context,
        now=ctx.now,
    )
