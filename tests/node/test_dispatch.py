"""Inbound dispatch: an activity's object kind, and the route each (type, kind) takes."""

from __future__ import annotations

from typing import Any

import pytest

from node.ap.handlers import HANDLERS
from node.ap.handlers_base import Need, object_kind

ME = "https://here.example/actor"
PEER = "https://peer.example/actor"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("https://peer.example/offers/1", "ref"),
        (None, "none"),
        ([1, 2], "none"),
        ({"type": "Agreement", "stipulates": {}}, "Agreement"),
        ({"type": "vf:Agreement"}, "Agreement"),
        ({"type": "Proposal"}, "Proposal"),
        ({"type": "Note", "purpose": "offer", "publishes": {}}, "Proposal"),
        ({"type": "EconomicEvent"}, "EconomicEvent"),
        ({"type": "Follow", "id": "f"}, "Follow"),
        ({"type": ["Offer", "Extra"]}, "Offer"),
        ({"type": "Group", "id": PEER}, "Actor"),
        ({"type": "Group", "id": "https://other.example/actor"}, "object"),
        ({"type": "Like"}, "object"),
    ],
)
def test_object_kinds(value: Any, kind: str) -> None:
    assert object_kind(value, PEER) == kind


def _handler(activity_type: str, kind: str) -> str:
    route = HANDLERS[activity_type].route(kind)
    assert route is not None
    return route.handle.__name__


@pytest.mark.parametrize(
    ("activity_type", "kind", "handler"),
    [
        ("Accept", "Offer", "on_claim_answer"),
        ("Accept", "Follow", "on_follow_accepted"),
        ("Reject", "Offer", "on_claim_answer"),
        ("Reject", "Follow", "on_follow_rejected"),
        ("TentativeAccept", "Follow", "on_hold_of_no_claim"),
        ("Undo", "Offer", "on_claim_withdrawn"),
        ("Undo", "Follow", "on_unfollow"),
        ("Create", "ref", "on_object_not_embedded"),
        ("Create", "EconomicEvent", "on_confirmation"),
        ("Create", "Proposal", "on_item"),
        ("Update", "Actor", "on_actor_update"),
        ("Update", "EconomicEvent", "on_item"),
        ("Offer", "Agreement", "on_claim_offer"),
        ("Offer", "Proposal", "on_referral"),
        ("Offer", "object", "on_offer_unsupported"),
    ],
)
def test_routes(activity_type: str, kind: str, handler: str) -> None:
    assert _handler(activity_type, kind) == handler


def test_answers_and_undos_name_their_objects_from_our_records() -> None:
    """A reference's kind is only known from what we sent or received."""
    for activity_type in ("Accept", "Reject", "TentativeAccept", "Undo"):
        assert HANDLERS[activity_type].resolve is not None
    assert HANDLERS["Accept"].route("ref") is None


def test_network_work_is_declared_by_the_routes_that_need_it() -> None:
    needs = {
        (activity_type, kind): route.needs
        for activity_type, dispatch in HANDLERS.items()
        for kind, route in dispatch.routes.items()
        if route.needs
    }
    assert needs == {
        ("Follow", "*"): frozenset({Need.SENDER, Need.SOFTWARE}),
        ("Update", "Actor"): frozenset({Need.FRESH_SENDER}),
        ("Create", "*"): frozenset({Need.PROOF}),
        ("Update", "*"): frozenset({Need.PROOF}),
        ("Announce", "*"): frozenset({Need.RELAYED}),
    }


def test_malformed_activities_keep_the_reasons_of_their_routes() -> None:
    assert HANDLERS["Follow"].route("ref").refusal({}) == "follow-not-for-us"  # type: ignore[union-attr]
    offer = HANDLERS["Offer"]
    assert offer.route("Agreement").refusal({}) == "claim-malformed"  # type: ignore[union-attr]
    referral = {"object": {"type": "Proposal", "id": "https://peer.example/r/1"}}
    assert offer.route("Proposal").refusal(referral) == "purpose-unknown"  # type: ignore[union-attr]
