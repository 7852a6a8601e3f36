"""What ingest produces: a peer's Proposal in our terms, frozen and typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True)
class NormalisedPlace:
    """Where, as the peer published it (already coarse): a point, a radius in km, an area."""

    latitude: float | None
    longitude: float | None
    radius_km: float | None
    area: str | None


@dataclass(frozen=True)
class NormalisedProposal:
    """A peer's offer or request in our terms, whatever shape it arrived in.

    ``quantity`` is the primary Intent's ``resourceQuantity``; ``available``
    its ``availableQuantity``, or ``quantity`` when absent; ``minimum`` its
    ``minimumQuantity``. All three are in ``unit`` (grams/kilograms,
    millilitres/litres and hours/days/weeks are converted). ``content`` is the
    peer's HTML as sent: sanitise it before display.
    """

    id: str
    purpose: Purpose
    attributed_to: str
    title: str
    summary: str
    content: str
    name_map: Mapping[str, str]
    summary_map: Mapping[str, str]
    content_map: Mapping[str, str]
    category: Category | None
    classified_as: tuple[str, ...]
    conforms_to: str | None
    action: Action
    unit: Unit | None
    quantity: float | None
    available: float | None
    minimum: float | None
    unit_based: bool
    urgency: Urgency | None
    location: NormalisedPlace | None
    location_precision: LocationPrecision | None
    begins_at: datetime | None
    ends_at: datetime | None
    due: datetime | None
    published: datetime | None
    updated: datetime | None
    item_status: Status | None
    close_reason: CloseReason | None
    finished: bool
    referred_from: str | None
    provider: str | None
    receiver: str | None
    intent_id: str | None
    has_reciprocal: bool
    to: tuple[str, ...]
    cc: tuple[str, ...]
    audience: tuple[str, ...]
