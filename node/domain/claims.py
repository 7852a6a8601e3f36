"""Claims between groups: who may claim what, how much a claim holds, who answers.

A group claims (part of) another group's offer, or offers to meet its request;
the origin accepts (the quantity is committed), holds it tentatively until a
time, or rejects; only the claimant withdraws; after the handover the origin
confirms. On the wire this is FEP-0837 (node/ap); here are its rules.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Literal

from node.clock import Clock, to_text
from node.domain.items import ItemService
from node.domain.model import Item
from node.domain.outcome import Outcome, done, dropped
from node.domain.peers import ClaimMessages, PeerLookup
from node.domain.trust import TrustService
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.storage import Repositories, Store
from node.storage.claims import Claim

LIVE_CLAIMS = frozenset({"pending", "tentative", "accepted"})
LIVE_ITEM = frozenset({"open", "partly-committed"})  # a peer's item that still takes claims
HOLDING = frozenset({"tentative", "accepted"})  # states that hold quantity on the item

Answer = Literal["accept", "tentative", "reject"]
_ANSWERABLE: dict[str, frozenset[str]] = {
    "accept": frozenset({"pending", "tentative"}),
    "tentative": frozenset({"pending"}),
    "reject": frozenset({"pending", "tentative"}),
}


def claim_step(item: Item) -> float:
    """The multiple claims on a unit-based item must come in."""
    return item.minimum_quantity or 1.0


def claim_refusal(item: Item, quantity: float, unit: str) -> str | None:
    """Why a claim of ``quantity`` ``unit`` on ``item`` cannot stand, or None."""
    if unit != item.unit.value:
        return "unit-mismatch"
    if quantity <= 0:
        return "quantity-invalid"
    if quantity > item.available_quantity + 1e-9:
        return "over-claim"
    if item.minimum_quantity is not None and quantity < item.minimum_quantity - 1e-9:
        return "below-minimum"
    if item.unit_based:
        step = claim_step(item)
        if not math.isclose(quantity / step, round(quantity / step), abs_tol=1e-9):
            return "not-a-multiple"
    return None


class ClaimService:
    def __init__(
        self,
        store: Store,
        peers: PeerLookup,
        messages: ClaimMessages,
        items: ItemService,
        trust: TrustService,
        clock: Clock,
    ) -> None:
        self._store = store
        self._peers = peers
        self._messages = messages
        self._items = items
        self._trust = trust
        self._clock = clock

    # -- ours, on a peer's item ---------------------------------------------

    async def claim(self, item_id: str, quantity: float, *, note: str = "", who: str) -> Claim:
        """Claim part of a peer's offer (or offer to meet its request)."""
        item = await self._store.reader.remote_items.get(item_id)
        if item is None or item.deleted_at is not None or item.status not in LIVE_ITEM:
            raise NotFound(f"No open item {item_id} from a peer here.", reason="item-not-found")
        if not item.intent_id or not item.unit:
            raise Unprocessable("That item has no quantity to claim.", reason="item-not-claimable")
        origin = await self._peers.actor(item.actor_id)
        now = to_text(self._clock.now())
        async with self._store.transaction() as repos:
            sent = await self._messages.send_claim(repos, item, quantity, origin.inbox)
            claim = Claim(
                id=str(uuid.uuid4()),
                direction="outgoing",
                offer_activity_id=sent.offer_id,
                intent_id=item.intent_id,
                item_id=item.id,
                counterparty=item.actor_id,
                quantity=quantity,
                unit=item.unit,
                state="pending",
                commitment_id=sent.commitment_id,
                note=note,
                created_at=now,
                updated_at=now,
            )
            await repos.claims.add(claim)
            await self._trust.audit(repos, who, "claim.sent", item.id, {"quantity": quantity})
        return claim

    async def withdraw(self, claim_id: str, *, who: str) -> Claim:
        async with self._store.transaction() as repos:
            claim = await self._own(repos, claim_id, "outgoing")
            if claim.state not in LIVE_CLAIMS:
                raise Conflict(f"A {claim.state} claim cannot be withdrawn.", reason="claim-final")
            await self._messages.send_claim_withdrawal(repos, claim)
            changed = replace(claim, state="withdrawn", updated_at=to_text(self._clock.now()))
            await repos.claims.save(changed)
            await self._trust.audit(repos, who, "claim.withdrawn", claim.item_id)
        return changed

    # -- theirs, on our item -------------------------------------------------

    async def answer(
        self,
        claim_id: str,
        answer: str,
        *,
        who: str,
        reason: str = "",
        hold: timedelta | None = None,
    ) -> Claim:
        """Accept, tentatively accept (a hold until ``hold`` from now) or reject a claim."""
        now = self._clock.now()
        async with self._store.transaction() as repos:
            claim = await self._own(repos, claim_id, "incoming")
            if claim.state not in _ANSWERABLE[answer]:
                raise Conflict(
                    f"A {claim.state} claim cannot be answered that way.", reason="claim-state"
                )
            if answer in ("accept", "tentative") and claim.state == "pending":
                item = await repos.items.get_any(claim.item_id)
                refusal = claim_refusal(item, claim.quantity, claim.unit) if item else "item-gone"
                if refusal is not None:
                    raise Conflict(f"This claim cannot be met: {refusal}.", reason=refusal)
                await self._items.commit_quantity(repos, claim.item_id, claim.quantity)
            if answer == "reject" and claim.state == "tentative":
                await self._items.commit_quantity(repos, claim.item_id, -claim.quantity)
            if answer == "reject":
                changed = replace(claim, state="rejected", reason=reason, updated_at=to_text(now))
            else:
                hold_until = None
                if answer == "tentative":
                    hold_until = to_text(now + (hold or timedelta(hours=24)))
                changed = replace(
                    claim,
                    state="accepted" if answer == "accept" else "tentative",
                    agreement_id=claim.agreement_id or self._messages.new_agreement_id(),
                    hold_until=hold_until,
                    updated_at=to_text(now),
                )
            await self._messages.send_claim_answer(repos, changed)
            await repos.claims.save(changed)
            detail = {"claim": claim.id, "quantity": claim.quantity}
            await self._trust.audit(repos, who, f"claim.{answer}", claim.item_id, detail, reason)
        return changed

    async def confirm(self, claim_id: str, *, who: str) -> Claim:
        """The handover happened: tell the claimant its Commitment is fulfilled."""
        async with self._store.transaction() as repos:
            claim = await self._own(repos, claim_id, "incoming")
            if claim.state != "accepted":
                raise Conflict("Only an accepted claim can be confirmed.", reason="claim-state")
            await self._messages.send_confirmation(repos, claim)
            changed = replace(claim, state="fulfilled", updated_at=to_text(self._clock.now()))
            await repos.claims.save(changed)
            await self._trust.audit(
                repos, who, "claim.confirmed", claim.item_id, {"claim": claim.id}
            )
        return changed

    async def expire_holds(self) -> int:
        """Tentative holds past their end give their quantity back."""
        now = to_text(self._clock.now())
        async with self._store.transaction() as repos:
            expired = await repos.claims.holds_expired(now)
            for claim in expired:
                await self._items.commit_quantity(repos, claim.item_id, -claim.quantity)
                await repos.claims.save(replace(claim, state="expired", updated_at=now))
        return len(expired)

    async def _own(self, repos: Repositories, claim_id: str, direction: str) -> Claim:
        claim = await repos.claims.get(claim_id)
        if claim is None:
            raise NotFound(f"No claim {claim_id}.", reason="claim-not-found")
        if claim.direction != direction:
            verb = "answer" if direction == "incoming" else "withdraw"
            raise Forbidden(f"Only the other group can {verb} this claim.", reason="claim-not-ours")
        return claim

    # -- what peers tell us (inside the inbox worker's transaction) ----------

    @staticmethod
    async def direction(repos: Repositories, offer_id: str | None) -> str | None:
        """``incoming`` or ``outgoing`` when ``offer_id`` is a claim's Offer, else None."""
        claim = await repos.claims.by_offer(offer_id) if offer_id else None
        return claim.direction if claim is not None else None

    async def received(
        self,
        repos: Repositories,
        *,
        offer_id: str,
        claimant: str,
        claimant_host: str,
        item_id: str | None,
        intent_id: str,
        quantity: float,
        unit: str,
        commitment_id: str,
        now: str,
    ) -> Outcome:
        """A peer claims (part of) our item ``item_id``; a claim that cannot stand is
        recorded as rejected and answered so."""
        item = await repos.items.get_any(item_id) if item_id else None
        if item is None:
            return dropped("claim-unknown-item")
        refusal = claim_refusal(item, quantity, unit)
        if refusal is None and await self._trust.level(claimant_host) not in (
            "trusted",
            "partner",
        ):
            refusal = "claimant-not-trusted"
        if refusal is None and item.status.value not in LIVE_ITEM:
            refusal = "item-not-live"
        claim = Claim(
            id=str(uuid.uuid4()),
            direction="incoming",
            offer_activity_id=offer_id,
            intent_id=intent_id,
            item_id=item.id,
            counterparty=claimant,
            quantity=quantity,
            unit=unit,
            state="pending" if refusal is None else "rejected",
            commitment_id=commitment_id,
            reason=refusal or "",
            created_at=now,
            updated_at=now,
        )
        await repos.claims.add(claim)
        if refusal is None:
            return done("claim-received")
        await self._messages.send_claim_answer(repos, claim)
        return done(f"claim-refused-{refusal}")

    @staticmethod
    async def answered(
        repos: Repositories,
        *,
        offer_id: str | None,
        origin: str,
        answer: Answer,
        reason: str = "",
        agreement_id: str | None = None,
        hold_until: str | None = None,
        now: str,
    ) -> Outcome:
        """The origin accepted, held or rejected our claim."""
        claim = await repos.claims.by_offer(offer_id) if offer_id else None
        if claim is None or claim.direction != "outgoing":
            return dropped("claim-unknown")
        if claim.counterparty != origin:
            return dropped("answer-not-from-origin")
        if claim.state not in LIVE_CLAIMS:
            return dropped("claim-final")
        if answer == "reject":
            changed = replace(claim, state="rejected", reason=reason[:500], updated_at=now)
        else:
            changed = replace(
                claim,
                state="accepted" if answer == "accept" else "tentative",
                agreement_id=agreement_id or claim.agreement_id,
                hold_until=hold_until,
                updated_at=now,
            )
        await repos.claims.save(changed)
        return done(f"claim-{changed.state}")

    async def withdrawn(
        self, repos: Repositories, *, offer_id: str | None, claimant: str, now: str
    ) -> Outcome:
        """The claimant took its claim on our item back: a held quantity is free again."""
        claim = await repos.claims.by_offer(offer_id) if offer_id else None
        if claim is None or claim.direction != "incoming":
            return dropped("undo-unknown")
        if claim.counterparty != claimant:
            return dropped("withdraw-not-claimant")
        if claim.state not in LIVE_CLAIMS:
            return dropped("claim-final")
        if claim.state in HOLDING:
            await self._items.commit_quantity(repos, claim.item_id, -claim.quantity)
        await repos.claims.save(replace(claim, state="withdrawn", updated_at=now))
        return done("claim-withdrawn")

    @staticmethod
    async def fulfilled(
        repos: Repositories, *, origin: str, commitment_id: str, agreement_id: str, now: str
    ) -> Outcome:
        """The origin confirms the handover of our accepted claim."""
        for claim in await repos.claims.find(direction="outgoing", state="accepted"):
            if claim.commitment_id == commitment_id and claim.counterparty == origin:
                if claim.agreement_id and agreement_id != claim.agreement_id:
                    return dropped("confirmation-agreement-mismatch")
                await repos.claims.save(replace(claim, state="fulfilled", updated_at=now))
                return done("claim-fulfilled")
        return dropped("confirmation-unknown")
