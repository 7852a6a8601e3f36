"""What each inbound activity type does, one small function per type.

Each handler runs inside one write transaction and returns an outcome code:
``done:<code>`` when applied, ``dropped:<code>`` when refused on purpose.
Every input here already passed signature and actor checks; these check the
activity's meaning (whose Follow, whose item) before changing anything.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from federation.documents.actor import LocalActor
from federation.hosts import peer_host
from node.ap.build import local_activity
from node.ap.claim_handlers import (
    answered,
    on_claim_answer,
    on_claim_offer,
    on_claim_withdrawn,
    on_confirmation,
    undone,
)
from node.ap.handlers_base import (
    Context,
    Dispatch,
    Need,
    Outcome,
    Route,
    done,
    dropped,
    object_ref,
    only,
)
from node.ap.outbox import Outbox
from node.ap.referrals import on_referral, referral_refusal
from node.ap.remote import ProposalError, parse_proposal
from node.domain.subscriptions import SubscriptionFilter
from node.storage import Repositories
from node.storage.follows import Follower
from schemas.wire import Create, Flag, Follow, Proposal, Update
from schemas.wire.base import id_of

log = logging.getLogger("solidarity.inbox")


async def on_follow(ctx: Context) -> Outcome:
    assert isinstance(ctx.activity, Follow)
    if ctx.activity.object != ctx.me.id:
        return dropped("follow-not-for-us")
    assert ctx.sender is not None
    decision = await ctx.trust.follow_decision(ctx.sender.host)
    if decision == "reject":
        return dropped("follow-refused")
    state = "pending" if decision == "pending" else "accepted"
    follower = Follower(
        actor_id=ctx.sender.id,
        inbox=ctx.sender.inbox,
        shared_inbox=ctx.sender.shared_inbox,
        follow_activity_id=ctx.row.activity_id,
        state=state,
    )
    await ctx.repos.follows.add_follower(follower, ctx.now)
    if state == "pending":
        return done("follow-pending")
    await send_answer(ctx.repos, ctx.outbox, ctx.me, follower, "Accept")
    return done("follow-accepted")


async def send_answer(
    repos: Repositories, outbox: Outbox, me: LocalActor, follower: Follower, answer: str
) -> None:
    """Accept or Reject a follower's Follow, embedding the Follow as Mastodon does."""
    follow = Follow(id=follower.follow_activity_id, actor=follower.actor_id, object=me.id)
    if answer == "Accept":
        document = local_activity(me, "Accept", follow, to=[follower.actor_id])
    else:
        document = local_activity(me, "Reject", follow, to=[follower.actor_id])
    await outbox.publish(repos, document, inboxes=[follower.inbox], public=False)


async def _answer_to_our_follow(ctx: Context, state: str) -> Outcome:
    follow_id = object_ref(ctx)
    followee = await ctx.repos.follows.following_by_activity(follow_id) if follow_id else None
    if followee is None:
        return dropped("follow-unknown")
    if followee.actor_id != ctx.row.actor_id:
        return dropped("answer-not-from-followee")
    await ctx.repos.follows.set_following_state(followee.actor_id, state, ctx.now)
    return done(f"follow-{state}")


async def on_follow_accepted(ctx: Context) -> Outcome:
    return await _answer_to_our_follow(ctx, "accepted")


async def on_follow_rejected(ctx: Context) -> Outcome:
    return await _answer_to_our_follow(ctx, "rejected")


async def on_hold_of_no_claim(ctx: Context) -> Outcome:
    return dropped("claim-unknown")


async def on_offer_unsupported(ctx: Context) -> Outcome:
    return dropped("offer-unsupported")


async def on_unfollow(ctx: Context) -> Outcome:
    follower = await ctx.repos.follows.follower(ctx.row.actor_id)
    if follower is None:
        return dropped("undo-unknown")
    obj = ctx.raw_object
    if isinstance(obj, dict):
        if ctx.kind != "Follow":
            return dropped("undo-unsupported")
        owner = id_of(obj.get("actor"))
        if isinstance(owner, str) and owner != ctx.row.actor_id:
            return dropped("undo-not-owner")
    elif object_ref(ctx) not in (follower.follow_activity_id, None):
        return dropped("undo-unknown")
    await ctx.repos.follows.remove_follower(ctx.row.actor_id)
    return done("unfollowed")


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
    if id_of(obj.get("attributedTo")) != ctx.row.actor_id:
        return dropped("object-not-attributed-to-actor")
    if peer_host(item.id) != peer_host(ctx.row.actor_id):
        return dropped("object-origin-mismatch")
    if await ctx.trust.refusal(peer_host(item.id)) is not None:
        return dropped("object-from-refused-peer")
    followee = await ctx.repos.follows.following(ctx.row.actor_id)
    following = followee is not None and followee.state == "accepted"
    if not following and not _addressed_to_us(ctx):
        return dropped("not-followed")
    if followee is not None and not SubscriptionFilter.from_json(followee.filters).keeps(item):
        return dropped("outside-subscription")
    existing = await ctx.repos.remote_items.get(item.id)
    if existing is not None and existing.actor_id != ctx.row.actor_id:
        return dropped("update-not-owner")
    if existing is not None and existing.deleted_at is not None:
        return dropped("object-deleted")
    await ctx.repos.remote_items.upsert(item, ctx.now)
    return done("item-stored" if existing is None else "item-updated")


async def on_delete(ctx: Context) -> Outcome:
    target = object_ref(ctx)
    if target is None:
        return dropped("object-missing")
    if target == ctx.row.actor_id:
        await ctx.repos.follows.remove_follower(target)
        await ctx.repos.follows.remove_following(target)
        for item_id in await ctx.repos.remote_items.live_ids(target):
            await ctx.repos.remote_items.tombstone(item_id, ctx.now)
        return done("actor-deleted")
    existing = await ctx.repos.remote_items.get(target)
    if existing is None:
        return dropped("object-unknown")
    if existing.actor_id != ctx.row.actor_id:
        return dropped("delete-not-owner")
    await ctx.repos.remote_items.tombstone(target, ctx.now)
    return done("item-deleted")


async def on_flag(ctx: Context) -> Outcome:
    """A peer reports something: only trusted peers' reports reach the moderation queue."""
    if not await ctx.trust.accepts_reports_from(peer_host(ctx.row.actor_id)):
        return dropped("flag-refused")
    assert isinstance(ctx.activity, Flag)
    objects = [reported for reported in ctx.activity.object if reported]
    text = (ctx.activity.content or "")[:5000]
    await ctx.repos.trust.add_report(
        "in", ctx.row.activity_id, ctx.row.actor_id, objects, text, ctx.now
    )
    await ctx.trust.audit(ctx.repos, ctx.row.actor_id, "report.received", ctx.row.activity_id)
    return done("report-queued")


async def on_announce(ctx: Context) -> Outcome:
    """A relay (FEP-1b12 style): store the origin's object, recording who passed it on."""
    followee = await ctx.repos.follows.following(ctx.row.actor_id)
    followed = followee is not None and followee.state == "accepted"
    if not followed and await ctx.trust.level(peer_host(ctx.row.actor_id)) != "partner":
        return dropped("not-followed")
    obj = ctx.verified
    assert obj is not None
    origin = id_of(obj.get("attributedTo"))
    if not isinstance(origin, str):
        return dropped("object-origin-mismatch")
    try:
        item = parse_proposal(obj, origin)
    except ProposalError as error:
        return dropped(error.reason)
    if peer_host(item.id) != peer_host(origin):
        return dropped("object-origin-mismatch")
    if await ctx.trust.refusal(peer_host(origin)) is not None:
        return dropped("object-from-refused-peer")
    if followee is not None and not SubscriptionFilter.from_json(followee.filters).keeps(item):
        return dropped("outside-subscription")
    existing = await ctx.repos.remote_items.get(item.id)
    if existing is not None:
        return done("item-already-known")
    await ctx.repos.remote_items.upsert(replace(item, relayed_by=ctx.row.actor_id), ctx.now)
    return done("item-relayed")


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
