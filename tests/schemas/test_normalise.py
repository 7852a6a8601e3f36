"""Every spelling in domain.md §2.2's pitfalls normalises to the same record."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from schemas.vocab import (
    Action,
    Category,
    CloseReason,
    LocationPrecision,
    Purpose,
    Status,
    Unit,
    Urgency,
)
from schemas.wire import NormalisedPlace, normalise_proposal
from schemas.wire.normalise import TITLE_MAX
from tests.schemas.fixtures import activity

Doc = dict[str, Any]


def ours() -> Doc:
    """Our public water offer (40 L, minimum 4 L, grid-1km), as the node emits it."""
    return copy.deepcopy(activity("solidarity_proposal_1"))


def _intent(doc: Doc) -> Doc:
    intent: Doc = doc["publishes"]
    return intent


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        *parents, last = path.split(".")
        target = doc
        for key in parents:
            target = target[key]
        target[last] = value

    return change


def _rename_keys(prefix: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        for key in ("purpose", "publishes", "unitBased", "urgency"):
            doc[prefix + key] = doc.pop(key)

    return change


def _all_measures(transform: Callable[[Doc], None]) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        for term in ("resourceQuantity", "availableQuantity", "minimumQuantity"):
            transform(_intent(doc)[term])

    return change


def _unit(value: Any) -> Callable[[Doc], None]:
    return _all_measures(lambda measure: measure.update(hasUnit=value))


def _strings(measure: Doc) -> None:
    measure["hasNumericalValue"] = str(measure["hasNumericalValue"])


def _untyped_note(doc: Doc) -> None:
    doc["type"] = "Note"


VARIANTS: dict[str, Callable[[Doc], None]] = {
    "as emitted": lambda doc: None,
    "type Note (FEP-0837 interop)": _untyped_note,
    "type list [Proposal, Note]": _set("type", ["Proposal", "Note"]),
    "type vf:Proposal": _set("type", "vf:Proposal"),
    "type ValueFlows:Proposal": _set("type", "ValueFlows:Proposal"),
    "type full IRI": _set("type", "https://w3id.org/valueflows/ont/vf#Proposal"),
    "purpose vf:offer": _set("purpose", "vf:offer"),
    "purpose full IRI": _set("purpose", "https://w3id.org/valueflows/ont/vf#offer"),
    "keys vf:-prefixed": _rename_keys("vf:"),
    "keys full IRIs": _rename_keys("https://w3id.org/valueflows/ont/vf#"),
    "keys ValueFlows:-prefixed": _rename_keys("ValueFlows:"),
    "intent type ValueFlows:Intent": _set("publishes.type", "ValueFlows:Intent"),
    "action vf:transfer": _set("publishes.action", "vf:transfer"),
    "action full IRI": _set("publishes.action", "https://w3id.org/valueflows/ont/vf#transfer"),
    "action Bonfire IRI": _set("publishes.action", "https://w3id.org/valueflows#transfer"),
    "action ValueFlows:transfer": _set("publishes.action", "ValueFlows:transfer"),
    "action object": _set("publishes.action", {"id": "https://w3id.org/valueflows#transfer"}),
    "unit om2:litre": _unit("om2:litre"),
    "unit full OM2 IRI": _unit("http://www.ontology-of-units-of-measure.org/resource/om-2/litre"),
    "unit https OM2 IRI": _unit("https://www.ontology-of-units-of-measure.org/resource/om-2/litre"),
    "unit US spelling": _unit("liter"),
    "unit symbol": _unit("L"),
    "unit Bonfire object": _unit({"type": "om2:Unit", "label": "litre", "symbol": "l"}),
    "numbers as strings": _all_measures(_strings),
    "category sn:water": _set("publishes.resourceClassifiedAs", ["sn:water"]),
    "category bare code": _set("publishes.resourceClassifiedAs", "water"),
    "category after a Wikidata IRI": _set(
        "publishes.resourceClassifiedAs",
        [
            "http://www.wikidata.org/entity/Q1028119",
            "https://w3id.org/solidarity-node/taxonomy#water",
        ],
    ),
    "category as an object": _set(
        "publishes.resourceClassifiedAs",
        [{"id": "https://w3id.org/solidarity-node/taxonomy#water", "name": "Drinking water"}],
    ),
    "urgency sn:": _set("urgency", "sn:within-3-5-days"),
    "unitBased as a string": _set("unitBased", "true"),
    "extra fields": _set("sensitive", False),
    "null optional terms": _set("reciprocal", None),
}


@pytest.mark.parametrize("variant", VARIANTS, ids=list(VARIANTS))
def test_every_spelling_normalises_alike(variant: str) -> None:
    doc = ours()
    VARIANTS[variant](doc)
    result = normalise_proposal(doc)
    # Everything but the raw classification strings is the same record.
    assert replace(result, classified_as=()) == replace(
        normalise_proposal(ours()), classified_as=()
    )
    assert result.purpose is Purpose.OFFER
    assert result.category is Category.WATER
    assert result.action is Action.TRANSFER
    assert (result.unit, result.quantity, result.available, result.minimum) == (
        Unit.LITRE,
        40,
        40,
        4,
    )
    assert result.unit_based is True
    assert result.urgency is Urgency.WITHIN_3_5_DAYS


def test_our_offer_normalises_every_field() -> None:
    result = normalise_proposal(ours())
    assert result.id == "https://eastside-aid.example/offers/7c1e"
    assert result.attributed_to == "https://eastside-aid.example/actor"
    assert result.provider == "https://eastside-aid.example/actor"
    assert result.receiver is None
    assert result.intent_id == "https://eastside-aid.example/offers/7c1e#primary"
    assert result.title == "Surplus: 40 L bottled drinking water"
    assert result.summary.startswith("40 × 1 L sealed bottles")
    assert result.content.startswith("<p>40 × 1 L")
    assert set(result.name_map) == {"en", "es"}
    assert result.name_map["es"].startswith("Excedente")
    assert set(result.content_map) == {"en", "es"}
    assert result.classified_as == ("https://w3id.org/solidarity-node/taxonomy#water",)
    assert result.location == NormalisedPlace(40.71356, -73.99, 0.71, "Eastside")
    assert result.location_precision is LocationPrecision.GRID_1KM
    assert result.begins_at == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert result.ends_at == datetime(2026, 3, 6, 18, tzinfo=UTC)
    assert result.due == result.ends_at
    assert result.published == result.updated == result.begins_at
    assert result.item_status is Status.OPEN
    assert result.close_reason is None
    assert result.finished is False
    assert result.has_reciprocal is False
    assert result.to == ("https://www.w3.org/ns/activitystreams#Public",)
    assert result.cc == ("https://eastside-aid.example/actor/followers",)


def test_a_closed_offer_carries_its_status_and_reason() -> None:
    result = normalise_proposal(activity("solidarity_proposal_3"))
    assert (result.item_status, result.close_reason) == (Status.CLOSED, CloseReason.FULFILLED)
    assert result.finished is True
    assert result.available == 0


def test_the_result_is_frozen() -> None:
    result = normalise_proposal(ours())
    with pytest.raises(AttributeError):
        result.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.name_map["fr"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("radius", "units", "km"),
    [
        (2, "km", 2.0),
        (1500, "m", 1.5),
        (1500, None, 1.5),
        (2, "miles", 3.218688),
        (5280, "feet", 1.609344),
        ("3", "km", 3.0),
        (2, "furlongs", None),
    ],
)
def test_place_radius_in_km(radius: Any, units: str | None, km: float | None) -> None:
    doc = ours()
    doc["location"] = {"type": "Place", "latitude": "40.7", "longitude": -74, "radius": radius}
    if units is not None:
        doc["location"]["units"] = units
    place = normalise_proposal(doc).location
    assert place is not None
    assert (place.latitude, place.longitude) == (40.7, -74)
    assert place.radius_km == pytest.approx(km) if km is not None else place.radius_km is None


def test_place_variants() -> None:
    doc = ours()
    doc["location"] = [{"type": "Place", "name": "Riverside north"}]
    assert normalise_proposal(doc).location == NormalisedPlace(None, None, None, "Riverside north")
    doc["location"] = {"type": "Place", "lat": 1.5, "long": 2.5, "name": "x" * 500}
    place = normalise_proposal(doc).location
    assert place is not None and (place.latitude, place.longitude) == (1.5, 2.5)
    assert place.area is not None and len(place.area) == 100
    del doc["location"]
    doc["eligibleLocation"] = {"type": "Place", "latitude": 3, "longitude": 4}
    assert normalise_proposal(doc).location == NormalisedPlace(3, 4, None, None)


@pytest.mark.parametrize(
    ("available", "minimum", "expected"),
    [
        ({"hasUnit": "millilitre", "hasNumericalValue": 32000}, None, (32.0, None)),
        (None, {"hasUnit": "millilitre", "hasNumericalValue": 500}, (40.0, 0.5)),
    ],
)
def test_quantities_convert_to_the_first_unit(
    available: Doc | None, minimum: Doc | None, expected: tuple[float, float | None]
) -> None:
    doc = ours()
    intent = _intent(doc)
    for term, measure in (("availableQuantity", available), ("minimumQuantity", minimum)):
        if measure is None:
            intent.pop(term)
        else:
            intent[term] = measure
    result = normalise_proposal(doc)
    assert result.unit is Unit.LITRE
    assert (result.available, result.minimum) == expected


def test_hours_days_and_weeks_convert() -> None:
    doc = ours()
    intent = _intent(doc)
    intent["action"] = "work"
    intent["resourceQuantity"] = {"hasUnit": "hour", "hasNumericalValue": 48}
    intent["availableQuantity"] = {"hasUnit": "day", "hasNumericalValue": 1}
    intent["minimumQuantity"] = {"hasUnit": "week", "hasNumericalValue": "0.5"}
    result = normalise_proposal(doc)
    assert (result.action, result.unit, result.quantity, result.available, result.minimum) == (
        Action.WORK,
        Unit.HOUR,
        48,
        24,
        84,
    )


def test_no_quantity_at_all_is_accepted() -> None:
    doc = ours()
    for term in ("resourceQuantity", "availableQuantity", "minimumQuantity"):
        _intent(doc).pop(term)
    result = normalise_proposal(doc)
    assert (result.unit, result.quantity, result.available, result.minimum) == (None,) * 4


def test_an_amount_without_value_keeps_its_unit() -> None:
    """FEP-0837: without hasNumericalValue, any amount may be claimed."""
    doc = ours()
    intent = _intent(doc)
    intent["resourceQuantity"] = {"hasUnit": "one"}
    intent.pop("availableQuantity")
    intent.pop("minimumQuantity")
    result = normalise_proposal(doc)
    assert (result.unit, result.quantity, result.available) == (Unit.ONE, None, None)


def test_end_falls_back_to_end_time_and_dates_become_utc() -> None:
    doc = ours()
    doc.pop("hasEnd")
    doc["endTime"] = "2026-03-06T20:00:00+02:00"
    doc["hasBeginning"] = "2026-03-01T09:00:00"
    result = normalise_proposal(doc)
    assert result.ends_at == datetime(2026, 3, 6, 18, tzinfo=UTC)
    assert result.begins_at == datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_text_falls_back_and_is_cut_to_storage_limits() -> None:
    doc = ours()
    del doc["name"], doc["summary"]
    doc["nameMap"] = {"fr": "Eau potable"}
    assert normalise_proposal(doc).title == "Eau potable"
    del doc["nameMap"]
    doc["content"] = "<p>Clean &amp; sealed</p><p>bottles</p>"
    assert normalise_proposal(doc).title == "Clean & sealed bottles"
    doc["name"] = "n" * 1000
    doc["contentMap"] = {"en": "x", "bad": 3, "es": "y"}
    result = normalise_proposal(doc)
    assert len(result.title) == TITLE_MAX
    assert dict(result.content_map) == {"en": "x", "es": "y"}


def test_unknown_values_of_our_own_vocabularies_become_none() -> None:
    doc = ours()
    doc.update(urgency="within-3-days", locationPrecision="street", itemStatus="reserved")
    doc["closeReason"] = 7
    result = normalise_proposal(doc)
    assert (result.urgency, result.location_precision, result.item_status) == (None, None, None)
    assert result.close_reason is None


def test_referral_and_reciprocal_are_kept() -> None:
    doc = ours()
    doc["referredFrom"] = {"id": "https://other-aid.example/requests/9", "type": "Proposal"}
    doc["reciprocal"] = {"type": "Intent", "action": "transfer"}
    result = normalise_proposal(doc)
    assert result.referred_from == "https://other-aid.example/requests/9"
    assert result.has_reciprocal is True


def test_a_request_names_its_receiver() -> None:
    result = normalise_proposal(activity("solidarity_proposal_2"))
    assert (result.purpose, result.receiver, result.provider) == (
        Purpose.REQUEST,
        "https://riverside-aid.example/actor",
        None,
    )
    assert result.to == ("https://riverside-aid.example/actor/partners",)


@pytest.mark.parametrize(
    ("changes", "purpose"),
    [
        ({"type": "ValueFlows:Offer"}, Purpose.OFFER),
        ({"type": "ValueFlows:Need"}, Purpose.REQUEST),
        ({"provider": "https://b.example/u/1"}, Purpose.OFFER),
        ({"receiver": "https://b.example/u/1"}, Purpose.REQUEST),
    ],
)
def test_a_bare_intent_takes_its_direction_from_type_or_agent(
    changes: Doc, purpose: Purpose
) -> None:
    intent: Doc = {
        "id": "https://b.example/pub/objects/1",
        "type": "ValueFlows:Intent",
        "attributedTo": "https://b.example/u/1",
        "action": "https://w3id.org/valueflows#transfer",
        "resourceClassifiedAs": ["food"],
        "resourceQuantity": {"hasUnit": "om2:kilogram", "hasNumericalValue": "2.5"},
        "note": "Apples from the community garden",
    } | changes
    result = normalise_proposal(intent)
    assert result.purpose is purpose
    assert (result.category, result.unit, result.quantity) == (Category.FOOD, Unit.KILOGRAM, 2.5)
    assert result.intent_id == result.id == "https://b.example/pub/objects/1"
    assert result.summary == "Apples from the community garden"
    assert result.title == "Apples from the community garden"


def test_bonfire_proposed_intent_list_gives_primary_and_reciprocal() -> None:
    doc = activity("bonfire_proposal_1")
    reciprocal = doc["publishes"][0]
    primary = copy.deepcopy(reciprocal) | {"reciprocal": False}
    primary["publishes"] = primary["publishes"] | {"id": "https://kawen.space/pub/objects/p"}
    doc = doc | {"purpose": "offer", "publishes": [reciprocal, primary]}
    result = normalise_proposal(doc)
    assert (result.intent_id, result.action, result.has_reciprocal) == (
        "https://kawen.space/pub/objects/p",
        Action.WORK,
        True,
    )
    assert result.finished is True
    assert result.location is not None and result.location.area == "Graham, Padberg and Hahn"


def test_the_hot_path_never_loads_pyld() -> None:
    """Known shapes are read with alias tables: no JSON-LD processor is even imported."""
    script = (
        "import json, sys\n"
        "from schemas.wire import normalise_proposal, parse_activity\n"
        "from tests.schemas.fixtures import activity\n"
        "parse_activity(activity('solidarity_create_1'))\n"
        "for name in ('solidarity_proposal_1', 'bonfire_intent_1', 'fep0837_proposal_2'):\n"
        "    normalise_proposal(activity(name))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyld', 'rdflib')))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
