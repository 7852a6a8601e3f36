"""Each refusal reason, from the documents that earn it."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from schemas.wire import Reason, WireError, normalise_proposal
from tests.schemas.fixtures import activity

Doc = dict[str, Any]


def ours() -> Doc:
    return copy.deepcopy(activity("solidarity_proposal_1"))


def _without(*path: str) -> Callable[[Doc], Any]:
    def change(doc: Doc) -> Doc:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return doc

    return change


def _with(path: str, value: Any) -> Callable[[Doc], Any]:
    def change(doc: Doc) -> Doc:
        *parents, last = path.split(".")
        target = doc
        for key in parents:
            target = target[key]
        target[last] = value
        return doc

    return change


CASES: dict[str, tuple[Callable[[Doc], Any], Reason]] = {
    "not an object": (lambda doc: [doc], Reason.PROPOSAL_MALFORMED),
    "no id": (_without("id"), Reason.PROPOSAL_MALFORMED),
    "id not a string": (_with("id", 7), Reason.PROPOSAL_MALFORMED),
    "blank id": (_with("id", " "), Reason.PROPOSAL_MALFORMED),
    "no attributedTo": (_without("attributedTo"), Reason.PROPOSAL_MALFORMED),
    "hasEnd not a date": (_with("hasEnd", "next Friday"), Reason.PROPOSAL_MALFORMED),
    "latitude out of range": (_with("location.latitude", 123), Reason.PROPOSAL_MALFORMED),
    "an actor": (
        lambda doc: {"id": doc["attributedTo"], "type": "Group", "name": "x"},
        Reason.NOT_A_PROPOSAL,
    ),
    "a plain Note": (
        lambda doc: {"id": doc["id"], "type": "Note", "content": "hi"},
        Reason.NOT_A_PROPOSAL,
    ),
    "no purpose": (_without("purpose"), Reason.PURPOSE_UNKNOWN),
    "purpose gift": (_with("purpose", "gift"), Reason.PURPOSE_UNKNOWN),
    "purpose not a string": (_with("purpose", ["offer"]), Reason.PURPOSE_UNKNOWN),
    "bare Intent with no direction": (
        lambda doc: doc["publishes"] | {"type": "ValueFlows:Intent", "provider": None},
        Reason.PURPOSE_UNKNOWN,
    ),
    "no publishes": (_without("publishes"), Reason.INTENT_MISSING),
    "publishes by reference only": (
        _with("publishes", "https://a.example/i"),
        Reason.INTENT_MISSING,
    ),
    "publishes empty list": (_with("publishes", []), Reason.INTENT_MISSING),
    "only a reciprocal intent (Bonfire)": (
        lambda doc: activity("bonfire_proposal_1") | {"purpose": "offer"},
        Reason.INTENT_MISSING,
    ),
    "no action": (_without("publishes", "action"), Reason.ACTION_UNKNOWN),
    "action produce": (_with("publishes.action", "vf:produce"), Reason.ACTION_UNKNOWN),
    "action blank": (_with("publishes.action", ""), Reason.ACTION_UNKNOWN),
    "unit second (Mitra)": (
        _with("publishes.resourceQuantity.hasUnit", "second"),
        Reason.UNIT_UNKNOWN,
    ),
    "unit OM2 IRI not ours": (
        _with(
            "publishes.availableQuantity.hasUnit",
            "http://www.ontology-of-units-of-measure.org/resource/om-2/tonne",
        ),
        Reason.UNIT_UNKNOWN,
    ),
    "unit object not ours": (
        _with("publishes.minimumQuantity.hasUnit", {"label": "crate", "symbol": "cr"}),
        Reason.UNIT_UNKNOWN,
    ),
    "amount without unit": (
        _without("publishes", "resourceQuantity", "hasUnit"),
        Reason.UNIT_UNKNOWN,
    ),
    "unit empty object": (_with("publishes.resourceQuantity.hasUnit", {}), Reason.UNIT_UNKNOWN),
    "units that do not convert": (
        _with("publishes.availableQuantity.hasUnit", "kilogram"),
        Reason.UNIT_MISMATCH,
    ),
    "amount not a number": (
        _with("publishes.resourceQuantity.hasNumericalValue", "forty"),
        Reason.QUANTITY_INVALID,
    ),
    "amount negative": (
        _with("publishes.availableQuantity.hasNumericalValue", -1),
        Reason.QUANTITY_INVALID,
    ),
    "amount NaN": (
        _with("publishes.resourceQuantity.hasNumericalValue", "NaN"),
        Reason.QUANTITY_INVALID,
    ),
    "amount boolean": (
        _with("publishes.resourceQuantity.hasNumericalValue", True),
        Reason.QUANTITY_INVALID,
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_refusal(case: str) -> None:
    change, reason = CASES[case]
    with pytest.raises(WireError) as refused:
        normalise_proposal(change(ours()))
    assert refused.value.reason is reason
    assert refused.value.detail
    assert str(refused.value).startswith(f"{reason.value}: ")


def test_every_reason_is_exercised() -> None:
    exercised = {reason for _, reason in CASES.values()}
    proposal_reasons = {r for r in Reason if not r.value.startswith("activity-")}
    assert exercised == proposal_reasons


def test_wire_error_is_a_value_error_with_kebab_case_reasons() -> None:
    error = WireError(Reason.UNIT_UNKNOWN, "unit 'second'")
    assert isinstance(error, ValueError)
    assert (error.reason, error.detail) == ("unit-unknown", "unit 'second'")
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", reason.value) for reason in Reason)


def test_the_most_specific_reason_wins() -> None:
    doc = ours()
    doc["hasEnd"] = "not a date"
    doc["publishes"]["resourceQuantity"]["hasNumericalValue"] = "forty"
    with pytest.raises(WireError) as refused:
        normalise_proposal(doc)
    assert refused.value.reason is Reason.QUANTITY_INVALID
