"""Claims across nodes, FEP-0837 style: the activities node/domain/claims' changes send.

A group claims (part of) another group's offer, or offers to meet its request,
with ``Offer{Agreement{stipulates: Commitment{satisfies: <intent>, resourceQuantity}}}``
sent to the origin. The origin answers ``Accept`` (the finalised Agreement),
``TentativeAccept`` (a hold until ``endTime``) or ``Reject`` (with a reason),
and after the handover publishes an ``EconomicEvent`` that ``fulfills`` the
Commitment in the Agreement's ``context``. Only the origin answers; only the
claimant withdraws (``Undo`` of its Offer).
"""

from __future__ import annotations

from federation.documents.actor import LocalActor
from federation.uris import ClaimKind
from node.ap.build import agreement, local_activity, measure
from node.ap.outbox import Outbox
from node.domain.peers import SentClaim
from node.domain.records import Claim, RemoteItem, Transaction
from schemas.wire import EconomicEvent


class ClaimMessenger:
    """node/domain/claims' ClaimMessages as ActivityPub activities."""

    def __init__(self, me: LocalActor, outbox: Outbox) -> None:
        self._me = me
        self._outbox = outbox

    def _new_id(self, kind: ClaimKind) -> str:
        return self._me.uris.new_claim_object(kind)

    def new_agreement_id(self) -> str:
        return self._new_id("agreements")

    async def send_claim(
        self, tx: Transaction, item: RemoteItem, quantity: float, inbox: str
    ) -> SentClaim:
        assert item.intent_id is not None
        assert item.unit is not None
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
        await self._outbox.publish(tx, offer, inboxes=[inbox], public=False)
        return SentClaim(offer["id"], commitment_id)

    async def send_claim_withdrawal(self, tx: Transaction, claim: Claim) -> None:
        undo = local_activity(self._me, "Undo", claim.offer_activity_id, to=[claim.counterparty])
        inboxes = await self._outbox.inboxes_of(tx, claim.counterparty)
        await self._outbox.publish(tx, undo, inboxes=inboxes, public=False)

    async def send_claim_answer(self, tx: Transaction, claim: Claim) -> None:
        """Reject (with the reason), Accept or TentativeAccept (with the Agreement)."""
        to = [claim.counterparty]
        if claim.state == "rejected":
            content = claim.reason or "This claim was not accepted."
            document = local_activity(
                self._me, "Reject", claim.offer_activity_id, to=to, content=content
            )
        else:
            assert claim.agreement_id is not None
            result = agreement(
                claim.agreement_id, claim.commitment_id, claim.intent_id, claim.unit, claim.quantity
            )
            if claim.state == "accepted":
                document = local_activity(
                    self._me, "Accept", claim.offer_activity_id, to=to, result=result
                )
            else:
                document = local_activity(
                    self._me,
                    "TentativeAccept",
                    claim.offer_activity_id,
                    to=to,
                    result=result,
                    end_time=claim.hold_until,
                )
        inboxes = await self._outbox.inboxes_of(tx, claim.counterparty)
        await self._outbox.publish(tx, document, inboxes=inboxes, public=False)

    async def send_confirmation(self, tx: Transaction, claim: Claim) -> None:
        """The EconomicEvent that fulfils the claim's Commitment."""
        assert claim.agreement_id is not None  # set when the claim was accepted
        event = EconomicEvent(
            id=self._new_id("events"),
            fulfills=claim.commitment_id,
            context=claim.agreement_id,
            resource_quantity=measure(claim.unit, claim.quantity),
        )
        create = local_activity(self._me, "Create", event, to=[claim.counterparty])
        inboxes = await self._outbox.inboxes_of(tx, claim.counterparty)
        await self._outbox.publish(tx, create, inboxes=inboxes, public=False)
