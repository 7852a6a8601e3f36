"""Referral between groups, the federation side (the rules: node/domain/referrals).

We send the other group an ``Offer`` of our signed request; their node keeps a
draft copy carrying ``referredFrom`` (our request's id) for a coordinator to
publish, and our request closes with reason ``referred``.
"""

from __future__ import annotations

from typing import Any

from federation.documents.actor import LocalActor
from federation.hosts import peer_host
from node.ap.build import local_activity
from node.ap.handlers_base import Context
from node.ap.outbox import Outbox
from node.ap.proposal import proposal
from node.ap.remote import ProposalError, parse_proposal
from node.domain.model import Item
from node.domain.outcome import Outcome, dropped
from node.domain.records import RemoteActor, Transaction
from schemas.wire import Offer, Proposal, WireError, normalise_proposal


class ReferralMessenger:
    """node/domain/referrals' ReferralMessages as ActivityPub activities."""

    def __init__(self, me: LocalActor, outbox: Outbox) -> None:
        self._me = me
        self._outbox = outbox

    async def send_referral(self, tx: Transaction, item: Item, group: RemoteActor) -> str:
        """An ``Offer`` of our signed request, targeting ``group``."""
        document = self._outbox.sign(proposal(self._me, item))
        offer = local_activity(self._me, "Offer", document, to=[group.id], target=group.id)
        return await self._outbox.publish(tx, offer, inboxes=[group.inbox], public=False)


async def on_referral(ctx: Context) -> Outcome:
    """A trusted group passes a request on to us: keep a draft copy with ``referredFrom``."""
    if not await ctx.domain.referrals.accepts_from(peer_host(ctx.row.actor_id)):
        return dropped("referral-untrusted")
    assert isinstance(ctx.activity, Offer)
    assert isinstance(ctx.activity.object, Proposal)
    try:
        found = parse_proposal(ctx.raw_object, ctx.row.actor_id, ctx.activity.object)
    except ProposalError as error:
        return dropped(error.reason)
    return await ctx.domain.referrals.received(ctx.repos, found, ctx.row.actor_id)


def referral_refusal(document: dict[str, Any]) -> str:
    """Why a referral's Proposal does not read (the reason its normalisation gives)."""
    try:
        normalise_proposal(document.get("object"))
    except WireError as error:
        return error.reason.value
    return "activity-malformed"
