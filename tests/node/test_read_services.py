"""The domain reads that the API and the pages use instead of repositories.

Rows are seeded through the store; each read is checked through its service.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from node.domain.trust import Level
from node.errors import NotFound
from node.storage.claims import Claim
from node.storage.follows import Followee, Follower
from node.storage.peers import RemoteActor
from node.storage.trust import PeerRow
from schemas.vocab import Purpose, Status
from tests.conftest import Node
from tests.factories import peer_item

NOW = "2026-03-01T12:00:00Z"
ROOT = Path(__file__).resolve().parents[2]


def _follower(actor_id: str, state: str) -> Follower:
    return Follower(actor_id, f"{actor_id}/inbox", None, f"{actor_id}#follow", state)


def _claim(claim_id: str, direction: str, item_id: str, state: str) -> Claim:
    return Claim(
        id=claim_id,
        direction=direction,
        offer_activity_id=f"https://peer.example/offers/{claim_id}",
        intent_id=f"{item_id}#primary",
        item_id=item_id,
        counterparty="https://peer.example/actor",
        quantity=1.0,
        unit="one",
        state=state,
        commitment_id=f"https://peer.example/commitments/{claim_id}",
    )


async def test_oversight_read_peers_follows_and_reports(node: Node) -> None:
    services = node.services
    async with services.store.transaction() as repos:
        await repos.trust.save_peer(PeerRow(host="peer.example", level="trusted"))
        await repos.follows.add_follower(_follower("https://peer.example/actor", "accepted"), NOW)
        await repos.follows.add_follower(_follower("https://sub.peer.example/a", "accepted"), NOW)
        await repos.follows.add_follower(_follower("https://other.example/actor", "pending"), NOW)
        await repos.follows.add_following(
            Followee("https://peer.example/group", "https://node.test/f/1", "pending"), NOW
        )
        await repos.trust.record_fingerprint("https://peer.example/actor#main-key", "SHA:1", NOW)
        await repos.trust.add_report(
            "in", "https://peer.example/flag/1", "https://peer.example/actor", [], "", NOW
        )
        await repos.peers.save_actor(
            RemoteActor("https://known.example/actor", "known.example", "x", None, None, None, {}),
            NOW,
        )
    views = services.oversight

    assert [p.host for p in await views.peers()] == ["peer.example"]
    assert [(p.host, p.level) for p in await views.peers_and_known_hosts()] == [
        ("known.example", "unknown"),
        ("peer.example", "trusted"),
    ]
    detail = await views.peer("Peer.Example.")
    assert detail.peer.level == "trusted"
    assert sorted(detail.followers) == ["https://peer.example/actor", "https://sub.peer.example/a"]
    assert detail.following == ["https://peer.example/group"]
    assert detail.key_fingerprints == ["SHA:1"]
    assert [f.actor_id for f in await views.follow_requests()] == ["https://other.example/actor"]
    assert [(f.actor_id, f.state) for f in await views.following()] == [
        ("https://peer.example/group", "pending")
    ]
    assert [r.activity_id for r in await views.reports("open")] == ["https://peer.example/flag/1"]
    assert await views.reports("resolved") == []
    counts = await views.counts()
    assert (counts.peers, counts.follow_requests, counts.open_reports) == (1, 1, 1)
    await services.trust.set_level("peer.example", Level.LIMITED, who="test")
    assert [e.subject for e in await views.audit("peer.example", 5)] == ["peer.example"]


async def test_oversight_count_deliveries_by_host(node: Node) -> None:
    async with node.services.store.transaction() as repos:
        seq = await repos.outbox.add_activity(
            "https://node.test/a/1", "Create", None, True, "{}", NOW
        )
        await repos.outbox.add_deliveries(
            seq, [("https://peer.example/inbox", "peer.example")], NOW
        )
    [health] = await node.services.oversight.deliveries_by_host()
    assert (health.host, health.pending, health.delivered) == ("peer.example", 1, 0)


async def test_claim_views_sort_claims_by_direction_item_and_state(node: Node) -> None:
    async with node.services.store.transaction() as repos:
        for claim in (
            _claim("a", "incoming", "ours-1", "pending"),
            _claim("b", "incoming", "ours-1", "tentative"),
            _claim("c", "incoming", "ours-2", "accepted"),
            _claim("d", "outgoing", "https://peer.example/offers/9", "accepted"),
            _claim("e", "outgoing", "https://peer.example/offers/8", "rejected"),
        ):
            await repos.claims.add(claim)
    views = node.services.claim_views

    assert [c.id for c in await views.waiting_for_us()] == ["a", "b"]
    assert sorted(c.id for c in await views.on_our_item("ours-1")) == ["a", "b"]
    assert [c.id for c in await views.ours_on("https://peer.example/offers/8")] == ["e"]
    assert [c.id for c in await views.ours_in({"pending", "accepted"})] == ["d"]
    assert [c.id for c in await views.find("incoming", "accepted")] == ["c"]
    claim = await views.get("d")
    assert claim is not None
    assert claim.direction == "outgoing"
    assert await views.get("nope") is None


async def test_feed_finds_a_shown_peer_item_and_its_origin_name(node: Node) -> None:
    services = node.services
    actor = "https://peer.example/actor"
    async with services.store.transaction() as repos:
        await repos.trust.save_peer(PeerRow(host="peer.example", level="trusted"))
        await repos.peers.save_actor(
            RemoteActor(actor, "peer.example", "x", None, None, "Peer group", {}), NOW
        )
        await repos.remote_items.upsert(peer_item("https://peer.example/offers/1", actor), NOW)
        await repos.remote_items.upsert(peer_item("https://peer.example/offers/2", actor), NOW)
        await repos.remote_items.set_hidden("https://peer.example/offers/2", NOW)

    item = await services.feed.peer_item("https://peer.example/offers/1")
    assert item.actor_id == actor
    assert await services.feed.origin_name(actor) == "Peer group"
    assert await services.feed.origin_name("https://unknown.example/actor") is None
    for missing in ("https://peer.example/offers/2", "https://peer.example/offers/3"):
        with pytest.raises(NotFound):
            await services.feed.peer_item(missing)


async def test_items_are_counted_by_purpose_and_status(node: Node) -> None:
    await node.offer()
    await node.call("POST", "/api/v1/requests", {"title": "Nappies", "category": "care"})
    counts = await node.services.items.count_by_status()
    assert sum(n for (purpose, _), n in counts.items() if purpose is Purpose.OFFER) == 1
    assert all(isinstance(status, Status) for _, status in counts)


@pytest.mark.parametrize("package", ["node/api", "node/web", "admin/web"])
def test_handlers_never_reach_for_the_store(package: str) -> None:
    """The import contract cannot see ``services.store``: handlers go through services."""
    modules = sorted((ROOT / package).glob("*.py"))
    assert len(modules) > 3, f"{package} should hold the handlers it checks"
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in modules
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "store"
    ]
    assert found == []
