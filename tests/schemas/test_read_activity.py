"""read_activity: the inbox's reading, which leaves refusing an object's shape to its handler."""

from __future__ import annotations

import pytest

from schemas.wire import (
    Accept,
    Create,
    Follow,
    Offer,
    Proposal,
    Reason,
    WireError,
    WireObject,
    normalise_proposal,
    read_activity,
)
from tests.schemas.fixtures import activity

ACTOR = "https://eastside-aid.example/actor"


def test_a_well_formed_activity_reads_as_parse_activity_reads_it() -> None:
    create = read_activity(activity("solidarity_create_1"))
    assert isinstance(create, Create)
    assert isinstance(create.object, Proposal)


def test_a_broken_proposal_is_kept_for_its_handler_to_refuse() -> None:
    document = activity("solidarity_create_1")
    document["object"]["purpose"] = "gift"
    create = read_activity(document)
    assert isinstance(create, Create)
    assert isinstance(create.object, WireObject)
    with pytest.raises(WireError) as refused:
        normalise_proposal(document["object"])
    assert refused.value.reason is Reason.PURPOSE_UNKNOWN


def test_an_embedded_object_that_is_no_model_is_read_as_its_id() -> None:
    follow = read_activity({"type": "Follow", "actor": ACTOR, "object": {"id": "https://a/x"}})
    assert isinstance(follow, Follow)
    assert follow.object == "https://a/x"


def test_terms_of_the_wrong_shape_are_left_out() -> None:
    accept = read_activity(
        {
            "type": "Accept",
            "actor": ACTOR,
            "object": "https://b.example/activities/1",
            "result": "https://eastside-aid.example/agreements/1",
            "published": "yesterday",
        }
    )
    assert isinstance(accept, Accept)
    assert (accept.result, accept.published) == (None, None)
    assert accept.object == "https://b.example/activities/1"


def test_a_referral_offers_a_proposal() -> None:
    proposal = activity("solidarity_proposal_1")
    offer = read_activity({"type": "Offer", "actor": ACTOR, "object": proposal})
    assert isinstance(offer, Offer)
    assert isinstance(offer.object, Proposal)


@pytest.mark.parametrize(
    "document",
    [
        {"type": "Follow", "actor": ACTOR},
        {"type": "Offer", "actor": ACTOR, "object": "https://x.example/1"},
        {"type": "Offer", "actor": ACTOR, "object": {"type": "Agreement"}},
        {"type": "Flag", "actor": ACTOR, "object": [{"name": "no id"}]},
        {"type": "Follow", "actor": {"name": "no id"}, "object": ACTOR},
    ],
)
def test_what_still_does_not_read_is_malformed(document: dict[str, object]) -> None:
    with pytest.raises(WireError) as refused:
        read_activity(document)
    assert refused.value.reason is Reason.ACTIVITY_MALFORMED


def test_other_types_are_unsupported() -> None:
    with pytest.raises(WireError) as refused:
        read_activity({"type": "Like", "actor": ACTOR, "object": "https://x.example/1"})
    assert refused.value.reason is Reason.ACTIVITY_UNSUPPORTED
