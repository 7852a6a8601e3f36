"""Offers that travel: relayed through a coalition with their proofs, and shown to
Mastodon-like followers as ordinary posts."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from federation.proofs import create_proof
from schemas.vocab import Role
from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.e2e.fakepeer import FakePeer
from tests.e2e.wire import post_inbox, sign
from tests.node.test_openapi import Checker

ADMIN = Role.ADMIN


async def _network(make_peer: PeerFactory) -> tuple[Peer, Peer, Peer]:
    origin = await make_peer("foodbank", "Eastside Food Bank")
    coalition = await make_peer("coalition", "North Region Coalition")
    member = await make_peer("clinic", "Clinic Mutual Aid")
    await coalition.services.follows.follow(f"{origin.url}/actor")
    await member.services.follows.follow(f"{coalition.url}/actor")
    await settle(origin, coalition, member)
    return origin, coalition, member


async def test_a_member_sees_the_origins_offer_through_the_coalition(
    make_peer: PeerFactory,
) -> None:
    origin, coalition, member = await _network(make_peer)
    offer = await origin.offer(title="Rice, 20 kg", quantity={"amount": 20, "unit": "kilogram"})
    await settle(origin, coalition, member)
    doc = await coalition.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    relayed = await Checker(coalition, doc)(
        "POST", "/api/v1/relays", "/api/v1/relays", {"id": offer["url"]}
    )
    assert relayed["activity_id"].startswith(coalition.url)
    await settle(origin, coalition, member)

    seen = await member.services.store.reader.remote_items.get(offer["url"])
    assert seen is not None
    assert seen.actor_id == f"{origin.url}/actor", "the origin is recorded"
    assert seen.relayed_by == f"{coalition.url}/actor", "and the node that relayed it"
    assert seen.title == "Rice, 20 kg"
    assert seen.document["proof"]["verificationMethod"].startswith(f"{origin.url}/actor#")
    outcomes = await member.services.store.reader.inbox.outcomes()
    assert "done:item-relayed" in outcomes.values()


async def _announce(coalition: Peer, member: Peer, obj: Any, n: int) -> None:
    announce = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{coalition.url}/activities/announce-{n}",
        "type": "Announce",
        "actor": f"{coalition.url}/actor",
        "object": obj,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }
    body = json.dumps(announce).encode()
    status, _ = await post_inbox(member, sign(coalition, f"{member.url}/inbox", body), body)
    assert status == 202
    await settle(coalition, member)


def _tampered(document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["publishes"]["availableQuantity"]["hasNumericalValue"] = 2000
    return changed


def _signed_by_relayer(document: dict[str, Any], coalition: Peer) -> dict[str, Any]:
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    ring = coalition.services.keys
    method = f"{coalition.url}/actor#{ring.ed25519_fragment}"
    return create_proof(unsigned, ring.current().ed25519, method, coalition.clock.now())


@pytest.mark.parametrize(
    ("forge", "reason"),
    [
        (lambda doc, coalition: _tampered(doc), "proof-invalid"),
        (_signed_by_relayer, "proof-key-not-origin"),
    ],
)
async def test_tampered_relays_are_dropped(make_peer: PeerFactory, forge: Any, reason: str) -> None:
    origin, coalition, member = await _network(make_peer)
    offer = await origin.offer(title="Water", category="water")
    await settle(origin, coalition, member)
    original = (await coalition.services.store.reader.remote_items.get(offer["url"])).document
    before = await member.services.store.reader.remote_items.live_ids()
    await _announce(coalition, member, forge(original, coalition), 1)
    assert await member.services.store.reader.remote_items.live_ids() == before
    outcomes = await member.services.store.reader.inbox.outcomes()
    assert outcomes[f"{coalition.url}/activities/announce-1"] == f"dropped:{reason}"


async def test_a_blocked_origin_stays_out_even_through_a_trusted_relay(
    make_peer: PeerFactory,
) -> None:
    origin, coalition, member = await _network(make_peer)
    await member.call(
        "PUT",
        f"/api/v1/admin/peers/{origin.url.removeprefix('http://')}",
        {"level": "blocked"},
        role=ADMIN,
        expect=200,
    )
    offer = await origin.offer(title="Blankets", category="household")
    await settle(origin, coalition, member)
    await coalition.call("POST", "/api/v1/relays", {"id": offer["url"]}, expect=201)
    await settle(origin, coalition, member)
    assert await member.services.store.reader.remote_items.get(offer["url"]) is None
    outcomes = await member.services.store.reader.inbox.outcomes()
    assert "dropped:object-from-refused-peer" in outcomes.values()


async def test_without_a_proof_the_origins_copy_is_used(make_peer: PeerFactory) -> None:
    origin, coalition, member = await _network(make_peer)
    offer = await origin.offer(title="Nappies", category="hygiene")
    await settle(origin, coalition, member)
    original = (await coalition.services.store.reader.remote_items.get(offer["url"])).document
    unproven = {k: v for k, v in _tampered(original).items() if k != "proof"}
    await _announce(coalition, member, unproven, 2)
    stored = await member.services.store.reader.remote_items.get(offer["url"])
    assert stored is not None
    assert stored.available_quantity == 1, "the origin's copy, not the relayed edit"


async def test_mastodon_followers_get_a_note_and_ours_get_the_proposal(
    make_peer: PeerFactory,
) -> None:
    node = await make_peer("foodbank", "Eastside Food Bank")
    ours = await make_peer("coalition")
    mastodon = FakePeer(make_peer.spare_port, "mastodon", node.clock)  # type: ignore[attr-defined]
    await mastodon.start()
    try:
        follow = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Follow",
            "id": f"{mastodon.url}/follows/1",
            "actor": mastodon.actor_id,
            "object": f"{node.url}/actor",
        }
        body, headers = mastodon.signed(f"{node.url}/inbox", follow)
        response = await node.client.post("/inbox", data=body, headers=headers)
        assert response.status == 202
        await ours.services.follows.follow(f"{node.url}/actor")
        await settle(node, ours)
        assert [a["type"] for a in mastodon.received] == ["Accept"]

        offer = await node.offer(
            title="Rice, 20 kg", category="food", ends_at="2026-03-08T12:00:00Z"
        )
        await settle(node, ours)
        create = mastodon.received[-1]
        assert create["type"] == "Create"
        note = create["object"]
        assert note["type"] == "Note"
        assert note["attributedTo"] == f"{node.url}/actor" == create["actor"]
        assert "https://www.w3.org/ns/activitystreams#Public" in note["to"]
        assert note["cc"] == [f"{node.url}/actor/followers"]
        assert "Rice, 20 kg" in note["content"] and "2026-03-08" in note["content"]
        assert note["tag"] == [
            {"type": "Hashtag", "name": "#food", "href": f"{node.url}/tags/food"}
        ]
        assert note["url"] == offer["url"]
        assert note["attachment"][0]["href"] == offer["url"]
        served = await node.client.get(
            note["id"].removeprefix(node.url), headers={"Accept": "application/activity+json"}
        )
        assert (await served.json(content_type=None))["id"] == note["id"]
        proposal = await ours.services.store.reader.remote_items.get(offer["url"])
        assert proposal is not None, "a peer of our own software gets the Proposal"
        assert not any(
            i.endswith("/note") for i in await ours.services.store.reader.remote_items.live_ids()
        )
    finally:
        await mastodon.close()
