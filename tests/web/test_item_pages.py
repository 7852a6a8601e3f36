"""Posting, editing and acting on our own offers and requests through the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from schemas.vocab import Purpose, Status
from tests.web.conftest import Pages

OFFER = {
    "title": "Rice, 20 kg",
    "category": "food",
    "amount": "20",
    "unit": "kilogram",
    "urgency": "within-3-5-days",
    "visibility": "public",
    "action": "transfer",
    "location_mode": "point",
    "latitude": "40.71234",
    "longitude": "-74.00567",
    "contact": "Maria, 555-0100",
    "notes": "back door",
}


async def _post(client: Pages, purpose: str = "offer", **fields: str) -> str:
    response, text = await client.post(f"/items/new/{purpose}", {**OFFER, **fields})
    assert response.status == 303, text
    return response.headers["Location"].split("?")[0]


async def test_posting_an_offer_snaps_the_point_and_keeps_contact_local(pages: Any) -> None:
    client: Pages = await pages()
    path = await _post(client)
    item_id = path.rsplit("/", 1)[1]
    item = await client.node.services.items.get(Purpose.OFFER, item_id, signed_in=True)
    assert (item.title, item.quantity, item.unit.value) == ("Rice, 20 kg", 20, "kilogram")
    assert item.place is not None and item.place.latitude != 40.71234, "the point is snapped"
    response, text = await client.get(path)
    assert response.status == 200
    assert "Rice, 20 kg" in text and "Maria, 555-0100" in text and "Private details" in text
    wire = {"Accept": "application/activity+json"}
    public = await client.node.client.get(f"/offers/{item_id}", headers=wire)
    assert "555-0100" not in await public.text()


async def test_bad_input_shows_every_problem_and_saves_nothing(pages: Any) -> None:
    client: Pages = await pages()
    before = client.node.dump()
    response, text = await client.post(
        "/items/new/offer",
        {
            **OFFER,
            "title": "",
            "amount": "-3",
            "minimum": "abc",
            "latitude": "95",
            "begins_on": "2026-03-10",
            "ends_on": "2026-03-05",
        },
    )
    assert response.status == 422
    assert "problems need fixing; nothing was saved" in text
    for message in (
        "Give a title of 1 to 200 characters.",
        "Enter a quantity greater than 0.",
        "The minimum must be greater than 0",
        "give both latitude",
        "The end date must be after the start date",
    ):
        assert message in text, message
    assert 'aria-invalid="true"' in text and 'value="-3"' in text, "what was typed stays"
    assert client.node.dump() == before


async def test_a_service_refusal_is_shown_on_the_form(pages: Any) -> None:
    client: Pages = await pages()
    before = client.node.dump()
    response, text = await client.post("/items/new/offer", {**OFFER, "ends_on": "2026-02-01"})
    assert response.status == 422
    assert "The end date must be after the start date and in the future." in text
    assert client.node.dump() == before


async def test_edit_close_renew_and_publish(pages: Any) -> None:
    client: Pages = await pages()
    path = await _post(client, "request", title="Insulin pens", category="medical", draft="on")
    items = client.node.services.items
    item_id = path.rsplit("/", 1)[1]
    assert (await items.get(Purpose.REQUEST, item_id, signed_in=True)).status is Status.DRAFT
    response, text = await client.get(f"{path}/edit")
    assert 'value="Insulin pens"' in text and "Maria, 555-0100" in text
    response, _ = await client.post(
        f"{path}/edit", {**OFFER, "title": "Insulin pens (10)", "category": "medical"}
    )
    assert response.status == 303
    assert (await client.post(f"{path}/publish", {}))[0].status == 303
    item = await items.get(Purpose.REQUEST, item_id, signed_in=True)
    assert (item.title, item.status) == ("Insulin pens (10)", Status.OPEN)
    ends = (client.node.clock.now() + timedelta(days=30)).date().isoformat()
    assert (await client.post(f"{path}/renew", {"ends_on": ends}))[0].status == 303
    assert (
        await items.get(Purpose.REQUEST, item_id, signed_in=True)
    ).ends_at.date().isoformat() == ends  # type: ignore[union-attr]
    assert (await client.post(f"{path}/close", {"reason": "fulfilled-elsewhere"}))[0].status == 303
    item = await items.get(Purpose.REQUEST, item_id, signed_in=True)
    assert item.status is Status.CLOSED
    _, text = await client.get(path)
    assert "Fulfilled elsewhere" in text and f"{path}/edit" not in text


async def test_refusals_of_actions_render_as_pages(pages: Any) -> None:
    client: Pages = await pages()
    path = await _post(client)
    await client.post(f"{path}/close", {"reason": "withdrawn"})
    response, text = await client.post(f"{path}/publish", {})
    assert response.status == 409
    assert "That change is not possible in the item&#39;s current state." in text
    response, text = await client.get("/items/offers/no-such-item")
    assert response.status == 404 and "That item is not here" in text


async def test_dashboard_lists_our_items_and_what_ends_soon(pages: Any) -> None:
    client: Pages = await pages()
    await _post(client, title="Bread today", ends_on=client.node.clock.now().date().isoformat())
    await _post(client, "request", title="Tents", category="shelter")
    _, text = await client.get("/")
    expiring = text.split('id="expiring-h"')[1].split("</section>")[0]
    assert "Bread today" in expiring and "Tents" not in expiring
    assert "Tents" in text.split('id="requests-h"')[1]


async def test_feed_shows_ours_with_filters(pages: Any) -> None:
    client: Pages = await pages()
    await _post(client, title="Rice")
    await _post(client, "request", title="Tents", category="shelter")
    _, text = await client.get("/feed?purpose=request")
    assert "Tents" in text and "Rice" not in text
    _, text = await client.get("/feed?category=food&sort=urgency")
    assert "Rice" in text and "Tents" not in text
    response, text = await client.get("/feed?sort=sideways&radius_km=-1")
    assert response.status == 200 and "Some filters were not valid" in text
