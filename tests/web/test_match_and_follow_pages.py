"""The dashboard's "Tell them" button (a claim on the peer, a notice naming it) and the
admin page of the peers we follow (subscribe with filters, bad input, unfollow, admins only)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import ClientResponse

from node.domain.subscriptions import SubscriptionFilter
from node.web import STATIC
from schemas.vocab import Role
from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.web.conftest import PASSWORD, Pages
from tests.web.test_safety import outline

NYC = {"latitude": 40.7128, "longitude": -74.006}
NEAR_NYC = {"latitude": 40.73, "longitude": -73.99}


async def _pages(peer: Peer, role: Role) -> Pages:
    name = f"{peer.services.settings.handle}-{role.value}"
    await peer.services.accounts.create_account(name, PASSWORD, role)
    client = Pages(peer)
    assert (await client.sign_in(name)).status == 303
    return client


def _fields(text: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(ours|theirs)" value="([^"]+)"', text))


async def _post_pairs(client: Pages, path: str, pairs: list[tuple[str, str]]) -> ClientResponse:
    """A form with repeated fields (checkboxes), which ``Pages.post`` cannot send."""
    token = await client.csrf("/admin/following")
    return await client.node.client.post(
        path, data=[("csrf", token), *pairs], allow_redirects=False
    )


def _checks(text: str, css: int) -> None:
    assert len(text.encode()) + css < 60 * 1024
    parsed = outline(text)
    unlabelled = [c for c in parsed.controls if c.get("id") not in parsed.labelled]
    assert not unlabelled, unlabelled
    assert "script" not in parsed.tags and parsed.tags.count("h1") == 1
    ids = [value for name, value in parsed.attributes if name == "id"]
    assert len(ids) == len(set(ids))


async def test_tell_them_sends_a_claim_to_the_other_group(make_peer: PeerFactory) -> None:
    food = await make_peer("foodbank", "Eastside Food Bank")
    clinic = await make_peer("clinic", "Clinic Mutual Aid")
    await clinic.services.follows.follow(food.handle)
    await food.call(
        "PUT",
        f"/api/v1/admin/peers/{clinic.url.removeprefix('http://')}",
        {"level": "trusted"},
        role=Role.ADMIN,
        expect=200,
    )
    await settle(food, clinic)
    water = await food.offer(
        title="Bottled drinking water",
        category="water",
        location=NYC,
        quantity={"amount": 40, "unit": "litre"},
    )
    await settle(food, clinic)
    need = await clinic.call(
        "POST",
        "/api/v1/requests",
        {
            "title": "Drinking water for the clinic",
            "category": "water",
            "location": NEAR_NYC,
            "quantity": {"amount": 10, "unit": "litre"},
            "urgency": "within-1-2-days",
        },
        expect=201,
    )
    pages = await _pages(clinic, Role.COORDINATOR)

    _, text = await pages.get("/")
    assert "Bottled drinking water" in text and "Tell them" in text
    assert _fields(text) == {"ours": need["url"], "theirs": water["url"]}
    _checks(text, len(STATIC["site.css"][0]))

    elsewhere = {"ours": need["url"], "theirs": "https://elsewhere.example/offers/9"}
    response, text = await pages.post("/matches/notify", elsewhere)
    assert response.status == 422
    assert "That is no longer a suggested match with another group." in text
    assert await clinic.services.store.reader.claims.find("outgoing") == []

    response, _ = await pages.post("/matches/notify", {"ours": need["url"], "theirs": water["url"]})
    assert response.status == 303
    location = response.headers["Location"]
    assert location.startswith("/?claim=") and "done=told" in location
    _, text = await pages.get(location)
    assert "Sent a claim for 10 litres to Eastside Food Bank." in text
    assert "Claim sent" in text and _fields(text) == {}, "told once, no second button"
    _, text = await pages.get(location, headers={"Accept-Language": "es"})
    assert "Se envió una solicitud de 10 litros a Eastside Food Bank." in text

    await settle(food, clinic)
    incoming = (await food.call("GET", "/api/v1/claims?direction=incoming"))["claims"]
    assert [(c["quantity"], c["unit"], c["state"]) for c in incoming] == [(10, "litre", "pending")]


async def test_following_with_filters_then_unfollow(make_peer: PeerFactory) -> None:
    food = await make_peer("foodbank", "Eastside Food Bank")
    clinic = await make_peer("clinic", "Clinic Mutual Aid")
    admin = await _pages(clinic, Role.ADMIN)
    _, text = await admin.get("/admin/")
    assert 'href="/admin/following"' in text and "Peers we follow" in text

    response = await _post_pairs(
        admin,
        "/admin/following",
        [
            ("target", food.handle),
            ("purpose", "offer"),
            ("category", "water"),
            ("category", "food"),
            ("latitude", "40,7"),
            ("longitude", "-74"),
            ("radius_km", "25"),
        ],
    )
    assert response.status == 303
    assert response.headers["Location"] == "/admin/following?done=subscribed"
    actor = f"{food.url}/actor"
    followee = await clinic.services.store.reader.follows.following(actor)
    assert followee is not None and followee.state == "pending"
    assert SubscriptionFilter.from_json(followee.filters) == SubscriptionFilter(
        purposes=("offer",), categories=("food", "water"), centre=(40.7, -74.0), radius_km=25.0
    )
    _, text = await admin.get(response.headers["Location"])
    assert "Follow request sent." in text and actor in text
    assert "Waiting for them to accept" in text
    assert "Kinds: Offer" in text and "Categories: Food, Drinking water" in text
    assert "Within 25 km of 40.7, -74" in text
    _checks(text, len(STATIC["site.css"][0]))
    _, text = await admin.get("/admin/following", headers={"Accept-Language": "es"})
    assert "Nodos que seguimos" in text and "Esperando que acepten" in text

    await settle(food, clinic)
    _, text = await admin.get("/admin/following")
    assert "Accepted" in text

    response, _ = await admin.post(
        "/admin/following/remove", {"actor": actor}, token_from="/admin/following"
    )
    assert response.status == 303
    assert await clinic.services.store.reader.follows.following(actor) is None
    _, text = await admin.get(response.headers["Location"])
    assert "No longer following that peer." in text and "We follow no peers yet." in text
    response, text = await admin.post(
        "/admin/following/remove", {"actor": actor}, token_from="/admin/following"
    )
    assert response.status == 404 and "We do not follow that peer." in text


BAD = [
    ({"latitude": "40.7", "longitude": "-74"}, "region"),
    ({"latitude": "95", "longitude": "-74", "radius_km": "10"}, "region"),
    ({"latitude": "40.7", "longitude": "-74", "radius_km": "0"}, "region"),
    ({"latitude": "north", "longitude": "-74", "radius_km": "10"}, "region"),
    ({"radius_km": "5000"}, "region"),
]


async def test_bad_input_shows_a_message_and_saves_nothing(pages: Any) -> None:
    client: Pages = await pages(Role.ADMIN)
    before = client.node.dump()
    for fields, _ in BAD:
        data = {"target": "food@peer.example", **fields}
        response, text = await client.post("/admin/following", data, token_from="/admin/following")
        assert response.status == 422, fields
        assert "nothing was saved" in text and "leave all three empty" in text
        assert 'aria-invalid="true"' in text and 'href="#f-latitude"' in text
        assert f'value="{fields.get("latitude", "")}"' in text, "what was typed is kept"
    response, text = await client.post(
        "/admin/following", {"target": "not a handle"}, token_from="/admin/following"
    )
    assert response.status == 422 and "like group@example.org" in text
    response = await _post_pairs(
        client,
        "/admin/following",
        [
            ("target", "a@b.example"),
            ("category", "water"),
            ("category", "weapons"),
            ("purpose", "gift"),
        ],
    )
    text = await response.text()
    assert response.status == 422 and "2 problems need fixing" in text
    response, text = await client.post(
        "/admin/following",
        {"target": "food@peer.example", "latitude": "40", "longitude": "-74"},
        headers={"Accept-Language": "es"},
        token_from="/admin/following",
    )
    assert response.status == 422 and "no se guardó nada" in text
    assert client.node.dump() == before
    assert await client.node.services.store.reader.follows.following_list() == []


async def test_only_admins_see_the_following_page(pages: Any) -> None:
    client: Pages = await pages(Role.COORDINATOR)
    response, text = await client.get("/admin/following")
    assert response.status == 403 and "Only an admin can open this page." in text
    response, _ = await client.post("/admin/following", {"target": "food@peer.example"})
    assert response.status == 403
    response, _ = await client.post("/admin/following/remove", {"actor": "https://x.example/a"})
    assert response.status == 403
    assert await client.node.services.store.reader.follows.following_list() == []
    _, text = await client.get("/")
    assert "/admin/following" not in text
