"""A local offer or request as an FEP-0837 ``Proposal``, with the design brief's terms.

The federated object names the group's actor, never a person, and carries the
already-coarse location only.
"""

from __future__ import annotations

import html
from typing import Any

from federation.documents.actor import LocalActor
from node.clock import to_text
from node.domain.claims import claim_step
from node.domain.model import Item
from node.domain.model import Place as ItemPlace
from schemas.context import PUBLIC, PUBLISHED_CONTEXT
from schemas.taxonomy import CATEGORIES
from schemas.vocab import Purpose, Status, Visibility
from schemas.wire import Intent, Measure, Place, Proposal, Tag

_CATEGORY_IRI = {info.code: info.iri for info in CATEGORIES}
_FINISHED = frozenset({Status.FULFILLED, Status.CLOSED, Status.EXPIRED})


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


def _measure(unit: str, value: float) -> Measure:
    return Measure(has_unit=unit, has_numerical_value=value)


def _content(item: Item) -> str:
    text = html.escape(item.description or item.title)
    return f"<p>{text}</p><p>#{item.category.value}</p>"


def _intent(actor: LocalActor, item: Item) -> Intent:
    unit = item.unit.value
    party = "provider" if item.purpose is Purpose.OFFER else "receiver"
    return Intent(
        id=actor.uris.intent(item.purpose, item.id),
        action=item.action.value,
        resource_classified_as=[_CATEGORY_IRI[item.category]],
        # FEP-0837: when unit-based, resourceQuantity is the unit claims come in.
        resource_quantity=_measure(unit, claim_step(item) if item.unit_based else item.quantity),
        available_quantity=_measure(unit, item.available_quantity),
        finished=item.status in _FINISHED,
        minimum_quantity=(
            None if item.minimum_quantity is None else _measure(unit, item.minimum_quantity)
        ),
        due=None if item.ends_at is None else to_text(item.ends_at),
        **{party: actor.id},
    )


def _place(place: ItemPlace) -> Place:
    return Place(
        latitude=place.latitude,
        longitude=place.longitude,
        radius=place.radius_km,
        units="km",
        name=place.area or None,
    )


def _languages(item: Item) -> dict[str, Any]:
    if not item.translations:
        return {}
    return {
        "name_map": {item.language: item.title}
        | {lang: t.title for lang, t in item.translations.items()},
        "content_map": {item.language: _content(item)}
        | {
            lang: f"<p>{html.escape(t.description or t.title)}</p>"
            for lang, t in item.translations.items()
        },
    }


def proposal(actor: LocalActor, item: Item) -> dict[str, Any]:
    """The item's Proposal, built through :class:`schemas.wire.Proposal` (which reads it back)."""
    object_id = item_id(actor, item)
    to, cc = addressing(actor, item.visibility)
    ends = None if item.ends_at is None else to_text(item.ends_at)
    place = item.place
    document = Proposal(
        ld_context=PUBLISHED_CONTEXT,
        id=object_id,
        purpose=item.purpose,
        attributed_to=actor.id,
        name=item.title,
        summary=item.description[:500] if item.description else item.title,
        content=_content(item),
        published=to_text(item.created_at),
        updated=to_text(item.updated_at),
        url=object_id,
        has_beginning=to_text(item.begins_at),
        unit_based=item.unit_based,
        urgency=item.urgency,
        item_status=item.status,
        publishes=_intent(actor, item),
        tag=[Tag(type="Hashtag", name=f"#{item.category.value}")],
        to=to,
        cc=cc or None,
        close_reason=item.close_reason,
        referred_from=item.referred_from,
        has_end=ends,
        end_time=ends,
        location_precision=None if place is None else place.precision,
        location=None if place is None else _place(place),
        **_languages(item),
    )
    return document.to_json()
