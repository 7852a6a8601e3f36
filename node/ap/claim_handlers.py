"""Inbound claim traffic: Offers on our items, answers to our claims, withdrawals,
and confirmations. Each runs inside the inbox worker's transaction."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from federation.hosts import peer_host
from node.ap.claims import HOLDING, LIVE_CLAIMS, claim_refusal
from node.ap.handlers_base import Context, Outcome, done, dropped
from node.ap.outbox import local_activity
from node.storage.claims import Claim
from schemas.wire.base import strict_id_of as _id_of


def _measure(value: Any) -> tuple[str, float] | None:
    if not isinstance(value, dict):
        return None
    unit, number = value.get("hasUnit"), value.get("hasNumericalValue")
    try:
        return str(unit).rsplit("/", 1)[-1].removeprefix("om2:"), float(number)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _our_item_id(ctx: Context, intent_id: str) -> str | None:
    """``{public_url}/offers/{id}#primary`` → ``id`` when it names one of our items."""
    found = ctx.me.uris.item_of(intent_id)
    return found[1] if found else None


async def on_claim_offer(ctx: Context, agreement: dict[str, Any]) -> Outcome:
    """A peer claims (part of) one of our items. Refused claims are answered with Reject."""
    commitment = agreement.get("stipulates")
    if isinstance(commitment, list):
        commitment = commitment[0] if commitment else None
    if not isinstance(commitment, dict):
        return dropped("claim-malformed")
    intent, quantity = (
        _id_of(commitment.get("satisfies")),
        _measure(commitment.get("resourceQuantity")),
    )
    commitment_id = _id_of(commitment.get("id"))
    if intent is None or quantity is None or commitment_id is None:
        return dropped("claim-malformed")
    item_id = _our_item_id(ctx, intent)
    item = await ctx.repos.items.get_any(item_id) if item_id else None
    if item is None:
        return dropped("claim-unknown-item")
    unit, amount = quantity
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
        commitment_id=commitment_id,
        reason=refusal or "",
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    await ctx.repos.claims.add(claim)
    if refusal is None:
        return done("claim-received")
    reject = local_activity(ctx.me, "Reject", ctx.row.activity_id, to=[ctx.row.actor_id])
    reject["content"] = refusal
    peer = await ctx.repos.peers.actor(ctx.row.actor_id)
    await ctx.outbox.publish(ctx.repos, reject, inboxes=[peer.inbox] if peer else [], public=False)
    return done(f"claim-refused-{refusal}")


async def on_claim_answer(ctx: Context, kind: str) -> Outcome | None:
    """Accept / TentativeAccept / Reject of one of our claims; None when it is not one."""
    offer_id = _id_of(ctx.activity.get("object"))
    claim = await ctx.repos.claims.by_offer(offer_id) if offer_id else None
    if claim is None or claim.direction != "outgoing":
        return None
    if claim.counterparty != ctx.row.actor_id:
        return dropped("answer-not-from-origin")
    if claim.state not in LIVE_CLAIMS:
        return dropped("claim-final")
    if kind == "Reject":
        content = ctx.activity.get("content")
        reason = content[:500] if isinstance(content, str) else ""
        changed = replace(claim, state="rejected", reason=reason, updated_at=ctx.now)
    else:
        result = ctx.activity.get("result")
        agreement = _id_of(result) if result is not None else None
        hold = ctx.activity.get("endTime")
        state = "accepted" if kind == "Accept" else "tentative"
        changed = replace(
            claim,
            state=state,
            agreement_id=agreement or claim.agreement_id,
            hold_until=hold if isinstance(hold, str) else None,
            updated_at=ctx.now,
        )
    await ctx.repos.claims.save(changed)
    return done(f"claim-{changed.state}")


async def on_claim_withdrawn(ctx: Context) -> Outcome | None:
    """Undo of a claimant's Offer; None when the Undo is not about a claim."""
    offer_id = _id_of(ctx.activity.get("object"))
    claim = await ctx.repos.claims.by_offer(offer_id) if offer_id else None
    if claim is None or claim.direction != "incoming":
        return None
    if claim.counterparty != ctx.row.actor_id:
        return dropped("withdraw-not-claimant")
    if claim.state not in LIVE_CLAIMS:
        return dropped("claim-final")
    if claim.state in HOLDING:
        await ctx.items.commit_quantity(ctx.repos, claim.item_id, -claim.quantity)
    await ctx.repos.claims.save(replace(claim, state="withdrawn", updated_at=ctx.now))
    return done("claim-withdrawn")


async def on_confirmation(ctx: Context, event: dict[str, Any]) -> Outcome:
    """The origin's EconomicEvent: our accepted claim was handed over."""
    commitment, agreement = _id_of(event.get("fulfills")), _id_of(event.get("context"))
    for claim in await ctx.repos.claims.find(direction="outgoing", state="accepted"):
        if claim.commitment_id == commitment and claim.counterparty == ctx.row.actor_id:
            if agreement and claim.agreement_id and agreement != claim.agreement_id:
                return dropped("confirmation-agreement-mismatch")
            await ctx.repos.claims.save(replace(claim, state="fulfilled", updated_at=ctx.now))
            return done("claim-fulfilled")
    return dropped("confirmation-unknown")
