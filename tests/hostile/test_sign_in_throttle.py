"""The sign-in throttle counts guesses, not people: correct sign-ins from one address
(a shelter's shared wifi at shift change) are not throttled, while wrong guesses still
are, per address and per username."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import PASSWORD, Pages


async def test_many_correct_sign_ins_from_one_address_all_pass(pages: Any) -> None:
    client: Pages = await pages(role=None)
    for number in range(12):
        user = "ana" if number % 2 else "root"
        response, _ = await client.post(
            "/sign-in", {"username": user, "password": PASSWORD}, token_from="/sign-in"
        )
        assert response.status == 303, f"sign-in {number + 1} refused"


async def test_wrong_guesses_are_still_throttled(pages: Any) -> None:
    client: Pages = await pages(role=None)
    statuses = []
    for _ in range(7):
        response, _ = await client.post(
            "/sign-in", {"username": "ana", "password": "guess"}, token_from="/sign-in"
        )
        statuses.append(response.status)
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
