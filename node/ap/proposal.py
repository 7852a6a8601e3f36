"""A local offer or request as an FEP-0837 ``Proposal``, with the design brief's terms.

The federated object names the group's actor, never a person, and carries the
already-coarse location only.
"""

from __future__ import annotations

import html
from typing import Any

from federation.documents.actor import LocalActor
from node.clock import to_text
from node.domain.model import Item
from schemas.context import PUBLIC, PUBLISHED_CONTEXT
from schemas.taxonomy import CATEGORIES
from schemas.vocab import Purpose, Status, Visibility

_CATEGORY_IRI = {info.code: info.iri for info in CATEGORIES}
_FINISHED = frozenset({Status.FULFILLED, Status.CLOSED, Status.EXPIRED})


def claim_step(item: Item) -> float:
    """The multiple claims on a unit-based item must come in."""
    return item.minimum_quantity or 1.0


def item_id(actor: LocalActor, item: Item) -> str:
    return actor.uris.item(item.purpose, item.id)


def addressing(actor: LocalActor, visibility: Visibility) -> tuple[list[str], list[str]]:
    """``(to, cc)`` for an item's visibility (design brief, section 3a)."""
    if visibility is Visibility.PUBLIC:
        return [PUBLIC], [actor.followers]
    if visibility is Visibility.FOLLOWERS:
        return [actor.followers], []
    if visibility is Visibility.COALITION:
        return [actor.partners], []
    return [], []


def _measure(unit: str, value: float) -> dict[str, Any]:
    number: float | int = int(value) if float(value).is_integer() else value
    return {"hasUnit": unit, "hasNumericalValue": number}


def _content(item: Item) -> str:
    text = html.escape(item.description or item.title)
    return f"<p>{text}</p><p>#{item.category.value}</p>"


def proposal(actor: LocalActor, item: Item) -> dict[str, Any]:
    object_id = item_id(actor, item)
    to, cc = addressing(actor, item.visibility)
    intent: dict[str, Any] = {
        "id": actor.uris.intent(item.purpose, item.id),
        "type": "Intent",
        "action": item.action.value,
        "resourceClassifiedAs": [_CATEGORY_IRI[item.category]],
        # FEP-0837: when unit-based, resourceQuantity is the unit claims come in.
        "resourceQuantity": _measure(
            item.unit.value, claim_step(item) if item.unit_based else item.quantity
        ),
        "availableQuantity": _measure(item.unit.value, item.available_quantity),
    }
    intent["finished"] = item.status in _FINISHED
    intent["provider" if item.purpose is Purpose.OFFER else "receiver"] = actor.id
    if item.minimum_quantity is not None:
        intent["minimumQuantity"] = _measure(item.unit.value, item.minimum_quantity)
    if item.ends_at is not None:
        intent["due"] = to_text(item.ends_at)
    document: dict[str, Any] = {
        "@context": PUBLISHED_CONTEXT,
        "id": object_id,
        "type": "Proposal",
        "purpose": item.purpose.value,
        "attributedTo": actor.id,
        "name": item.title,
        "summary": item.description[:500] if item.description else item.title,
        "content": _content(item),
        "published": to_text(item.created_at),
        "updated": to_text(item.updated_at),
        "url": object_id,
        "hasBeginning": to_text(item.begins_at),
        "unitBased": item.unit_based,
        "urgency": item.urgency.value,
        "itemStatus": item.status.value,
        "publishes": intent,
        "tag": [{"type": "Hashtag", "name": f"#{item.category.value}"}],
        "to": to,
    }
    if cc:
        document["cc"] = cc
    if item.close_reason is not None:
        document["closeReason"] = item.close_reason.value
    if item.referred_from is not None:
        document["referredFrom"] = item.referred_from
    if item.translations:
        document["nameMap"] = {item.language: item.title} | {
            lang: t.title for lang, t in item.translations.items()
        }
        document["contentMap"] = {item.language: _content(item)} | {
            lang: f"<p>{html.escape(t.description or t.title)}</p>"
            for lang, t in item.translations.items()
        }
    if item.ends_at is not None:
        document["hasEnd"] = document["endTime"] = to_text(item.ends_at)
    if item.place is not None:
        place = item.place
        document["locationPrecision"] = place.precision.value
        location: dict[str, Any] = {
            "type": "Place",
            "latitude": place.latitude,
            "longitude": place.longitude,
            "radius": place.radius_km,
            "units": "km",
        }
        if place.area:
            location["name"] = place.area
        document["location"] = location
    return document
