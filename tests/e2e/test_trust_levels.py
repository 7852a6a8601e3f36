"""Trust levels and federation modes, with real peers: blocked, limited, allowlist, approval."""

from __future__ import annotations

import json
from typing import Any

from node.domain.trust import Level
from schemas.vocab import Role
from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.e2e.wire import activity, post_inbox, sign

ADMIN = Role.ADMIN


async def _set_level(node: Peer, peer: Peer, level: str, **extra: Any) -> None:
    host = peer.url.removeprefix("http://")
    await node.call(
        "PUT", f"/api/v1/admin/peers/{host}", {"level": level, **extra}, role=ADMIN, expect=200
    )


async def _follow_request(follower: Peer, followee: Peer) -> None:
    await follower.services.follows.follow(f"{followee.url}/actor")
    await settle(follower, followee)


async def test_a_blocked_peer_is_refused_everything(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    abuser = await make_peer("abuser")
    await _follow_request(abuser, node)  # they followed us before the block
    await node.offer(title="Rice")  # queued for them, not yet delivered
    await _set_level(node, abuser, "blocked", reason="harassment")

    state = node.dump()
    assert await node.services.store.reader.follows.follower(f"{abuser.url}/actor") is None
    assert (await node.services.store.reader.outbox.delivery_states()).get("pending", 0) == 0

    for kind in ("Follow", "Create", "Flag"):
        body = json.dumps(
            activity(
                abuser, type=kind, id=f"{abuser.url}/activities/{kind}", object=f"{node.url}/actor"
            )
        ).encode()
        status, problem = await post_inbox(node, sign(abuser, f"{node.url}/inbox", body), body)
        assert (status, problem["reason"]) == (403, "peer-blocked"), kind

    response = await node.client.get(
        "/actor",
        headers={
            "Accept": "application/activity+json",
            **abuser.federation.delivery_worker.signer.sign("GET", f"{node.url}/actor", {}, None),
        },
    )
    assert response.status == 403, "their signed fetches are refused"
    assert node.dump() == state


async def test_blocking_ends_our_follow_and_stops_deliveries(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    other = await make_peer("other")
    await _follow_request(node, other)
    await _follow_request(other, node)
    await _set_level(node, other, "blocked")
    assert await node.services.store.reader.follows.following(f"{other.url}/actor") is None
    await node.offer(title="Soup")
    await settle(node, other)
    assert await other.services.store.reader.remote_items.live_ids() == []


async def test_a_limited_peers_follow_waits_for_an_admin(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    peer = await make_peer("newcomer")
    await _set_level(node, peer, "limited")
    await _follow_request(peer, node)
    pending = await node.call("GET", "/api/v1/admin/follow-requests", role=ADMIN, expect=200)
    assert [r["actor"] for r in pending["requests"]] == [f"{peer.url}/actor"]
    following = await peer.services.store.reader.follows.following(f"{node.url}/actor")
    assert following is not None
    assert following.state == "pending"

    await node.call(
        "POST",
        "/api/v1/admin/follow-requests/approve",
        {"actor": f"{peer.url}/actor", "reason": "known group"},
        role=ADMIN,
        expect=204,
    )
    await settle(node, peer)
    following = await peer.services.store.reader.follows.following(f"{node.url}/actor")
    assert following is not None
    assert following.state == "accepted"
    audit = await node.call(
        "GET", f"/api/v1/admin/audit?subject={peer.url}/actor", role=ADMIN, expect=200
    )
    assert [(e["action"], e["reason"]) for e in audit["entries"]] == [
        ("follow.approved", "known group")
    ]


async def test_approval_mode_holds_unknown_follows_and_a_rejection_reaches_them(
    make_peer: PeerFactory,
) -> None:
    node = await make_peer("eastside")
    stranger = await make_peer("stranger")
    friend = await make_peer("friend")
    await node.call(
        "PUT", "/api/v1/admin/policy", {"approve_followers": True}, role=ADMIN, expect=200
    )
    response = await node.client.get("/actor", headers={"Accept": "application/activity+json"})
    actor = await response.json(content_type=None)
    assert actor["manuallyApprovesFollowers"] is True
    await _set_level(node, friend, "trusted")
    await _follow_request(friend, node)
    await _follow_request(stranger, node)
    friend_view = await friend.services.store.reader.follows.following(f"{node.url}/actor")
    assert friend_view is not None
    assert friend_view.state == "accepted", "trusted peers are auto-accepted"

    await node.call(
        "POST",
        "/api/v1/admin/follow-requests/reject",
        {"actor": f"{stranger.url}/actor"},
        role=ADMIN,
        expect=204,
    )
    await settle(node, stranger)
    view = await stranger.services.store.reader.follows.following(f"{node.url}/actor")
    assert view is not None
    assert view.state == "rejected"
    assert await node.services.store.reader.follows.follower(f"{stranger.url}/actor") is None


async def test_allowlist_mode_refuses_unknown_peers(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    partner = await make_peer("partner")
    stranger = await make_peer("stranger")
    await _set_level(node, partner, "partner")
    await node.call("PUT", "/api/v1/admin/policy", {"mode": "allowlist"}, role=ADMIN, expect=200)
    before = node.dump()
    body = json.dumps(activity(stranger, id=f"{stranger.url}/activities/x")).encode()
    status, problem = await post_inbox(node, sign(stranger, f"{node.url}/inbox", body), body)
    assert (status, problem["reason"]) == (403, "peer-not-allowlisted")
    assert node.dump() == before
    body = json.dumps(activity(partner, id=f"{partner.url}/activities/x")).encode()
    assert (await post_inbox(node, sign(partner, f"{node.url}/inbox", body), body))[0] == 202
    # In allowlist mode a block beats an allow: block the partner's whole domain.
    await node.services.trust.set_level("127.0.0.1", Level.BLOCKED, who="test")
    assert await node.services.trust.refusal(partner.url.removeprefix("http://")) == "peer-blocked"


async def test_subscribing_trusts_unless_limited(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    good = await make_peer("good")
    shaky = await make_peer("shaky")
    await _set_level(node, shaky, "limited")
    for peer in (good, shaky):
        await node.call(
            "POST", "/api/v1/admin/following", {"target": peer.handle}, role=ADMIN, expect=201
        )
    assert await node.services.trust.level(good.url.removeprefix("http://")) == "trusted"
    assert await node.services.trust.level(shaky.url.removeprefix("http://")) == "limited"
    audit = await node.call("GET", "/api/v1/admin/audit", role=ADMIN, expect=200)
    subscribed = [e for e in audit["entries"] if e["reason"] == "subscribed"]
    assert [e["subject"] for e in subscribed] == [good.url.removeprefix("http://")]


async def test_a_flood_from_one_peer_gets_429_and_others_pass(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside", inbox_burst=3, inbox_rate_per_minute=1)
    flooder = await make_peer("flooder")
    calm = await make_peer("calm")
    statuses = []
    for n in range(5):
        body = json.dumps(activity(flooder, id=f"{flooder.url}/activities/{n}")).encode()
        response = await node.client.post(
            "/inbox",
            data=body,
            headers={
                "Content-Type": "application/activity+json",
                **sign(flooder, f"{node.url}/inbox", body),
            },
        )
        statuses.append(response.status)
        if response.status == 429:
            assert int(response.headers["Retry-After"]) >= 1
    assert statuses == [202, 202, 202, 429, 429]
    body = json.dumps(activity(calm, id=f"{calm.url}/activities/1")).encode()
    assert (await post_inbox(node, sign(calm, f"{node.url}/inbox", body), body))[0] == 202
