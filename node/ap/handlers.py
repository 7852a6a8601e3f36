"""What each inbound activity type does, one small function per type.

Each handler runs inside one write transaction and returns an outcome code:
``done:<code>`` when applied, ``dropped:<code>`` when refused on purpose.
Every input here already passed signature and actor checks; these check the
activity's meaning (whose Follow, whose item) before changing anything.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from federation.documents.actor import LocalActor
from federation.hosts import peer_host
from node.ap.actors import ACTOR_TYPES
from node.ap.claim_handlers import (
    on_claim_answer,
    on_claim_offer,
    on_claim_withdrawn,
    on_confirmation,
)
from node.ap.handlers_base import Context, Handler, Outcome, done, dropped
from node.ap.outbox import Outbox, local_activity
from node.ap.referrals import on_referral
from node.ap.remote import ProposalError, parse_proposal
from node.domain.subscriptions import SubscriptionFilter
from node.storage import Repositories
from node.storage.follows import Follower
from schemas.wire.base import strict_id_of as _id_of

log = logging.getLogger("solidarity.inbox")


async def on_follow(ctx: Context) -> Outcome:
    if _id_of(ctx.activity.get("object")) != ctx.me.id:
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
    follow = {
        "id": follower.follow_activity_id,
        "type": "Follow",
        "actor": follower.actor_id,
        "object": me.id,
    }
    if answer == "Accept":
        document = local_activity(me, "Accept", follow, to=[follower.actor_id])
    else:
        document = local_activity(me, "Reject", follow, to=[follower.actor_id])
    await outbox.publish(repos, document, inboxes=[follower.inbox], public=False)


async def _answer_to_our_follow(ctx: Context, state: str) -> Outcome:
    claim = await on_claim_answer(ctx, "Accept" if state == "accepted" else "Reject")
    if claim is not None:
        return claim
    obj = ctx.activity.get("object")
    follow_id = _id_of(obj)
    followee = await ctx.repos.follows.following_by_activity(follow_id) if follow_id else None
    if followee is None:
        return dropped("follow-unknown")
    if followee.actor_id != ctx.row.actor_id:
        return dropped("answer-not-from-followee")
    await ctx.repos.follows.set_following_state(followee.actor_id, state, ctx.now)
    return done(f"follow-{state}")


async def on_accept(ctx: Context) -> Outcome:
    return await _answer_to_our_follow(ctx, "accepted")


async def on_reject(ctx: Context) -> Outcome:
    return await _answer_to_our_follow(ctx, "rejected")


async def on_tentative_accept(ctx: Context) -> Outcome:
    return await on_claim_answer(ctx, "TentativeAccept") or dropped("claim-unknown")


async def on_offer(ctx: Context) -> Outcome:
    """FEP-0837: an Offer of an Agreement is a claim on one of our items."""
    obj = ctx.activity.get("object")
    types = obj.get("type") if isinstance(obj, dict) else None
    kinds = types if isinstance(types, list) else [types]
    if isinstance(obj, dict) and "Agreement" in kinds:
        return await on_claim_offer(ctx, obj)
    if isinstance(obj, dict) and "Proposal" in kinds:
        return await on_referral(ctx, obj)
    return dropped("offer-unsupported")


async def on_undo(ctx: Context) -> Outcome:
    obj = ctx.activity.get("object")
    if not (isinstance(obj, dict) and obj.get("type") == "Follow"):
        withdrawn = await on_claim_withdrawn(ctx)
        if withdrawn is not None:
            return withdrawn
    follower = await ctx.repos.follows.follower(ctx.row.actor_id)
    if follower is None:
        return dropped("undo-unknown")
    undone = _id_of(obj)
    if isinstance(obj, dict):
        if obj.get("type") != "Follow":
            return dropped("undo-unsupported")
        if _id_of(obj.get("actor")) not in (None, ctx.row.actor_id):
            return dropped("undo-not-owner")
    if undone not in (follower.follow_activity_id, None) and not isinstance(obj, dict):
        return dropped("undo-unknown")
    await ctx.repos.follows.remove_follower(ctx.row.actor_id)
    return done("unfollowed")


def _addressed_to_us(activity: dict[str, Any], me: LocalActor) -> bool:
    for field in ("to", "cc", "audience"):
        value = activity.get(field)
        targets = value if isinstance(value, list) else [value]
        if me.id in targets:
            return True
    return False


async def on_create_or_update(ctx: Context) -> Outcome:
    obj = ctx.activity.get("object")
    if not isinstance(obj, dict):
        return dropped("object-not-embedded")
    if is_actor_update(ctx.activity):
        # The worker refetched the actor from its origin before this ran.
        return done("actor-refreshed")
    if ctx.row.type == "Create" and obj.get("type") == "EconomicEvent":
        return await on_confirmation(ctx, obj)
    try:
        item = parse_proposal(obj, ctx.row.actor_id)
    except ProposalError as error:
        log.info("inbox object refused reason=%s detail=%s", error.reason, error)
        return dropped(error.reason)
    if _id_of(obj.get("attributedTo")) != ctx.row.actor_id:
        return dropped("object-not-attributed-to-actor")
    if peer_host(item.id) != peer_host(ctx.row.actor_id):
        return dropped("object-origin-mismatch")
    if await ctx.trust.refusal(peer_host(item.id)) is not None:
        return dropped("object-from-refused-peer")
    followee = await ctx.repos.follows.following(ctx.row.actor_id)
    following = followee is not None and followee.state == "accepted"
    if not following and not _addressed_to_us(ctx.activity, ctx.me):
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
    target = _id_of(ctx.activity.get("object"))
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
    value = ctx.activity.get("object")
    objects = [o for o in (_id_of(v) for v in (value if isinstance(value, list) else [value])) if o]
    content = ctx.activity.get("content")
    text = content[:5000] if isinstance(content, str) else ""
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
    origin = _id_of(obj.get("attributedTo"))
    if origin is None:
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


HANDLERS: dict[str, Handler] = {
    "Follow": on_follow,
    "Accept": on_accept,
    "Reject": on_reject,
    "Undo": on_undo,
    "Create": on_create_or_update,
    "Update": on_create_or_update,
    "Delete": on_delete,
    "Flag": on_flag,
    "Announce": on_announce,
    "Offer": on_offer,
    "TentativeAccept": on_tentative_accept,
}

# Types whose processing needs the sender's actor document (for its inbox).
NEEDS_SENDER = frozenset({"Follow"})


def is_actor_update(activity: dict[str, Any]) -> bool:
    """An Update of the sender's own actor (a new name, or rotated keys)."""
    obj = activity.get("object")
    if activity.get("type") != "Update" or not isinstance(obj, dict):
        return False
    types = obj.get("type")
    return bool(ACTOR_TYPES.intersection(types if isinstance(types, list) else [types])) and (
        obj.get("id") == _id_of(activity.get("actor"))
    )
