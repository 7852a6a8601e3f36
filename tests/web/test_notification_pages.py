"""The notification pages: a claim from another node in the list with the nav's unread
count, "mark all as read"; the preferences form (saved whole, or not at all); and the
admin's webhook endpoints with their delivery history (admins only)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from node.domain.notifications.events import Kind
from node.domain.notifications.sweeps import NotificationSweeps, notification_sweeps
from node.web import STATIC
from schemas.vocab import Role
from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.web.conftest import PASSWORD, Pages
from tests.web.test_match_and_follow_pages import _checks

ADMIN = Role.ADMIN
NAV = re.compile(r'<a href="/notifications"[^>]*>(.*?)</a>', re.S)
CSS = len(STATIC["site.css"][0])


def sweeps(peer: Peer) -> NotificationSweeps:
    return notification_sweeps(peer.services, peer.federation.session, peer.federation.addresses)


def nav_link(text: str) -> str:
    """The text of the nav's notifications link, as a screen reader reads it."""
    found = NAV.search(text)
    assert found, "no notifications link in the nav"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


async def signed_in(peer: Peer, name: str, role: Role = Role.COORDINATOR) -> Pages:
    await peer.services.accounts.create_account(name, PASSWORD, role)
    client = Pages(peer)
    assert (await client.sign_in(name)).status == 303
    return client


async def post_pairs(
    client: Pages, path: str, pairs: list[tuple[str, str]], **kwargs: Any
) -> tuple[int, str]:
    """A form with repeated fields (checkboxes)."""
    token = await client.csrf(path)
    response = await client.node.client.post(
        path, data=[("csrf", token), *pairs], allow_redirects=False, **kwargs
    )
    return response.status, await response.text()


async def test_a_claim_from_another_node_shows_unread_until_marked_read(
    make_peer: PeerFactory,
) -> None:
    food = await make_peer("foodbank", "Eastside Food Bank")
    clinic = await make_peer("clinic", "Clinic Mutual Aid")
    ana = await signed_in(food, "ana")
    await clinic.call(
        "POST", "/api/v1/admin/following", {"target": food.handle}, role=ADMIN, expect=201
    )
    await food.call(
        "PUT",
        f"/api/v1/admin/peers/{clinic.url.removeprefix('http://')}",
        {"level": "trusted"},
        role=ADMIN,
        expect=200,
    )
    await settle(food, clinic)
    offer = await food.offer(
        title="Drinking water", category="water", quantity={"amount": 40, "unit": "litre"}
    )
    await settle(food, clinic)

    _, text = await ana.get("/notifications")
    assert nav_link(text) == "Notifications"
    assert "No notifications yet." in text and "Mark all as read" not in text

    await clinic.call("POST", "/api/v1/claims", {"item": offer["url"], "quantity": 8}, expect=201)
    await settle(food, clinic)
    await sweeps(food).scanner.run_once()

    for path in ("/", "/feed", "/items/new/offer", "/notifications/preferences"):
        _, text = await ana.get(path)
        assert nav_link(text) == "Notifications (1 unread)", path
    response, text = await ana.get("/notifications")
    assert response.status == 200
    assert 'aria-current="page">Notifications' in text
    claimed = "Clinic Mutual Aid claimed 8 litres of “Drinking water”"
    assert claimed in text and "Unread" in text and "1 notification is unread." in text
    assert f'<a href="/items/offers/{offer["id"]}">{claimed}</a>' in text
    assert "<time datetime=" in text and "Mark all as read" in text
    _checks(text, CSS)
    _, text = await ana.get("/notifications", headers={"Accept-Language": "es"})
    assert nav_link(text) == "Notificaciones (1 sin leer)"
    assert "Clinic Mutual Aid ha pedido 8 litros de «Drinking water»" in text
    assert "Marcar todo como leído" in text and "Sin leer" in text

    # The item the link leads to shows the claim.
    _, text = await ana.get(f"/items/offers/{offer['id']}")
    assert "Clinic Mutual Aid" in text or clinic.url.removeprefix("http://") in text

    # A form from elsewhere marks nothing.
    response = await food.client.post(
        "/notifications/read", data={"csrf": "forged"}, allow_redirects=False
    )
    assert response.status == 403
    _, text = await ana.get("/notifications")
    assert nav_link(text) == "Notifications (1 unread)"

    response, _ = await ana.post("/notifications/read", {}, token_from="/notifications")
    assert response.status == 303
    assert response.headers["Location"] == "/notifications?done=read"
    _, text = await ana.get(response.headers["Location"])
    assert "All notifications are marked as read." in text
    assert nav_link(text) == "Notifications"
    assert claimed in text and "Unread" not in text and "Mark all as read" not in text

    # Scanning again brings nothing back.
    await sweeps(food).scanner.run_once()
    _, text = await ana.get("/")
    assert nav_link(text) == "Notifications"


async def test_signed_out_visitors_are_sent_to_sign_in(pages: Any) -> None:
    client: Pages = await pages(role=None)
    response, text = await client.get("/notifications", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/sign-in?next=%2Fnotifications"
    _, text = await client.get("/sign-in")
    assert 'href="/notifications"' not in text


async def test_older_notifications_come_a_page_at_a_time(pages: Any) -> None:
    client: Pages = await pages()
    node = client.node
    account = await node.services.store.reader.accounts.account_by_username("ana")
    assert account is not None
    async with node.services.store.transaction() as repos:
        for number in range(55):
            data = {
                "host": f"peer{number}.example",
                "actor": "https://x.example/actor",
                "link": "http://node.test/admin/follow-requests",
            }
            await repos.notifications.add_notification(
                account.id,
                f"follow:{number}",
                Kind.FOLLOW_REQUESTED.value,
                data,
                "2026-03-01T12:00:00Z",
            )
    _, text = await client.get("/notifications")
    assert nav_link(text) == "Notifications (55 unread)"
    assert "peer54.example asks to follow the group" in text
    assert "peer4.example asks" not in text
    older = re.search(r'href="(/notifications\?before=\d+)"', text)
    assert older
    _, text = await client.get(older.group(1))
    assert "peer4.example asks to follow the group" in text and "peer54.example" not in text
    _checks(text, CSS)


PREFERENCES = "/notifications/preferences"
GOOD = [
    ("events", "claim.received"),
    ("events", "item.expiring"),
    ("channels", "in-app"),
    ("channels", "email"),
    ("email", "ana@food.example"),
    ("quiet_start", "22:00"),
    ("quiet_end", "7:00"),
    ("timezone", "Europe/Madrid"),
    ("language", "es"),
]
BAD_QUIET = [
    ("25:00", "07:00"),
    ("22:00", ""),
    ("", "07:00"),
    ("soon", "07:00"),
    ("08:00", "08:00"),
    ("22:00:00", "07:00"),
]


def _with(pairs: list[tuple[str, str]], **changes: str) -> list[tuple[str, str]]:
    kept = [(name, value) for name, value in pairs if name not in changes]
    return kept + list(changes.items())


async def test_preferences_are_saved_whole(pages: Any) -> None:
    client: Pages = await pages()
    service = client.node.services.notifications
    account = await client.node.services.store.reader.accounts.account_by_username("ana")
    assert account is not None
    response, text = await client.get(PREFERENCES)
    assert response.status == 200 and "Notification preferences" in text
    assert 'id="f-events-claim.received" name="events" value="claim.received" checked' in text
    assert "key.changed" not in text, "admins' events are not offered to coordinators"
    _checks(text, CSS)

    status, _ = await post_pairs(client, PREFERENCES, GOOD)
    assert status == 303
    prefs = await service.preferences(account.id)
    assert [k.value for k in prefs.events] == ["claim.received", "item.expiring"]
    assert prefs.channels == ("in-app", "email") and prefs.email == "ana@food.example"
    assert not prefs.digest and (prefs.quiet_start, prefs.quiet_end) == ("22:00", "07:00")
    assert prefs.timezone == "Europe/Madrid" and prefs.language == "es"
    _, text = await client.get(f"{PREFERENCES}?done=preferences")
    assert "Notification preferences saved." in text
    assert 'value="07:00"' in text and 'value="Europe/Madrid"' in text
    assert 'value="claim.answered" checked' not in text
    assert 'id="f-digest" name="digest">' in text, "the digest stays unchecked"

    status, _ = await post_pairs(
        client, PREFERENCES, _with(GOOD, quiet_start="", quiet_end="", digest="on")
    )
    assert status == 303
    saved = await service.preferences(account.id)
    assert saved.quiet_start is None and saved.quiet_end is None and saved.digest


async def test_bad_preferences_show_a_message_and_save_nothing(pages: Any) -> None:
    client: Pages = await pages()
    service = client.node.services.notifications
    account = await client.node.services.store.reader.accounts.account_by_username("ana")
    assert account is not None
    assert await post_pairs(client, PREFERENCES, GOOD) == (303, "")
    before = await service.preferences(account.id)
    for start, end in BAD_QUIET:
        status, text = await post_pairs(
            client, PREFERENCES, _with(GOOD, quiet_start=start, quiet_end=end, email="b@c.example")
        )
        assert status == 422, (start, end)
        assert "1 problem needs fixing; nothing was saved." in text
        assert "Give both times of the quiet hours as HH:MM" in text
        assert 'href="#f-quiet_start"' in text and 'aria-invalid="true"' in text
        assert f'value="{start}"' in text and 'value="b@c.example"' in text, "kept as typed"
        _checks(text, CSS)
    for changes, message in [
        ({"timezone": "Mars/Olympus"}, "Write a time zone like Europe/Madrid"),
        ({"timezone": "../../etc/passwd"}, "Write a time zone like Europe/Madrid"),
        ({"email": "not an address"}, "Write an email address like name@example.org"),
        ({"language": "fr"}, "Choose a language from the list."),
    ]:
        status, text = await post_pairs(client, PREFERENCES, _with(GOOD, **changes))
        assert status == 422 and message in text, changes
    status, text = await post_pairs(
        client, PREFERENCES, [*GOOD, ("events", "key.changed"), ("channels", "webhook")]
    )
    assert status == 422 and "2 problems need fixing" in text
    assert "Choose events from the list." in text and "Choose channels from the list." in text
    status, text = await post_pairs(
        client, PREFERENCES, _with(GOOD, quiet_end="7"), headers={"Accept-Language": "es"}
    )
    assert status == 422 and "no se guardó nada" in text
    assert await service.preferences(account.id) == before


async def test_admins_may_choose_the_nodes_health_events(pages: Any) -> None:
    client: Pages = await pages(ADMIN)
    _, text = await client.get(PREFERENCES)
    assert 'value="key.changed"' in text and 'value="notice.failed"' in text
    pairs = [
        ("events", "key.changed"),
        ("channels", "in-app"),
        ("timezone", "UTC"),
        ("language", "en"),
    ]
    assert (await post_pairs(client, PREFERENCES, pairs))[0] == 303
    account = await client.node.services.store.reader.accounts.account_by_username("root")
    assert account is not None
    prefs = await client.node.services.notifications.preferences(account.id)
    assert prefs.events == (Kind.KEY_CHANGED,) and prefs.channels == ("in-app",)


@pytest.fixture
async def hook(make_peer: PeerFactory) -> AsyncIterator[list[int]]:
    """A webhook receiver on the peers' spare allowlisted port; answers the given statuses."""
    statuses: list[int] = []

    async def receive(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=statuses.pop(0) if statuses else 204)

    app = web.Application()
    app.router.add_post("/hook", receive)
    server = TestServer(app, host="127.0.0.1", port=make_peer.spare_port)  # type: ignore[attr-defined]
    await server.start_server()
    yield statuses
    await server.close()


async def test_admins_see_webhook_endpoints_and_their_history(
    make_peer: PeerFactory, hook: list[int]
) -> None:
    food = await make_peer("foodbank", "Eastside Food Bank")
    url = f"http://127.0.0.1:{make_peer.spare_port}/hook"  # type: ignore[attr-defined]
    created = await food.call(
        "POST",
        "/api/v1/admin/webhooks",
        {
            "url": url,
            "events": ["claim.received", "key.changed"],
            "description": "Chat bridge",
        },
        role=ADMIN,
        expect=201,
    )
    one = f"/api/v1/admin/webhooks/{created['id']}"
    hook.extend([500, 204])
    await food.call("POST", f"{one}/test", role=ADMIN, expect=201)
    await food.call("POST", f"{one}/test", role=ADMIN, expect=201)
    assert await sweeps(food).sender.run_once() == 2

    coordinator = await signed_in(food, "ana")
    response, text = await coordinator.get("/admin/webhooks")
    assert response.status == 403 and "Only an admin can open this page." in text
    assert "Chat bridge" not in text and url not in text
    _, text = await coordinator.get("/")
    assert "/admin/webhooks" not in text

    admin = await signed_in(food, "root", ADMIN)
    _, text = await admin.get("/admin/")
    assert 'href="/admin/webhooks"' in text
    response, text = await admin.get("/admin/webhooks")
    assert response.status == 200
    assert "Chat bridge" in text and f"<code>{url}</code>" in text
    assert "Another group claims one of our offers or requests; A peer's key changed" in text
    assert "secret" not in text.lower() and "whsec_" not in text
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", text, re.S)
    assert len(rows) == 2
    newest, oldest = (" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows)
    assert "Test call" in newest and "Call delivered" in newest and "HTTP 204" in newest
    assert "Waiting or retrying" in oldest and "HTTP 500" in oldest and "next try" in oldest
    assert " 1 HTTP 500" in oldest, "one attempt so far"
    history = (await food.call("GET", f"{one}/deliveries", role=ADMIN))["deliveries"]
    assert history[-1]["last_error"] and history[-1]["last_error"] in oldest
    _checks(text, CSS)
    _, text = await admin.get("/admin/webhooks", headers={"Accept-Language": "es"})
    assert "Llamada entregada" in text and "Esperando o reintentando" in text
