"""Open redirects through ``next``: browsers drop tabs and newlines from a URL before
parsing it, so ``/<TAB>/evil.example`` becomes ``//evil.example`` (another host); a CR or
LF would also split the Location header. Any such target is replaced by ``/``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import PASSWORD, Pages

HOSTILE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\nSet-Cookie: sn_session=stolen",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
]


@pytest.mark.parametrize("target", HOSTILE)
async def test_sign_in_never_redirects_off_the_node(pages: Any, target: str) -> None:
    client: Pages = await pages(role=None)
    response, _ = await client.post(
        "/sign-in",
        {"username": "ana", "password": PASSWORD, "next": target},
        token_from="/sign-in",
    )
    assert response.status == 303
    assert response.headers["Location"] == "/?done=signed-in"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\r\n/evil.example"])
async def test_signed_in_visit_to_sign_in_never_redirects_off_the_node(
    pages: Any, target: str
) -> None:
    client: Pages = await pages()
    response = await client.node.client.get(
        "/sign-in", params={"next": target}, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"] == "/"


async def test_a_path_on_the_node_is_kept(pages: Any) -> None:
    client: Pages = await pages(role=None)
    response, _ = await client.post(
        "/sign-in",
        {"username": "ana", "password": PASSWORD, "next": "/feed?category=water"},
        token_from="/sign-in",
    )
    assert response.status == 303
    assert response.headers["Location"] == "/feed?category=water&done=signed-in"
