"""Handlers for /api/v1/admin: trust levels, policy, follows, blocklists, audit, moderation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from federation.hosts import peer_host
from node.ap.rotation import rotate_keys
from node.api.endpoints import Call, Endpoint
from node.domain.blocklist import BlockEntry
from node.domain.records import PeerRow
from node.domain.subscriptions import SubscriptionFilter
from node.domain.trust import Level, Mode, normalise
from node.errors import Unprocessable
from schemas.admin import (
    BlockChangeOut,
    BlockEntryOut,
    BlocklistDiffOut,
    BlocklistExport,
    BlocklistExportQuery,
    BlocklistImport,
    FollowAnswer,
    FollowingList,
    FollowingOut,
    FollowRequestList,
    FollowRequestOut,
    KeysRotated,
    PeerList,
    PeerOut,
    PeerUpdate,
    PolicyOut,
    PolicyUpdate,
    RotateKeys,
    Subscribe,
    Unsubscribe,
)
from schemas.vocab import Role


def who(call: Call) -> str:
    assert call.principal is not None
    return call.principal.name


def _peer_out(peer: PeerRow, **extra: Any) -> PeerOut:
    return PeerOut(**{**peer.__dict__, **extra})


def _entry_out(entry: BlockEntry) -> BlockEntryOut:
    return BlockEntryOut(**entry.__dict__)


async def list_peers(call: Call) -> PeerList:
    peers = await call.services.oversight.peers()
    return PeerList(peers=[_peer_out(peer) for peer in peers])


async def show_peer(call: Call) -> PeerOut:
    found = await call.services.oversight.peer(call.match("host"))
    return _peer_out(
        found.peer,
        followers=found.followers,
        following=found.following,
        key_fingerprints=found.key_fingerprints,
    )


async def update_peer(call: Call) -> PeerOut:
    body = call.body_as(PeerUpdate)
    flags = body.model_dump(
        exclude_none=True,
        include={"reject_media", "reject_reports", "public_comment", "private_comment"},
    )
    peer = await call.services.trust.set_level(
        normalise(call.match("host")),
        Level(body.level),
        who=who(call),
        reason=body.reason,
        severity=body.severity,
        **flags,
    )
    return _peer_out(peer)


async def get_policy(call: Call) -> PolicyOut:
    policy = await call.services.trust.policy()
    return PolicyOut(
        mode=policy.mode.value, approve_followers=policy.approve_followers, secure=policy.secure
    )


async def update_policy(call: Call) -> PolicyOut:
    body = call.body_as(PolicyUpdate)
    changes: dict[str, Any] = body.model_dump(exclude_none=True, exclude={"reason"})
    if "mode" in changes:
        changes["mode"] = Mode(changes["mode"])
    policy = await call.services.trust.set_policy(who=who(call), reason=body.reason, **changes)
    return PolicyOut(
        mode=policy.mode.value, approve_followers=policy.approve_followers, secure=policy.secure
    )


async def follow_requests(call: Call) -> FollowRequestList:
    pending = await call.services.oversight.follow_requests()
    return FollowRequestList(
        requests=[
            FollowRequestOut(
                actor=f.actor_id,
                host=peer_host(f.actor_id),
                follow_activity_id=f.follow_activity_id,
            )
            for f in pending
        ]
    )


async def approve_follow(call: Call) -> None:
    body = call.body_as(FollowAnswer)
    await call.services.follows.answer(body.actor, True, who=who(call), reason=body.reason)


async def reject_follow(call: Call) -> None:
    body = call.body_as(FollowAnswer)
    await call.services.follows.answer(body.actor, False, who=who(call), reason=body.reason)


async def list_following(call: Call) -> FollowingList:
    rows = await call.services.oversight.following()
    return FollowingList(following=[FollowingOut(actor=f.actor_id, state=f.state) for f in rows])


async def subscribe(call: Call) -> FollowingOut:
    body = call.body_as(Subscribe)
    centre = tuple(float(x) for x in body.near.split(",")) if body.near else None
    if (centre is None) != (body.radius_km is None):
        raise Unprocessable("A region needs both near and radius_km.", reason="region-partial")
    keep = SubscriptionFilter(
        purposes=tuple(body.purposes),
        categories=tuple(c.value for c in body.categories),
        centre=(centre[0], centre[1]) if centre else None,
        radius_km=body.radius_km,
    )
    followee = await call.services.follows.follow(body.target, who=who(call), keep=keep)
    return FollowingOut(actor=followee.actor_id, state="pending")


async def unsubscribe(call: Call) -> None:
    await call.services.follows.unfollow(call.body_as(Unsubscribe).actor, who=who(call))


async def import_blocklist(call: Call) -> BlocklistDiffOut:
    body = call.body_as(BlocklistImport)
    result = await call.services.blocks.import_(
        body.content, body.format, who=who(call), dry_run=body.dry_run
    )
    plan = result.diff
    return BlocklistDiffOut(
        applied=result.applied,
        added=[_entry_out(e) for e in plan.added],
        changed=[
            BlockChangeOut(before=_entry_out(a), after=_entry_out(b)) for a, b in plan.changed
        ],
        unchanged=[_entry_out(e) for e in plan.unchanged],
    )


async def export_blocklist(call: Call) -> BlocklistExport:
    fmt = call.query_as(BlocklistExportQuery).format
    return BlocklistExport(format=fmt, content=await call.services.blocks.export(fmt))


async def rotate(call: Call) -> KeysRotated:
    days = call.body_as(RotateKeys).grace_days
    key = await rotate_keys(call.services, who=who(call), grace=timedelta(days=days))
    return KeysRotated(ed25519_key_id=key)


def admin_endpoints() -> list[Endpoint]:
    base, admin = "/api/v1/admin", Role.ADMIN
    bad = (400, 401, 403, 413, 415, 422)
    return [
        Endpoint(
            "GET",
            f"{base}/peers",
            list_peers,
            "listPeers",
            "Peers with a trust setting",
            PeerList,
            role=admin,
            errors=(401, 403),
        ),
        Endpoint(
            "GET",
            f"{base}/peers/{{host}}",
            show_peer,
            "getPeer",
            "One peer: level, follows both ways, key fingerprints",
            PeerOut,
            role=admin,
            errors=(401, 403, 422),
        ),
        Endpoint(
            "PUT",
            f"{base}/peers/{{host}}",
            update_peer,
            "setPeerTrust",
            "Set a peer's trust level (audited)",
            PeerOut,
            body=PeerUpdate,
            role=admin,
            errors=bad,
        ),
        Endpoint(
            "GET",
            f"{base}/policy",
            get_policy,
            "getPolicy",
            "The federation policy",
            PolicyOut,
            role=admin,
            errors=(401, 403),
        ),
        Endpoint(
            "PUT",
            f"{base}/policy",
            update_policy,
            "setPolicy",
            "Switch federation mode, follow approval or secure mode (audited)",
            PolicyOut,
            body=PolicyUpdate,
            role=admin,
            errors=bad,
        ),
        Endpoint(
            "GET",
            f"{base}/follow-requests",
            follow_requests,
            "listFollowRequests",
            "Follow requests waiting for approval",
            FollowRequestList,
            role=admin,
            errors=(401, 403),
        ),
        Endpoint(
            "POST",
            f"{base}/follow-requests/approve",
            approve_follow,
            "approveFollow",
            "Approve a follow request",
            None,
            204,
            body=FollowAnswer,
            role=admin,
            errors=(*bad, 404),
        ),
        Endpoint(
            "POST",
            f"{base}/follow-requests/reject",
            reject_follow,
            "rejectFollow",
            "Reject a follow request",
            None,
            204,
            body=FollowAnswer,
            role=admin,
            errors=(*bad, 404),
        ),
        Endpoint(
            "GET",
            f"{base}/following",
            list_following,
            "listFollowing",
            "Peers we subscribe to",
            FollowingList,
            role=admin,
            errors=(401, 403),
        ),
        Endpoint(
            "POST",
            f"{base}/following",
            subscribe,
            "subscribe",
            "Subscribe to a peer (it becomes trusted unless blocked or limited)",
            FollowingOut,
            201,
            body=Subscribe,
            role=admin,
            errors=(*bad, 404, 502),
        ),
        Endpoint(
            "POST",
            f"{base}/following/remove",
            unsubscribe,
            "unsubscribe",
            "Stop following a peer",
            None,
            204,
            body=Unsubscribe,
            role=admin,
            errors=(*bad, 404),
        ),
        Endpoint(
            "POST",
            f"{base}/blocklist/import",
            import_blocklist,
            "importBlocklist",
            "Import a Mastodon CSV or plain-text blocklist (dry run by default)",
            BlocklistDiffOut,
            body=BlocklistImport,
            role=admin,
            errors=bad,
        ),
        Endpoint(
            "GET",
            f"{base}/blocklist",
            export_blocklist,
            "exportBlocklist",
            "Export the blocklist",
            BlocklistExport,
            query=BlocklistExportQuery,
            role=admin,
            errors=(401, 403, 422),
        ),
        Endpoint(
            "POST",
            f"{base}/keys/rotate",
            rotate,
            "rotateKeys",
            "Rotate the node's keys and tell followers",
            KeysRotated,
            body=RotateKeys,
            role=admin,
            errors=bad,
        ),
    ]
