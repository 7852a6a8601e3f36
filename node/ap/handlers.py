"""What each inbound activity does, one small function per (type, object kind).

Each handler runs inside one write transaction and returns an outcome code:
``done:<code>`` when applied, ``dropped:<code>`` when refused on purpose.
Every input here already passed signature and actor checks; handlers check
what is the federation's to check (whose object it is, where it comes from),
then hand its meaning to one domain service, whose rules decide.
"""

from __future__ import annotations

import logging

from federation.hosts import peer_host
from node.ap.claim_handlers import (
    answered,
    on_claim_answer,
    on_claim_offer,
    on_claim_withdrawn,
    on_confirmation,
    undone,
)
from node.ap.handlers_base import Context, Dispatch, Need, Route, object_ref, only
from node.ap.referrals import on_referral, referral_refusal
from node.ap.remote import ProposalError, parse_proposal
from node.domain.outcome import Outcome, done, dropped
from schemas.wire import Create, Flag, Follow, Proposal, Update
from schemas.wire.base import strict_id_of

log = logging.getLogger("solidarity.inbox")


async def on_follow(ctx: Context) -> Outcome:
    assert isinstance(ctx.activity, Follow)
    if ctx.activity.object != ctx.me.id:
        return dropped("follow-not-for-us")
    assert ctx.sender is not None
    return await ctx.domain.follows.followed(ctx.repos, ctx.sender, ctx.row.activity_id, ctx.now)


async def on_follow_accepted(ctx: Context) -> Outcome:
    follows = ctx.domain.follows
    return await follows.answered(ctx.repos, object_ref(ctx), ctx.row.actor_id, "accepted", ctx.now)


async def on_follow_rejected(ctx: Context) -> Outcome:
    follows = ctx.domain.follows
    return await follows.answered(ctx.repos, object_ref(ctx), ctx.row.actor_id, "rejected", ctx.now)


async def on_hold_of_no_claim(ctx: Context) -> Outcome:
    return dropped("claim-unknown")


async def on_offer_unsupported(ctx: Context) -> Outcome:
    return dropped("offer-unsupported")


async def on_unfollow(ctx: Context) -> Outcome:
    obj = ctx.raw_object
    embedded = isinstance(obj, dict)
    owner = strict_id_of(obj.get("actor")) if isinstance(obj, dict) else None
    return await ctx.domain.follows.unfollowed(
        ctx.repos,
        ctx.row.actor_id,
        undone=object_ref(ctx),
        embedded=ctx.kind if embedded else None,
        owner=owner,
    )


def _addressed_to_us(ctx: Context) -> bool:
    activity = ctx.activity
    fields = (activity.to, activity.cc, activity.audience)
    return any(ctx.me.id in targets for targets in fields if targets)


async def on_object_not_embedded(ctx: Context) -> Outcome:
    return dropped("object-not-embedded")


async def on_actor_update(ctx: Context) -> Outcome:
    # The worker refetched the actor from its origin before this ran.
    return done("actor-refreshed")


async def on_item(ctx: Context) -> Outcome:
    """A peer's Create or Update of one of its offers or requests."""
    obj, activity = ctx.raw_object, ctx.activity
    assert isinstance(obj, dict)
    assert isinstance(activity, Create | Update)
    parsed = activity.object if isinstance(activity.object, Proposal) else None
    try:
        item = parse_proposal(obj, ctx.row.actor_id, parsed)
    except ProposalError as error:
        log.info("inbox object refused reason=%s detail=%s", error.reason, error)
        return dropped(error.reason)
    if strict_id_of(obj.get("attributedTo")) != ctx.row.actor_id:
        return dropped("object-not-attributed-to-actor")
    if peer_host(item.id) != peer_host(ctx.row.actor_id):
        return dropped("object-origin-mismatch")
    return await ctx.domain.peer_items.stored(
        ctx.repos, item, addressed_to_us=_addressed_to_us(ctx), now=ctx.now
    )


async def on_delete(ctx: Context) -> Outcome:
    target = object_ref(ctx)
    if target is None:
        return dropped("object-missing")
    return await ctx.domain.peer_items.deleted(ctx.repos, target, ctx.row.actor_id, ctx.now)


async def on_flag(ctx: Context) -> Outcome:
    """A peer reports something: only trusted peers' reports reach the moderation queue."""
    assert isinstance(ctx.activity, Flag)
    return await ctx.domain.moderation.reported(
        ctx.repos,
        report_id=ctx.row.activity_id,
        reporter=ctx.row.actor_id,
        objects=[reported for reported in ctx.activity.object if reported],
        content=ctx.activity.content or "",
        now=ctx.now,
    )


async def on_announce(ctx: Context) -> Outcome:
    """A relay (FEP-1b12 style): store the origin's object, recording who passed it on."""
    if not await ctx.domain.peer_items.relays_from(ctx.repos, ctx.row.actor_id):
        return dropped("not-followed")
    obj = ctx.verified
    assert obj is not None
    origin = strict_id_of(obj.get("attributedTo"))
    if origin is None:
        return dropped("object-origin-mismatch")
    try:
        item = parse_proposal(obj, origin)
    except ProposalError as error:
        return dropped(error.reason)
    if peer_host(item.id) != peer_host(origin):
        return dropped("object-origin-mismatch")
    return await ctx.domain.peer_items.relayed(ctx.repos, item, ctx.row.actor_id, ctx.now)


_ITEM = Route(on_item, frozenset({Need.PROOF}))
_NOT_EMBEDDED = Route(on_object_not_embedded, malformed="object-not-embedded")

HANDLERS: dict[str, Dispatch] = {
    "Follow": only(on_follow, Need.SENDER, Need.SOFTWARE, malformed="follow-not-for-us"),
    "Accept": Dispatch(
        {"Offer": Route(on_claim_answer), "Follow": Route(on_follow_accepted)},
        resolve=answered,
    ),
    "Reject": Dispatch(
        {"Offer": Route(on_claim_answer), "Follow": Route(on_follow_rejected)},
        resolve=answered,
    ),
    "TentativeAccept": Dispatch(
        {"Offer": Route(on_claim_answer), "Follow": Route(on_hold_of_no_claim)},
        resolve=answered,
    ),
    "Undo": Dispatch(
        {"Offer": Route(on_claim_withdrawn), "*": Route(on_unfollow, malformed="undo-unknown")},
        resolve=undone,
    ),
    "Create": Dispatch(
        {
            "ref": _NOT_EMBEDDED,
            "none": _NOT_EMBEDDED,
            "EconomicEvent": Route(on_confirmation),
            "*": _ITEM,
        }
    ),
    "Update": Dispatch(
        {
            "ref": _NOT_EMBEDDED,
            "none": _NOT_EMBEDDED,
            "Actor": Route(on_actor_update, frozenset({Need.FRESH_SENDER})),
            "*": _ITEM,
        }
    ),
    "Delete": only(on_delete, malformed="object-missing"),
    "Flag": only(on_flag, malformed="activity-malformed"),
    "Announce": only(on_announce, Need.RELAYED, malformed="object-missing"),
    "Offer": Dispatch(
        {
            "Agreement": Route(on_claim_offer, malformed="claim-malformed"),
            "Proposal": Route(on_referral, malformed=referral_refusal),
            "*": Route(on_offer_unsupported, malformed="offer-unsupported"),
        }
    ),
}
"""What each activity type does with each kind of object (FEDERATION.md lists them)."""
