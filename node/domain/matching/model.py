"""What the matching engine sees of an item, and what it answers.

A :class:`MatchItem` is a flat, immutable projection of an offer or a request
(ours or a peer's): only what the score needs. The caller builds it from the
stored item and decides ``trusted`` from the trust policy; an untrusted item is
kept by the index (so it can be updated or removed) but never matches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from schemas.vocab import Category, Purpose, Unit, Urgency

#: Most urgent first: the order of the "requests needing matches" listing.
URGENCY_RANK: dict[Urgency, int] = {
    Urgency.WITHIN_1_2_DAYS: 0,
    Urgency.WITHIN_3_5_DAYS: 1,
    Urgency.WITHIN_A_WEEK: 2,
    Urgency.ANYTIME: 3,
}


@dataclass(frozen=True, slots=True)
class MatchItem:
    """One open offer or request, reduced to the fields the score reads.

    ``available`` is what is left: the quantity still offered, or the quantity
    still needed. ``minimum`` is the smallest amount worth a handover (an offer
    whose minimum exceeds a request's need cannot serve it). When ``unit_based``,
    claims come in multiples of ``quantity_step`` (the item's resource quantity).
    ``latitude``/``longitude`` are the coarse point (cell centre or area point),
    both or neither. A missing ``begins_at``/``ends_at`` is open on that side.
    """

    id: str
    purpose: Purpose
    category: Category
    unit: Unit
    available: float
    minimum: float | None = None
    unit_based: bool = False
    quantity_step: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    begins_at: datetime | None = None
    ends_at: datetime | None = None
    urgency: Urgency = Urgency.ANYTIME
    origin: str = ""
    trusted: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.purpose, Purpose):
            object.__setattr__(self, "purpose", Purpose(self.purpose))
        if not isinstance(self.category, Category):
            object.__setattr__(self, "category", Category(self.category))
        if not isinstance(self.unit, Unit):
            object.__setattr__(self, "unit", Unit(self.unit))
        if not isinstance(self.urgency, Urgency):
            object.__setattr__(self, "urgency", Urgency(self.urgency))
        if not math.isfinite(self.available) or self.available < 0:
            raise ValueError(f"{self.id}: available must be a finite number ≥ 0")
        if self.minimum is not None and not (math.isfinite(self.minimum) and self.minimum >= 0):
            raise ValueError(f"{self.id}: minimum must be a finite number ≥ 0")
        if self.unit_based and not (
            self.quantity_step is not None
            and math.isfinite(self.quantity_step)
            and self.quantity_step > 0
        ):
            raise ValueError(f"{self.id}: a unit-based item needs a quantity_step > 0")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError(f"{self.id}: give both latitude and longitude, or neither")
        if (
            self.latitude is not None
            and self.longitude is not None
            and not (-90.0 <= self.latitude <= 90.0 and -180.0 <= self.longitude <= 180.0)
        ):
            raise ValueError(f"{self.id}: latitude/longitude out of range")
        for moment in (self.begins_at, self.ends_at):
            if moment is not None and moment.tzinfo is None:
                raise ValueError(f"{self.id}: begins_at/ends_at must carry a time zone")
        begins, ends = self.begins_at, self.ends_at
        if begins is not None and ends is not None and ends < begins:
            raise ValueError(f"{self.id}: ends_at is before begins_at")

    @property
    def located(self) -> bool:
        return self.latitude is not None


@dataclass(frozen=True, slots=True)
class Match:
    """One candidate for an item: the other item's id, its score and why.

    ``factors`` holds ``category``, ``quantity``, ``distance`` and ``window``,
    each in [0, 1]; ``score`` is their product. ``explanations`` has a short
    human sentence for each factor, under the same keys.
    """

    item_id: str
    score: float
    factors: dict[str, float]
    explanations: dict[str, str]
    distance_km: float | None = None
