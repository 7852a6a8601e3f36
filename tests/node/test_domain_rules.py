"""The rules node/domain applies to what peers tell us, without a wire in between."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from node.domain.claims import ClaimService
from node.domain.follows import FollowService
from node.domain.peer_items import PeerItemService
from node.storage.claims import Claim
from node.storage.follows import Followee, Follower
from node.storage.remote_items import RemoteItem
from tests.conftest import Node
from tests.factories import peer_item

PEER = "https://peer.test/actor"
NOW = "2026-03-01T12:00:00Z"


class Recorder:
    """Stands in for node/ap's messengers: records what the domain asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    def new_agreement_id(self) -> str:
        return "https://node.test/agreements/1"

    async def send_claim_answer(self, repos: Any, claim: Claim) -> None:
        self.sent.append(("answer", claim))

    async def send_follow_answer(self, repos: Any, follower: Follower, approve: bool) -> None:
        self.sent.append(("follow-answer", approve))


async def test_peer_items_only_from_followed_peers_and_only_changed_by_their_author(
    node: Node,
) -> None:
    items = PeerItemService(node.services.trust)
    async with node.services.store.transaction() as repos:
        outcome = await items.stored(repos, _item(1), addressed_to_us=False, now=NOW)
        assert str(outcome) == "dropped:not-followed"
        assert str(await items.stored(repos, _item(1), addressed_to_us=True, now=NOW)) == (
            "done:item-stored"
        )
        await repos.follows.add_following(Followee(PEER, "f", "accepted", "{}"), NOW)
        hijack = replace(_item(1), actor_id="https://peer.test/mallory")
        assert str(await items.stored(repos, hijack, addressed_to_us=True, now=NOW)) == (
            "dropped:update-not-owner"
        )
        assert str(await items.deleted(repos, _item(1).id, hijack.actor_id, NOW)) == (
            "dropped:delete-not-owner"
        )
        assert str(await items.deleted(repos, _item(1).id, PEER, NOW)) == "done:item-deleted"
        assert str(await items.stored(repos, _item(1), addressed_to_us=True, now=NOW)) == (
            "dropped:object-deleted"
        )


async def test_a_claim_that_cannot_stand_is_recorded_rejected_and_answered(node: Node) -> None:
    offer = await node.offer()
    services, recorder = node.services, Recorder()
    claims = ClaimService(
        services.store,
        services.peers,
        recorder,  # type: ignore[arg-type]
        services.items,
        services.trust,
        services.clock,
    )
    async with services.store.transaction() as repos:
        unknown = await claims.received(
            repos,
            offer_id="https://peer.test/activities/1",
            claimant=PEER,
            claimant_host="peer.test",
            item_id="no-such-item",
            intent_id="https://node.test/offers/x#primary",
            quantity=1,
            unit="one",
            commitment_id="https://peer.test/commitments/1",
            now=NOW,
        )
        refused = await claims.received(
            repos,
            offer_id="https://peer.test/activities/2",
            claimant=PEER,
            claimant_host="peer.test",
            item_id=offer["id"],
            intent_id=f"https://node.test/offers/{offer['id']}#primary",
            quantity=1,
            unit="no-such-unit",
            commitment_id="https://peer.test/commitments/2",
            now=NOW,
        )
    assert (str(unknown), str(refused)) == (
        "dropped:claim-unknown-item",
        "done:claim-refused-unit-mismatch",
    )
    [(kind, claim)] = recorder.sent
    assert (kind, claim.state, claim.reason) == ("answer", "rejected", "unit-mismatch")


async def test_only_a_follower_undoes_its_own_follow(node: Node) -> None:
    follows = FollowService(
        node.services.store,
        node.services.actor.id,
        node.services.peers,
        Recorder(),  # type: ignore[arg-type]
        node.services.trust,
        node.services.clock,
    )
    follower = Follower(PEER, "https://peer.test/inbox", None, "https://peer.test/f/1", "accepted")
    async with node.services.store.transaction() as repos:
        await repos.follows.add_follower(follower, NOW)
        cases = [
            dict(undone="https://peer.test/f/2", embedded=None, owner=None),
            dict(undone="https://peer.test/l/1", embedded="object", owner=None),
            dict(undone="https://peer.test/f/1", embedded="Follow", owner="https://x.test/a"),
        ]
        outcomes = [str(await follows.unfollowed(repos, PEER, **case)) for case in cases]  # type: ignore[arg-type]
        outcomes.append(
            str(
                await follows.unfollowed(
                    repos, PEER, undone=follower.follow_activity_id, embedded=None, owner=None
                )
            )
        )
    assert outcomes == [
        "dropped:undo-unknown",
        "dropped:undo-unsupported",
        "dropped:undo-not-owner",
        "done:unfollowed",
    ]


def _item(number: int, actor: str = PEER) -> RemoteItem:
    return peer_item(
        f"https://peer.test/offers/{number}", actor, quantity=10, available_quantity=10
    )
