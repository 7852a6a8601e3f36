"""Every captured or constructed activity parses, round-trips, and normalises as expected."""

from __future__ import annotations

import re
from typing import Any

import pytest

from schemas.wire import WireError, WireModel, normalise_proposal
from schemas.wire.activities import parse_document
from tests.schemas.fixtures import EXPECTED, Normalises, Refused, activity, fixture_names, load

NAMES = fixture_names()
_NAME = re.compile(r"^(fep0837|domain|bonfire|mitra|mastodon|solidarity)_[a-z]+_\d+$")


def test_every_fixture_has_an_expectation_and_every_expectation_a_fixture() -> None:
    assert sorted(EXPECTED) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_fixture_names_its_source_outside_the_activity(name: str) -> None:
    data = load(name)
    assert _NAME.match(name)
    assert set(data) == {"source", "activity"}
    assert isinstance(data["source"], str) and len(data["source"]) > 40
    assert isinstance(data["activity"], dict)
    assert "source" not in data["activity"]


@pytest.mark.parametrize("name", NAMES)
def test_fixture_parses_into_its_model(name: str) -> None:
    expected = EXPECTED[name]
    parsed = parse_document(activity(name))
    assert type(parsed).__name__ == expected.model
    if expected.object_model is not None:
        assert type(parsed.object).__name__ == expected.object_model  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", NAMES)
def test_fixture_round_trips(name: str) -> None:
    parsed = parse_document(activity(name))
    again = parse_document(parsed.to_json())
    assert again == parsed
    assert again.to_json() == parsed.to_json()


@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith("solidarity_")])
def test_our_own_output_is_already_in_canonical_form(name: str) -> None:
    """What the node emits is a fixed point of the models: reading it changes nothing."""
    document = activity(name)
    assert parse_document(document).to_json() == document


def _proposal_of(document: dict[str, Any]) -> Any:
    if document.get("type") in ("Create", "Update"):
        return document["object"]
    return document


@pytest.mark.parametrize("name", [n for n in NAMES if EXPECTED[n].proposal is not None])
def test_fixture_normalises_as_expected(name: str) -> None:
    expected = EXPECTED[name].proposal
    document = _proposal_of(activity(name))
    if isinstance(expected, Refused):
        with pytest.raises(WireError) as refused:
            normalise_proposal(document)
        assert refused.value.reason == expected.reason
        return
    assert isinstance(expected, Normalises)
    result = normalise_proposal(document)
    assert result.id == document["id"]
    assert (result.purpose, result.category, result.action) == (
        expected.purpose,
        expected.category,
        expected.action,
    )
    assert (result.unit, result.quantity, result.available, result.minimum) == (
        expected.unit,
        expected.quantity,
        expected.available,
        expected.minimum,
    )


@pytest.mark.parametrize("name", [n for n in NAMES if isinstance(EXPECTED[n].proposal, Normalises)])
def test_normalising_the_parsed_model_gives_the_same_record(name: str) -> None:
    """The raw document and its model's wire form normalise alike."""
    document = _proposal_of(activity(name))
    model = parse_document(document)
    assert isinstance(model, WireModel)
    assert normalise_proposal(model.to_json()) == normalise_proposal(document)
