"""Peers' Proposals read into the fields the node filters and matches on.

A minimal reading for now: the full normalisation of other shapes (older
ValueFlows namespace, prefixed IRIs, numbers as strings) is the wire
vocabulary's job.
"""

from __future__ import annotations

from typing import Any

from node.storage.remote_items import RemoteItem
from schemas.taxonomy import CATEGORIES
from schemas.vocab import Purpose, Status, Unit, Urgency

_CATEGORY_BY_IRI = {info.iri: info.code.value for info in CATEGORIES}


class ProposalError(ValueError):
    """The object is not a Proposal we can read."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _measure(value: Any) -> tuple[str | None, float | None]:
    if not isinstance(value, dict):
        return None, None
    unit = value.get("hasUnit")
    return (unit if unit in Unit._value2member_map_ else None), _number(
        value.get("hasNumericalValue")
    )


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _time(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= 40 else None


def parse_proposal(document: dict[str, Any], actor_id: str) -> RemoteItem:
    types = document.get("type")
    if "Proposal" not in (types if isinstance(types, list) else [types]):
        raise ProposalError("not a Proposal")
    object_id = document.get("id")
    if not isinstance(object_id, str):
        raise ProposalError("the Proposal has no id")
    purpose = document.get("purpose")
    if purpose not in (Purpose.OFFER.value, Purpose.REQUEST.value):
        raise ProposalError("purpose must be offer or request")
    intent = document.get("publishes")
    intent = intent if isinstance(intent, dict) else {}
    classes = intent.get("resourceClassifiedAs")
    classes = classes if isinstance(classes, list) else [classes]
    category = next((_CATEGORY_BY_IRI[c] for c in classes if c in _CATEGORY_BY_IRI), None)
    unit, quantity = _measure(intent.get("resourceQuantity"))
    _, available = _measure(intent.get("availableQuantity"))
    _, minimum = _measure(intent.get("minimumQuantity"))
    status = document.get("itemStatus")
    if status not in Status._value2member_map_:
        status = Status.CLOSED.value if intent.get("finished") is True else Status.OPEN.value
    intent_id = intent.get("id") if isinstance(intent.get("id"), str) else None
    referred = document.get("referredFrom")
    precision = document.get("locationPrecision")
    urgency = document.get("urgency")
    location = document.get("location")
    location = location if isinstance(location, dict) else {}
    area = location.get("name")
    return RemoteItem(
        id=object_id,
        actor_id=actor_id,
        purpose=purpose,
        title=_text(document.get("name"), 200),
        summary=_text(document.get("summary"), 1000),
        category=category,
        urgency=urgency if urgency in Urgency._value2member_map_ else None,
        unit=unit,
        quantity=quantity,
        available_quantity=available if available is not None else quantity,
        latitude=_number(location.get("latitude")),
        longitude=_number(location.get("longitude")),
        radius_km=_number(location.get("radius")),
        area_name=area[:100] if isinstance(area, str) else None,
        begins_at=_time(document.get("hasBeginning")),
        ends_at=_time(document.get("hasEnd") or document.get("endTime")),
        document=document,
        status=str(status),
        minimum_quantity=minimum,
        unit_based=document.get("unitBased") is True,
        intent_id=intent_id,
        referred_from=referred if isinstance(referred, str) else None,
        location_precision=precision if isinstance(precision, str) else None,
    )
