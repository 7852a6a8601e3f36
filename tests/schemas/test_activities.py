"""Activities and claim objects: shapes accepted, shapes refused, models built in Python."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from schemas.vocab import Purpose
from schemas.wire import (
    Accept,
    Agreement,
    Commitment,
    Create,
    Delete,
    Follow,
    Intent,
    Measure,
    Note,
    Offer,
    Proposal,
    Reason,
    TentativeAccept,
    Tombstone,
    Undo,
    WireError,
    WireObject,
    parse_activity,
)
from tests.schemas.fixtures import activity

ACTOR = "https://eastside-aid.example/actor"


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("not json", Reason.ACTIVITY_MALFORMED),
        (
            {"type": "Like", "actor": ACTOR, "object": "https://x.example/1"},
            Reason.ACTIVITY_UNSUPPORTED,
        ),
        ({"type": "Move", "actor": ACTOR}, Reason.ACTIVITY_UNSUPPORTED),
        ({"actor": ACTOR, "object": ACTOR}, Reason.ACTIVITY_UNSUPPORTED),
        ({"type": "Follow", "object": ACTOR}, Reason.ACTIVITY_MALFORMED),
        ({"type": "Follow", "actor": ACTOR}, Reason.ACTIVITY_MALFORMED),
        (
            {"type": "Follow", "actor": {"name": "no id"}, "object": ACTOR},
            Reason.ACTIVITY_MALFORMED,
        ),
        (
            {"type": "Offer", "actor": ACTOR, "object": "https://x.example/1"},
            Reason.ACTIVITY_MALFORMED,
        ),
        (
            {"type": "Offer", "actor": ACTOR, "object": {"type": "Agreement"}},
            Reason.ACTIVITY_MALFORMED,
        ),
    ],
)
def test_parse_activity_refuses(document: Any, reason: Reason) -> None:
    with pytest.raises(WireError) as refused:
        parse_activity(document)
    assert refused.value.reason is reason


def test_a_create_of_a_broken_proposal_is_refused_as_malformed() -> None:
    document = activity("solidarity_create_1")
    document["object"]["purpose"] = "gift"
    with pytest.raises(WireError) as refused:
        parse_activity(document)
    assert refused.value.reason is Reason.ACTIVITY_MALFORMED
    assert "object" in refused.value.detail


def test_types_are_read_in_any_spelling() -> None:
    follow = parse_activity(
        {"type": "https://www.w3.org/ns/activitystreams#Follow", "as:actor": ACTOR, "object": ACTOR}
    )
    assert isinstance(follow, Follow)
    assert follow.type == "Follow"
    assert follow.actor == ACTOR
    multi = parse_activity({"type": ["Create", "Extra"], "actor": ACTOR, "object": "https://a/1"})
    assert isinstance(multi, Create)
    with pytest.raises(ValidationError):
        Follow.model_validate({"type": "Like", "actor": ACTOR, "object": ACTOR})


def test_references_are_read_from_embedded_objects() -> None:
    follow = parse_activity(
        {
            "id": "https://m.example/follows/1",
            "type": "Follow",
            "actor": {"id": "https://m.example/users/a", "type": "Person"},
            "object": [{"type": "Group", "id": ACTOR}],
            "to": {"id": ACTOR},
        }
    )
    assert isinstance(follow, Follow)
    assert (follow.actor, follow.object, follow.to) == ("https://m.example/users/a", ACTOR, [ACTOR])


def test_unmodelled_objects_are_kept_whole() -> None:
    update = parse_activity(
        {"type": "Update", "actor": ACTOR, "object": {"id": ACTOR, "type": "Group", "name": "New"}}
    )
    assert isinstance(update.object, WireObject)  # type: ignore[attr-defined]
    assert update.to_json()["object"] == {"id": ACTOR, "type": "Group", "name": "New"}
    undo = parse_activity({"type": "Undo", "actor": ACTOR, "object": {"type": "Like", "id": "l"}})
    assert isinstance(undo, Undo) and isinstance(undo.object, WireObject)


def test_delete_accepts_a_tombstone_an_iri_or_an_object() -> None:
    tomb = parse_activity(activity("mastodon_delete_1"))
    assert isinstance(tomb, Delete) and isinstance(tomb.object, Tombstone)
    actor = parse_activity(activity("mastodon_delete_2"))
    assert isinstance(actor, Delete) and actor.object == "https://mastodon/users/Alice"


def test_claim_flow_models() -> None:
    offer = parse_activity(activity("solidarity_offer_1"))
    assert isinstance(offer, Offer)
    commitment = offer.object.stipulates
    assert commitment.satisfies == "https://eastside-aid.example/offers/7c1e#primary"
    assert (
        commitment.resource_quantity.has_unit,
        commitment.resource_quantity.has_numerical_value,
    ) == (
        "litre",
        8,
    )
    hold = parse_activity(activity("solidarity_tentativeaccept_1"))
    assert isinstance(hold, TentativeAccept)
    assert hold.end_time == datetime(2026, 3, 2, 20, tzinfo=UTC)
    accept = parse_activity(activity("solidarity_accept_2"))
    assert isinstance(accept, Accept) and accept.result is not None
    assert accept.result.stipulates.id == "https://eastside-aid.example/agreements/19#primary"
    confirmation = parse_activity(activity("solidarity_create_3"))
    assert isinstance(confirmation, Create)
    event = confirmation.object
    assert event.fulfills == "https://eastside-aid.example/agreements/19#primary"  # type: ignore[union-attr]
    assert event.context == "https://eastside-aid.example/agreements/19"  # type: ignore[union-attr]


def test_the_fep_accept_typo_is_read_and_never_written() -> None:
    accept = parse_activity(activity("fep0837_accept_1"))
    assert isinstance(accept, Accept) and accept.result is not None
    assert accept.result.stipulates.resource_quantity.has_numerical_value == 1
    written = accept.to_json()["result"]
    assert "stipulates" in written and "stiplulates" not in written


def test_mitra_agreement_keeps_its_clauses() -> None:
    offer = parse_activity(activity("mitra_offer_1"))
    assert isinstance(offer, Offer)
    assert offer.object.stipulates_reciprocal is not None
    assert len(offer.to_json()["object"]["clauses"]) == 2


def test_companion_note_links_to_its_proposal() -> None:
    note = Note.model_validate(activity("solidarity_note_1"))
    assert note.proposal_link() == "https://eastside-aid.example/offers/7c1e"
    assert note.end_time == datetime(2026, 3, 6, 18, tzinfo=UTC)
    link = {"href": "https://b.example/p/1", "rel": "https://w3id.org/valueflows#Proposal"}
    bonfire = Note.model_validate({"id": "https://b.example/n/1", "url": link})
    assert bonfire.proposal_link() == "https://b.example/p/1"
    plain = Note.model_validate(activity("mastodon_create_1")["object"])
    assert plain.proposal_link() is None


def test_models_built_in_python_write_camel_case_and_omit_absent_terms() -> None:
    intent = Intent(
        id="https://a.example/offers/1#primary",
        action="transfer",
        provider=ACTOR,
        resource_quantity=Measure(has_unit="kilogram", has_numerical_value=2.5),
        available_quantity=Measure(has_unit="kilogram", has_numerical_value=2),
    )
    proposal = Proposal(
        id="https://a.example/offers/1",
        purpose=Purpose.OFFER,
        attributed_to=ACTOR,
        publishes=intent,
        unit_based=False,
    )
    assert proposal.to_json() == {
        "id": "https://a.example/offers/1",
        "type": "Proposal",
        "purpose": "offer",
        "attributedTo": ACTOR,
        "unitBased": False,
        "publishes": {
            "id": "https://a.example/offers/1#primary",
            "type": "Intent",
            "action": "transfer",
            "provider": ACTOR,
            "resourceQuantity": {"hasUnit": "kilogram", "hasNumericalValue": 2.5},
            "availableQuantity": {"hasUnit": "kilogram", "hasNumericalValue": 2},
        },
    }
    claim = Offer(
        id="https://b.example/activities/1",
        actor="https://b.example/actor",
        to=[ACTOR],
        object=Agreement(
            stipulates=Commitment(
                satisfies=intent.id or "",
                resource_quantity=Measure(has_unit="kilogram", has_numerical_value=1),
            )
        ),
    )
    assert claim.to_json()["object"]["stipulates"]["satisfies"] == intent.id
    assert Offer.model_validate(claim.to_json()) == claim


def test_proof_shapes() -> None:
    proposal = Proposal.model_validate(activity("solidarity_proposal_1"))
    assert proposal.proof is not None and not isinstance(proposal.proof, list)
    assert (proposal.proof.type, proposal.proof.cryptosuite) == (
        "DataIntegrityProof",
        "eddsa-jcs-2022",
    )
    assert proposal.proof.ld_context is not None
    follow = parse_activity(activity("mitra_follow_1"))
    assert follow.proof is not None and not isinstance(follow.proof, list)
    assert follow.proof.type == "MitraJcsRsaSignature2022"
    assert follow.proof.created == "2023-02-21T13:44:39.093417671Z"
    two = Proposal.model_validate(
        activity("solidarity_proposal_1")
        | {"proof": [follow.proof.to_json(), proposal.proof.to_json()]}
    )
    assert isinstance(two.proof, list) and len(two.proof) == 2
