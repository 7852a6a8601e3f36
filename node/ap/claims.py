"""Claims across nodes, FEP-0837 style.

A group claims (part of) another group's offer, or offers to meet its request,
with ``Offer{Agreement{stipulates: Commitment{satisfies: <intent>, resourceQuantity}}}``
sent to the origin. The origin answers ``Accept`` (the finalised Agreement),
``TentativeAccept`` (a hold until ``endTime``) or ``Reject`` (with a reason),
and after the handover publishes an ``EconomicEvent`` that ``fulfills`` the
Commitment in the Agreement's ``context``. Only the origin answers; only the
claimant withdraws (``Undo`` of its Offer).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from datetime import timedelta

from federation.documents.actor import LocalActor
from node.ap.actors import ActorDirectory
from node.ap.build import agreement, local_activity, measure
from node.ap.outbox import Outbox
from node.ap.proposal import claim_step
from node.clock import Clock, to_text
from node.domain.items import ItemService
from node.domain.model import Item
from node.domain.trust import ALLOWED_IN_ALLOWLIST, TrustService
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.storage import Repositories, Store
from node.storage.claims import Claim
from schemas.wire import EconomicEvent

LIVE_CLAIMS = frozenset({"pending", "tentative", "accepted"})
LIVE_ITEM = frozenset({"open", "partly-committed"})  # a peer's item that still takes claims
HOLDING = frozenset({"tentative", "accepted"})  # states that hold quantity on the item


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
        me: LocalActor,
        outbox: Outbox,
        actors: ActorDirectory,
        items: ItemService,
        trust: TrustService,
        clock: Clock,
    ) -> None:
        self._store = store
        self._me = me
        self._outbox = outbox
        self._actors = actors
        self._items = items
        self._trust = trust
        self._clock = clock

    def _new_id(self, kind: str) -> str:
        return f"{self._me.public_url}/{kind}/{uuid.uuid4()}"

    # -- ours, on a peer's item ---------------------------------------------

    async def claim(self, item_id: str, quantity: float, *, note: str = "", who: str) -> Claim:
        """Claim part of a peer's offer (or offer to meet its request)."""
        item = await self._store.reader.remote_items.get(item_id)
        if item is None or item.deleted_at is not None or item.status not in LIVE_ITEM:
            raise NotFound(f"No open item {item_id} from a peer here.", reason="item-not-found")
        if not item.intent_id or not item.unit:
            raise Unprocessable("That item has no quantity to claim.", reason="item-not-claimable")
        origin = await self._actors.get(item.actor_id)
        now = to_text(self._clock.now())
        party = "receiver" if item.purpose == "offer" else "provider"
        commitment_id = self._new_id("commitments")
        terms = agreement(
            self._new_id("agreements"),
            commitment_id,
            item.intent_id,
            item.unit,
            quantity,
            **{party: self._me.id},
        )
        summary = f"{self._me.name} would like {quantity:g} {item.unit} of: {item.title}"
        offer = local_activity(self._me, "Offer", terms, to=[item.actor_id], summary=summary)
        claim = Claim(
            id=str(uuid.uuid4()),
            direction="outgoing",
            offer_activity_id=offer["id"],
            intent_id=item.intent_id,
            item_id=item.id,
            counterparty=item.actor_id,
            quantity=quantity,
            unit=item.unit,
            state="pending",
            commitment_id=commitment_id,
            note=note,
            created_at=now,
            updated_at=now,
        )
        async with self._store.transaction() as repos:
            await repos.claims.add(claim)
            await self._outbox.publish(repos, offer, inboxes=[origin.inbox], public=False)
            await self._trust.audit(repos, who, "claim.sent", item.id, {"quantity": quantity})
        return claim

    async def withdraw(self, claim_id: str, *, who: str) -> Claim:
        async with self._store.transaction() as repos:
            claim = await self._own(repos, claim_id, "outgoing")
            if claim.state not in LIVE_CLAIMS:
                raise Conflict(f"A {claim.state} claim cannot be withdrawn.", reason="claim-final")
            origin = await repos.peers.actor(claim.counterparty)
            undo = local_activity(
                self._me, "Undo", claim.offer_activity_id, to=[claim.counterparty]
            )
            inboxes = [origin.inbox] if origin else []
            await self._outbox.publish(repos, undo, inboxes=inboxes, public=False)
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
            allowed = {
                "accept": {"pending", "tentative"},
                "tentative": {"pending"},
                "reject": {"pending", "tentative"},
            }
            if claim.state not in allowed[answer]:
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
            changed = await self._send_answer(repos, claim, answer, reason, hold, to_text(now))
            detail = {"claim": claim.id, "quantity": claim.quantity}
            await self._trust.audit(repos, who, f"claim.{answer}", claim.item_id, detail, reason)
        return changed

    async def _send_answer(
        self,
        repos: Repositories,
        claim: Claim,
        answer: str,
        reason: str,
        hold: timedelta | None,
        now: str,
    ) -> Claim:
        peer = await repos.peers.actor(claim.counterparty)
        inboxes = [peer.inbox] if peer else []
        to = [claim.counterparty]
        if answer == "reject":
            content = reason or "This claim was not accepted."
            document = local_activity(
                self._me, "Reject", claim.offer_activity_id, to=to, content=content
            )
            changed = replace(claim, state="rejected", reason=reason, updated_at=now)
        else:
            agreement_id = claim.agreement_id or self._new_id("agreements")
            result = agreement(
                agreement_id, claim.commitment_id, claim.intent_id, claim.unit, claim.quantity
            )
            hold_until = None
            if answer == "accept":
                document = local_activity(
                    self._me, "Accept", claim.offer_activity_id, to=to, result=result
                )
            else:
                hold_until = to_text(self._clock.now() + (hold or timedelta(hours=24)))
                document = local_activity(
                    self._me,
                    "TentativeAccept",
                    claim.offer_activity_id,
                    to=to,
                    result=result,
                    end_time=hold_until,
                )
            state = "accepted" if answer == "accept" else "tentative"
            changed = replace(
                claim, state=state, agreement_id=agreement_id, hold_until=hold_until, updated_at=now
            )
        await self._outbox.publish(repos, document, inboxes=inboxes, public=False)
        await repos.claims.save(changed)
        return changed

    async def confirm(self, claim_id: str, *, who: str) -> Claim:
        """The handover happened: publish the EconomicEvent that fulfils the Commitment."""
        async with self._store.transaction() as repos:
            claim = await self._own(repos, claim_id, "incoming")
            if claim.state != "accepted":
                raise Conflict("Only an accepted claim can be confirmed.", reason="claim-state")
            assert claim.agreement_id is not None  # set when the claim was accepted
            event = EconomicEvent(
                id=self._new_id("events"),
                fulfills=claim.commitment_id,
                context=claim.agreement_id,
                resource_quantity=measure(claim.unit, claim.quantity),
            )
            peer = await repos.peers.actor(claim.counterparty)
            create = local_activity(self._me, "Create", event, to=[claim.counterparty])
            await self._outbox.publish(
                repos, create, inboxes=[peer.inbox] if peer else [], public=False
            )
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

    async def may_claim(self, host: str) -> bool:
        return await self._trust.level(host) in ALLOWED_IN_ALLOWLIST
