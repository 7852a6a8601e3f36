"""Reading an IRI out of an AP value: the lenient ``id_of`` the wire models validate
with, and the strict sibling the raw-dict code compares known ids with."""

from __future__ import annotations

from typing import Any

import pytest

from schemas.wire.base import id_of, strict_id_of

ACTOR = "https://peer.example/actor"


@pytest.mark.parametrize(
    ("value", "lenient", "strict"),
    [
        (ACTOR, ACTOR, ACTOR),
        ({"id": ACTOR, "type": "Group"}, ACTOR, ACTOR),
        ({"@id": ACTOR}, ACTOR, None),
        ({"type": "Link", "href": ACTOR}, ACTOR, None),
        ([ACTOR, "https://other.example/actor"], ACTOR, None),
        ([{"id": ACTOR}], ACTOR, None),
        ([], None, None),
        (None, None, None),
        ({"id": 5}, {"id": 5}, None),
        ({"id": {"id": ACTOR}}, {"id": {"id": ACTOR}}, None),
        (5, 5, None),
    ],
)
def test_lenient_and_strict_readings(value: Any, lenient: Any, strict: str | None) -> None:
    assert id_of(value) == lenient
    assert strict_id_of(value) == strict
