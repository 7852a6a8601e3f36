"""Authorized fetch and key rotation between real nodes."""

from __future__ import annotations

from typing import Any

import pytest

from federation.errors import FetchError
from schemas.vocab import Role
from tests.e2e.conftest import Peer, PeerFactory, settle

ADMIN = Role.ADMIN


async def _fetch(reader: Peer, url: str) -> Any:
    """A signed GET by ``reader``'s own fetcher (signed by its instance actor)."""
    return (await reader.federation.fetcher.fetch_json(url)).document


async def _status(reader: Peer, url: str) -> int:
    try:
        await _fetch(reader, url)
    except FetchError as error:
        return int(getattr(error, "upstream_status", 0))
    return 200


async def test_followers_and_coalition_items_need_the_right_peer(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    follower = await make_peer("follower")
    partner = await make_peer("partner")
    await follower.services.follows.follow(f"{node.url}/actor")
    await settle(node, follower)
    await node.call(
        "PUT",
        f"/api/v1/admin/peers/{partner.url.removeprefix('http://')}",
        {"level": "partner"},
        role=ADMIN,
        expect=200,
    )
    for_followers = await node.offer(title="For followers", visibility="followers")
    for_coalition = await node.offer(title="For the coalition", visibility="coalition")

    assert (
        await node.client.get(
            f"/offers/{for_followers['id']}", headers={"Accept": "application/activity+json"}
        )
    ).status == 401
    assert (await _fetch(follower, for_followers["url"]))["name"] == "For followers"
    assert await _status(partner, for_followers["url"]) == 403
    assert (await _fetch(partner, for_coalition["url"]))["name"] == "For the coalition"
    assert await _status(follower, for_coalition["url"]) == 403


async def test_secure_mode_needs_signatures_and_two_secure_nodes_still_talk(
    make_peer: PeerFactory,
) -> None:
    first = await make_peer("first")
    second = await make_peer("second")
    for node in (first, second):
        await node.call("PUT", "/api/v1/admin/policy", {"secure": True}, role=ADMIN, expect=200)
    offer = await first.offer(title="Public, but only to signed peers")
    unsigned = await first.client.get(
        f"/offers/{offer['id']}", headers={"Accept": "application/activity+json"}
    )
    assert unsigned.status == 401
    actor = await first.client.get("/actor", headers={"Accept": "application/activity+json"})
    assert actor.status == 200, "actor documents stay open, so keys can always be fetched"
    # Both require signatures, yet each can verify the other: no deadlock.
    assert (await _fetch(second, offer["url"]))["name"] == offer["title"]
    await second.services.follows.follow(f"{first.url}/actor")
    await first.services.follows.follow(f"{second.url}/actor")
    await settle(first, second)
    state = await second.services.store.reader.follows.following(f"{first.url}/actor")
    assert state is not None
    assert state.state == "accepted"


async def test_rotation_keeps_followers_verifying(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    follower = await make_peer("follower")
    await follower.services.follows.follow(f"{node.url}/actor")
    await settle(node, follower)
    before = await node.offer(title="Before rotation")
    await settle(node, follower)
    queued = await node.offer(title="Queued across the rotation")  # not sent before rotating
    old_key = await follower.services.store.reader.peers.key(f"{node.url}/actor#main-key")
    assert old_key is not None

    rotated = await node.call(
        "POST", "/api/v1/admin/keys/rotate", {"grace_days": 30}, role=ADMIN, expect=200
    )
    assert rotated["ed25519_key_id"].startswith(f"{node.url}/actor#ed25519-key-")
    after = await node.offer(title="After rotation")
    await settle(node, follower)
    for item in (before, queued, after):
        assert await follower.services.store.reader.remote_items.get(item["url"]) is not None
    new_key = await follower.services.store.reader.peers.key(f"{node.url}/actor#main-key")
    assert new_key is not None
    assert new_key.public_pem != old_key.public_pem

    actor = await _fetch(follower, f"{node.url}/actor")
    ids = [method["id"] for method in actor["assertionMethod"]]
    assert ids == [rotated["ed25519_key_id"], f"{node.url}/actor#ed25519-key"], (
        "the old Multikey stays during the grace period"
    )
    proof = (await follower.services.store.reader.remote_items.get(before["url"])).document
    assert proof["proof"]["verificationMethod"] == f"{node.url}/actor#ed25519-key"
    audit = await follower.call("GET", "/api/v1/admin/audit", role=ADMIN, expect=200)
    assert "key.changed" in {e["action"] for e in audit["entries"]}


@pytest.mark.parametrize("trusted", [True, False])
async def test_reports_reach_the_origin_only_from_trusted_peers(
    make_peer: PeerFactory, trusted: bool
) -> None:
    origin = await make_peer("origin")
    reporter = await make_peer("reporter")
    await reporter.call(
        "POST", "/api/v1/admin/following", {"target": origin.handle}, role=ADMIN, expect=201
    )
    await settle(origin, reporter)
    if trusted:
        await origin.call(
            "PUT",
            f"/api/v1/admin/peers/{reporter.url.removeprefix('http://')}",
            {"level": "trusted"},
            role=ADMIN,
            expect=200,
        )
    offer = await origin.offer(title="Suspicious")
    await settle(origin, reporter)
    await reporter.call(
        "POST", "/api/v1/admin/remote-items/hide", {"id": offer["url"]}, role=ADMIN, expect=204
    )
    hidden = await reporter.services.store.reader.remote_items.get(offer["url"])
    assert hidden is not None
    sent = await reporter.call(
        "POST",
        "/api/v1/admin/remote-items/report",
        {"id": offer["url"], "content": "looks like a scam"},
        role=ADMIN,
        expect=201,
    )
    await settle(origin, reporter)
    received = await origin.call("GET", "/api/v1/admin/reports", role=ADMIN, expect=200)
    if trusted:
        (report,) = received["reports"]
        assert report["activity_id"] == sent["activity_id"]
        assert report["objects"] == [f"{origin.url}/actor", offer["url"]]
        assert report["content"] == "looks like a scam"
    else:
        assert received["reports"] == []
