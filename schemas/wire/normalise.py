"""Ingest: any accepted shape of a peer's Proposal → one typed, frozen record.

Accepted shapes (reference/domain.md §2.2 pitfalls): FEP-0837 with its
inline context; ``type`` as a string or list, or ``Note`` carrying the VF
terms; Bonfire's older ``https://w3id.org/valueflows#`` namespace,
``ValueFlows:``-prefixed types, bare ``ValueFlows:Intent`` objects and
``ProposedIntent`` lists; actions and units as plain names, compact or full
IRIs; numbers as strings. All by alias tables on plain JSON (never pyld).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from schemas.vocab import Action, Unit
from schemas.wire.errors import Reason, WireError
from schemas.wire.objects import Intent, Proposal
from schemas.wire.parts import Measure, Place
from schemas.wire.records import NormalisedPlace, NormalisedProposal
from schemas.wire.shapes import (
    is_bare_intent,
    looks_like_proposal,
    proposal_from_intent,
    refusal,
)
from schemas.wire.terms import canonical_keys, category_code, radius_km

TITLE_MAX = 200
SUMMARY_MAX = 1000
CONTENT_MAX = 20_000
AREA_MAX = 100
LANGUAGES_MAX = 32
"""Storage limits: longer text is cut, not refused; more languages are dropped."""

_EMPTY: Mapping[str, str] = MappingProxyType({})


def normalise_proposal(document: Any) -> NormalisedProposal:
    """Read a peer's Proposal (or proposal-shaped Note, or bare VF Intent).

    Raises :class:`WireError` whose ``reason`` is a :class:`Reason`: no ``id``
    → ``proposal-malformed``; ``purpose`` missing or unknown →
    ``purpose-unknown``; no embedded primary Intent → ``intent-missing``; an
    action or unit outside our vocabularies → ``action-unknown`` /
    ``unit-unknown``; a bad amount → ``quantity-invalid``.
    """
    raw, bare = _recognise(document)
    if not isinstance(raw.get("id"), str) or not raw["id"].strip():
        raise WireError(Reason.PROPOSAL_MALFORMED, "the Proposal has no id")
    if "purpose" not in raw:
        detail = "the Intent names neither provider nor receiver" if bare else "no purpose"
        raise WireError(Reason.PURPOSE_UNKNOWN, detail)
    try:
        proposal = Proposal.model_validate(raw)
    except ValidationError as error:
        reason, detail = refusal(error.errors())
        raise WireError(reason, detail) from None
    return _flatten(proposal)


def normalise_parsed(proposal: Proposal) -> NormalisedProposal:
    """:func:`normalise_proposal` of a document already read as a :class:`Proposal`
    (an activity's embedded object): the same record, without validating it twice."""
    if not proposal.id.strip():
        raise WireError(Reason.PROPOSAL_MALFORMED, "the Proposal has no id")
    return _flatten(proposal)


def _recognise(document: Any) -> tuple[dict[str, Any], bool]:
    """The document as a raw Proposal, and whether it was a bare Intent."""
    if not isinstance(document, Mapping):
        raise WireError(Reason.PROPOSAL_MALFORMED, "a Proposal is a JSON object")
    raw = canonical_keys(document)
    if looks_like_proposal(raw):
        return raw, False
    if is_bare_intent(raw):
        return proposal_from_intent(raw), True
    raise WireError(Reason.NOT_A_PROPOSAL, f"type {document.get('type')!r} is not a Proposal")


def _flatten(proposal: Proposal) -> NormalisedProposal:
    intent = proposal.publishes
    action = _action(intent)
    unit, quantity, available, minimum = _quantities(intent)
    classified_as = tuple(intent.resource_classified_as or ())
    return NormalisedProposal(
        id=proposal.id,
        purpose=proposal.purpose,
        attributed_to=proposal.attributed_to,
        title=_cut(_title(proposal), TITLE_MAX),
        summary=_cut(proposal.summary or _first(proposal.summary_map), SUMMARY_MAX),
        content=_cut(proposal.content or _first(proposal.content_map), CONTENT_MAX),
        name_map=_languages(proposal.name_map, TITLE_MAX),
        summary_map=_languages(proposal.summary_map, SUMMARY_MAX),
        content_map=_languages(proposal.content_map, CONTENT_MAX),
        category=next((c for c in map(category_code, classified_as) if c is not None), None),
        classified_as=classified_as,
        conforms_to=intent.resource_conforms_to,
        action=action,
        unit=unit,
        quantity=quantity,
        available=available if available is not None else quantity,
        minimum=minimum,
        unit_based=bool(proposal.unit_based),
        urgency=proposal.urgency,
        location=_place(proposal.location),
        location_precision=proposal.location_precision,
        begins_at=_utc(proposal.has_beginning),
        ends_at=_utc(proposal.has_end or proposal.end_time),
        due=_utc(intent.due),
        published=_utc(proposal.published),
        updated=_utc(proposal.updated),
        item_status=proposal.item_status,
        close_reason=proposal.close_reason,
        finished=bool(intent.finished),
        referred_from=proposal.referred_from,
        provider=intent.provider,
        receiver=intent.receiver,
        intent_id=intent.id,
        has_reciprocal=proposal.reciprocal is not None,
        to=tuple(proposal.to or ()),
        cc=tuple(proposal.cc or ()),
        audience=tuple(proposal.audience or ()),
    )


def _action(intent: Intent) -> Action:
    if intent.action not in Action._value2member_map_:
        raise WireError(Reason.ACTION_UNKNOWN, f"action {intent.action!r} is not one of ours")
    return Action(intent.action)


_SCALE: Mapping[Unit, tuple[str, float]] = {
    Unit.ONE: ("count", 1),
    Unit.GRAM: ("mass", 1),
    Unit.KILOGRAM: ("mass", 1000),
    Unit.MILLILITRE: ("volume", 1),
    Unit.LITRE: ("volume", 1000),
    Unit.METRE: ("length", 1),
    Unit.HOUR: ("time", 1),
    Unit.DAY: ("time", 24),
    Unit.WEEK: ("time", 168),
}


def _unit(term: str, measure: Measure) -> Unit | None:
    if measure.has_unit is None:
        if measure.has_numerical_value is None:
            return None
        raise WireError(Reason.UNIT_UNKNOWN, f"{term} has an amount but no hasUnit")
    if measure.has_unit not in Unit._value2member_map_:
        raise WireError(Reason.UNIT_UNKNOWN, f"{term} unit {measure.has_unit!r} is not one of ours")
    return Unit(measure.has_unit)


def _quantities(intent: Intent) -> tuple[Unit | None, float | None, float | None, float | None]:
    """``(unit, quantity, available, minimum)``, all in the first unit given."""
    measures = {
        "resourceQuantity": intent.resource_quantity,
        "availableQuantity": intent.available_quantity,
        "minimumQuantity": intent.minimum_quantity,
    }
    units = {term: _unit(term, m) for term, m in measures.items() if m is not None}
    target = next((u for u in units.values() if u is not None), None)
    values: list[float | None] = []
    for term, measure in measures.items():
        source = units.get(term)
        if measure is None or measure.has_numerical_value is None or source is None:
            values.append(None)
            continue
        assert target is not None
        values.append(_convert(term, measure.has_numerical_value, source, target))
    return target, values[0], values[1], values[2]


def _convert(term: str, value: float, source: Unit, target: Unit) -> float:
    (dimension, factor), (target_dimension, target_factor) = _SCALE[source], _SCALE[target]
    if dimension != target_dimension:
        raise WireError(
            Reason.UNIT_MISMATCH, f"{term} is in {source.value}, the quantity in {target.value}"
        )
    return value if source is target else value * factor / target_factor


def _place(place: Place | None) -> NormalisedPlace | None:
    if place is None:
        return None
    radius = None if place.radius is None else radius_km(place.radius, place.units)
    area = _cut(place.name, AREA_MAX) or None
    if place.latitude is None or place.longitude is None:
        return NormalisedPlace(None, None, None, area) if area else None
    return NormalisedPlace(place.latitude, place.longitude, radius, area)


_TAGS = re.compile(r"<[^>]*>")


def _title(proposal: Proposal) -> str:
    text = proposal.name or _first(proposal.name_map) or proposal.summary
    if text:
        return text
    content = proposal.content or _first(proposal.content_map)
    return " ".join(html.unescape(_TAGS.sub(" ", content)).split())


def _first(language_map: Mapping[str, str] | None) -> str:
    return next(iter(language_map.values()), "") if language_map else ""


def _cut(text: str | None, limit: int) -> str:
    return (text or "")[:limit]


def _languages(language_map: Mapping[str, str] | None, limit: int) -> Mapping[str, str]:
    if not language_map:
        return _EMPTY
    entries = list(language_map.items())[:LANGUAGES_MAX]
    return MappingProxyType({lang[:35]: text[:limit] for lang, text in entries})


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)
