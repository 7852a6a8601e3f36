"""Signing in and out: cookies, CSRF, throttling, and who may open which page."""

from __future__ import annotations

from typing import Any

from node.domain.trust import Level
from schemas.vocab import Role
from tests.web.conftest import CSRF, PASSWORD, Pages


def _cookie_header(response: Any, name: str) -> str:
    return next(h for h in response.headers.getall("Set-Cookie") if h.startswith(name + "="))


async def test_sign_in_sets_a_strict_session_cookie(pages: Any) -> None:
    client: Pages = await pages(role=None)
    response = await client.sign_in("ana")
    assert response.status == 303
    assert response.headers["Location"].startswith("/?done=signed-in")
    cookie = _cookie_header(response, "sn_session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    _, text = await client.get("/")
    assert "Claims waiting for an answer" in text


async def test_session_cookie_is_secure_behind_https(pages: Any) -> None:
    client: Pages = await pages(role=None, public_url="https://node.test")
    response, text = await client.get("/sign-in")
    presession = _cookie_header(response, "sn_pre")
    assert "Secure" in presession and "HttpOnly" in presession
    # The test client speaks plain HTTP, so it would not send a Secure cookie back itself.
    value = presession.split(";")[0].split("=", 1)[1]
    form = {"csrf": CSRF.search(text).group(1), "username": "ana", "password": PASSWORD}  # type: ignore[union-attr]
    response = await client.node.client.post(
        "/sign-in", data=form, headers={"Cookie": f"sn_pre={value}"}, allow_redirects=False
    )
    assert response.status == 303
    assert "Secure" in _cookie_header(response, "sn_session")


async def test_wrong_password_says_so_and_sets_no_session(pages: Any) -> None:
    client: Pages = await pages(role=None)
    response, text = await client.post(
        "/sign-in", {"username": "ana", "password": "nope"}, token_from="/sign-in"
    )
    assert response.status == 401
    assert "Unknown username or wrong password." in text
    assert not any(
        h.startswith("sn_session=sn_") for h in response.headers.getall("Set-Cookie", [])
    )


async def test_sign_in_attempts_are_rate_limited(pages: Any) -> None:
    client: Pages = await pages(role=None)
    statuses = []
    for _ in range(6):
        response, _ = await client.post(
            "/sign-in", {"username": "ana", "password": "wrong"}, token_from="/sign-in"
        )
        statuses.append(response.status)
    assert statuses == [401] * 5 + [429]
    assert int(response.headers["Retry-After"]) > 0
    # Even the right password waits until the limit refills.
    assert (await client.sign_in("ana")).status == 429


async def test_pages_need_a_session(pages: Any) -> None:
    client: Pages = await pages(role=None)
    for path in ("/", "/feed", "/items/new/offer", "/admin/peers"):
        response = await client.node.client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"].startswith("/sign-in?next=")


async def test_a_post_without_the_csrf_token_changes_nothing(pages: Any) -> None:
    client: Pages = await pages()
    before = client.node.dump()
    form = {"title": "Rice", "category": "food", "amount": "5", "unit": "kilogram"}
    response = await client.node.client.post("/items/new/offer", data=form)
    assert response.status == 403
    assert "This form expired or came from another site" in await response.text()
    response = await client.node.client.post(
        "/items/new/offer", data={**form, "csrf": "0" * 64}, allow_redirects=False
    )
    assert response.status == 403
    assert client.node.dump() == before


async def test_a_cross_site_post_is_refused_even_with_a_token(pages: Any) -> None:
    client: Pages = await pages()
    response, _ = await client.post(
        "/items/new/offer",
        {"title": "Rice", "category": "food", "amount": "5"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status == 403


async def test_sign_out_revokes_the_session(pages: Any) -> None:
    client: Pages = await pages()
    token = client.node.client.session.cookie_jar.filter_cookies(client.node.client.make_url("/"))[
        "sn_session"
    ].value
    response, _ = await client.post("/sign-out", {})
    assert response.status == 303
    assert response.headers["Location"].startswith("/sign-in")
    response = await client.node.client.get(
        "/", headers={"Cookie": f"sn_session={token}"}, allow_redirects=False
    )
    assert response.status == 303, "the old session token no longer works"


async def test_coordinators_cannot_open_admin_pages(pages: Any) -> None:
    client: Pages = await pages(Role.COORDINATOR)
    await client.node.services.trust.set_level(
        "secret-peer.example", Level.BLOCKED, who="admin", reason="private reason"
    )
    for path in (
        "/admin/",
        "/admin/peers",
        "/admin/follow-requests",
        "/admin/blocklist",
        "/admin/deliveries",
        "/admin/moderation",
        "/admin/audit",
    ):
        response, text = await client.get(path)
        assert response.status == 403, path
        assert "Only an admin can open this page." in text
        assert "secret-peer" not in text and "private reason" not in text
    _, text = await client.get("/")
    assert 'href="/admin/"' not in text


async def test_coordinators_cannot_post_to_admin_pages(pages: Any) -> None:
    client: Pages = await pages(Role.COORDINATOR)
    before = client.node.dump()
    response, _ = await client.post("/admin/peers", {"host": "x.example", "level": "blocked"})
    assert response.status == 403
    assert client.node.dump() == before


async def test_admins_see_the_admin_link(pages: Any) -> None:
    client: Pages = await pages(Role.ADMIN)
    _, text = await client.get("/")
    assert 'href="/admin/"' in text
    assert PASSWORD not in text
