"""Possible duplicates across groups: same need or offer, overlapping place and time,
similar words; flagged on both entries, from public fields only."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from node.domain.feed import FeedEntry, flag_duplicates

T0 = datetime(2026, 3, 1, tzinfo=UTC)
BASE = FeedEntry(
    id="https://a.example/requests/1",
    purpose="request",
    title="Insulin cooler bags",
    summary="Three cooler bags for insulin",
    category="medical",
    urgency="within-1-2-days",
    unit="one",
    quantity=3,
    available=3,
    minimum=None,
    unit_based=False,
    latitude=40.80,
    longitude=-73.95,
    radius_km=3.5,
    area=None,
    begins_at=T0,
    ends_at=datetime(2026, 3, 5, tzinfo=UTC),
    updated_at=T0,
    origin_actor="https://a.example/actor",
    origin_name="Group A",
    local=False,
)


def _flags(*entries: FeedEntry) -> dict[str, tuple[str, ...]]:
    return {e.id: e.possible_duplicates for e in flag_duplicates(list(entries))}


def test_the_same_need_posted_by_two_groups_is_flagged_on_both() -> None:
    twin = replace(
        BASE,
        id="https://b.example/requests/9",
        origin_actor="https://b.example/actor",
        title="Cooler bags for insulin",
        latitude=40.81,
        longitude=-73.96,
    )
    assert _flags(BASE, twin) == {BASE.id: (twin.id,), twin.id: (BASE.id,)}


def test_different_groups_places_windows_or_words_are_not_duplicates() -> None:
    other = {"id": "https://b.example/requests/9", "origin_actor": "https://b.example/actor"}
    cases = [
        replace(BASE, **other, category="care"),  # another category
        replace(BASE, **other, purpose="offer"),  # an offer, not a request
        replace(BASE, **other, latitude=42.36, longitude=-71.06),  # another city
        replace(
            BASE,
            **other,
            begins_at=datetime(2026, 4, 1, tzinfo=UTC),
            ends_at=datetime(2026, 4, 9, tzinfo=UTC),
        ),  # a later window
        replace(BASE, **other, title="Wheelchair", summary="A loan for a month"),  # other words
        replace(BASE, id="https://a.example/requests/2"),  # the same group posting twice
    ]
    for case in cases:
        assert _flags(BASE, case) == {BASE.id: (), case.id: ()}, case
