"""The score of one request against one offer (design brief, section 3).

``score = category × quantity × distance × window``, each factor in [0, 1] and
returned with a sentence saying why, so a coordinator can see the reasoning:

* **category**: 1 for the same code, 0.5 for a related pair (``RELATED`` in
  ``schemas.taxonomy``), else 0.
* **quantity**: the usable amount over the need, at most 1. Units never mix
  (a cross-unit pair has no score at all). The usable amount is
  ``min(offer available, need)``, lowered to the largest multiple of the claim
  step when an item is unit-based (when both are, of the least common
  multiple of the two steps); it is 0 when it falls under the offer's
  ``minimum`` (so an offer whose minimum exceeds the need never matches) or
  under the request's ``minimum`` (the smallest amount worth having).
* **distance**: ``exp(−d / 25 km)`` between the two coarse points (haversine).
  When either side has no location the factor is a neutral **0.5**: the pair
  may well be close, but it should rank below a pair known to be within
  ~17 km (``exp(−17.3 / 25) = 0.5``).
* **window**: the fraction of the request's window ``[begins_at, ends_at]``
  that the offer's window covers. A missing bound is open on that side, so an
  offer open on both sides covers everything (1), and a request open on a side
  scores 1 whenever the two windows overlap at all. Disjoint windows score 0,
  also when one side is open-ended (an offer that ends before the need begins
  is no use). A request window of zero length scores 1 if the offer covers it.

Urgency is not a factor: it orders requests (most urgent first) among equal
scores and in the "requests needing matches" listing, never a pair's score.
Untrusted items, purposes that do not pair (offer with request) and any factor
of 0 give ``None``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from node.domain.location import haversine_km
from node.domain.matching.model import Match, MatchItem
from schemas.taxonomy import RELATED
from schemas.vocab import Category, Purpose

DISTANCE_SCALE_KM = 25.0
NO_LOCATION_FACTOR = 0.5
RELATED_FACTOR = 0.5
FACTORS = ("category", "quantity", "distance", "window")

# Relative slack for comparing float quantities (0.1 + 0.2 against 0.3).
_EPS = 1e-9

_CATEGORY: dict[tuple[Category, Category], float] = {}
for _a in Category:
    for _b in Category:
        if _a is _b:
            _CATEGORY[_a, _b] = 1.0
        elif frozenset((_a, _b)) in RELATED:
            _CATEGORY[_a, _b] = RELATED_FACTOR


def category_factor(a: Category, b: Category) -> float:
    return _CATEGORY.get((a, b), 0.0)


def scoring_categories(category: Category) -> list[tuple[Category, float]]:
    """The categories an item of ``category`` can pair with, and their factor."""
    return [(other, f) for (mine, other), f in _CATEGORY.items() if mine is category]


@lru_cache(maxsize=1024)
def _common_step(a: float, b: float) -> float:
    """The least common multiple of two claim steps (as decimals: 0.5 and 0.75 → 1.5)."""
    fa = Fraction(a).limit_denominator(10**6)
    fb = Fraction(b).limit_denominator(10**6)
    numerator = math.lcm(fa.numerator * fb.denominator, fb.numerator * fa.denominator)
    return float(Fraction(numerator, fa.denominator * fb.denominator))


def _step(request: MatchItem, offer: MatchItem) -> float | None:
    r = request.quantity_step if request.unit_based else None
    o = offer.quantity_step if offer.unit_based else None
    if r is None:
        return o
    if o is None:
        return r
    return r if r == o else _common_step(r, o)


def usable_quantity(request: MatchItem, offer: MatchItem) -> float:
    """How much of the offer can go to the request, under the rules above (0: none)."""
    need = request.available
    if need <= 0.0 or offer.available <= 0.0:
        return 0.0
    most = offer.available if offer.available < need else need
    usable = most
    if offer.unit_based or request.unit_based:
        step = _step(request, offer)
        # A step too fine to count in (a common step that rounds to zero, a ratio that
        # overflows; a peer's denormal quantity) constrains nothing: never a crash.
        if step is not None and step > 0.0 and math.isfinite(most / step):
            usable = math.floor(most / step + _EPS) * step
            if usable > most:  # the slack above must never lift it past the need or stock
                usable = most
    if usable <= 0.0:
        return 0.0
    if offer.minimum is not None and usable < offer.minimum * (1 - _EPS):
        return 0.0
    if request.minimum is not None and usable < request.minimum * (1 - _EPS):
        return 0.0
    return usable


def quantity_factor(request: MatchItem, offer: MatchItem) -> float:
    usable = usable_quantity(request, offer)
    return usable / request.available if usable > 0.0 else 0.0


def window_factor(request: MatchItem, offer: MatchItem) -> float:
    rb, re, ob, oe = request.begins_at, request.ends_at, offer.begins_at, offer.ends_at
    if (rb is not None and oe is not None and oe < rb) or (
        ob is not None and re is not None and ob > re
    ):
        return 0.0  # disjoint, whatever is open-ended
    if rb is None or re is None or re <= rb:
        return 1.0  # an open-ended (or instantaneous) need, and the windows overlap
    start = rb if ob is None or ob <= rb else ob
    end = re if oe is None or oe >= re else oe
    return min(1.0, (end - start) / (re - rb))


def distance_factor(distance_km: float | None) -> float:
    if distance_km is None:
        return NO_LOCATION_FACTOR
    return math.exp(-distance_km / DISTANCE_SCALE_KM)


def distance_km(a: MatchItem, b: MatchItem) -> float | None:
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


def pairable(request: MatchItem, offer: MatchItem) -> bool:
    """Purposes, units and trust: the conditions that are not factors."""
    return (
        request.purpose is Purpose.REQUEST
        and offer.purpose is Purpose.OFFER
        and request.unit is offer.unit
        and request.trusted
        and offer.trusted
    )


def score(request: MatchItem, offer: MatchItem) -> Match | None:
    """Score ``offer`` for ``request``; the Match names the offer. None: no match."""
    return _match(request, offer, offer.id)


def score_pair(a: MatchItem, b: MatchItem) -> Match | None:
    """Score two items given in either order; the Match names ``b``."""
    if a.purpose is Purpose.OFFER:
        return _match(b, a, b.id)
    return _match(a, b, b.id)


def _match(request: MatchItem, offer: MatchItem, other_id: str) -> Match | None:
    if not pairable(request, offer):
        return None
    category = category_factor(request.category, offer.category)
    if category == 0.0:
        return None
    usable = usable_quantity(request, offer)
    if usable <= 0.0:
        return None
    window = window_factor(request, offer)
    if window <= 0.0:
        return None
    km = distance_km(request, offer)
    distance = distance_factor(km)
    quantity = usable / request.available
    factors = {"category": category, "quantity": quantity, "distance": distance, "window": window}
    return Match(
        item_id=other_id,
        score=category * quantity * distance * window,
        factors=factors,
        explanations=explain(request, offer, usable, km, window),
        distance_km=km,
    )


def _amount(value: float) -> str:
    return f"{value:.6g}"


def explain(
    request: MatchItem, offer: MatchItem, usable: float, km: float | None, window: float
) -> dict[str, str]:
    """A short sentence per factor, for the coordinator reading the match."""
    if request.category is offer.category:
        category = f"same category ({request.category.value})"
    else:
        category = (
            f"related categories ({offer.category.value} offered, {request.category.value} needed)"
        )
    unit = request.unit.value
    quantity = f"{_amount(usable)} of the {_amount(request.available)} {unit} needed"
    step = _step(request, offer)
    if step is not None and (offer.unit_based or request.unit_based):
        quantity += f" (in multiples of {_amount(step)} {unit})"
    if km is None:
        distance = "no location on one side: neutral 0.5"
    elif km < 1.0:
        distance = "same area (under 1 km apart)"
    else:
        distance = f"about {km:.0f} km apart"
    if request.begins_at is None or request.ends_at is None:
        when = "the request is open-ended and the windows overlap"
    elif window >= 1.0:
        when = "the offer covers the whole requested window"
    else:
        when = f"the offer covers {window:.0%} of the requested window"
    return {"category": category, "quantity": quantity, "distance": distance, "window": when}
