"""The offers and requests API: every endpoint's happy path, filters and paging."""

from __future__ import annotations

import pytest

from schemas.vocab import Role
from tests.conftest import Node


@pytest.mark.parametrize("kind", ["offers", "requests"])
async def test_post_then_read_back(node: Node, kind: str) -> None:
    body = {
        "title": "Drinking water",
        "description": "Sealed 5 l bottles",
        "translations": {"es": {"title": "Agua potable", "description": "Botellas de 5 l"}},
        "category": "water",
        "item_spec": "5 l bottles",
        "quantity": {"amount": 40, "unit": "litre", "minimum": 5},
        "unit_based": True,
        "urgency": "within-1-2-days",
        "location": {"latitude": 40.7, "longitude": -73.9},
        "ends_at": "2026-03-05T12:00:00Z",
        "private": {"contact": "call Ana on 555-0100", "notes": "side door"},
    }
    created = await node.call("POST", f"/api/v1/{kind}", body, expect=201)
    assert created["purpose"] == kind[:-1]
    assert created["url"] == f"http://node.test/{kind}/{created['id']}"
    assert created["status"] == "open"
    assert created["quantity"] == {"amount": 40, "available": 40, "minimum": 5, "unit": "litre"}
    assert created["translations"]["es"]["title"] == "Agua potable"
    assert created["private"]["contact"] == "call Ana on 555-0100"
    assert created["location"]["precision"] == "grid-5km"

    anonymous = await node.call("GET", f"/api/v1/{kind}/{created['id']}", role=None, expect=200)
    assert anonymous["private"] is None, "contact details are never shown without a token"
    assert {k: v for k, v in anonymous.items() if k != "private"} == {
        k: v for k, v in created.items() if k != "private"
    }
    listed = await node.call("GET", f"/api/v1/{kind}", role=None, expect=200)
    assert [item["id"] for item in listed["items"]] == [created["id"]]


async def test_offers_and_requests_are_separate(node: Node) -> None:
    offer = await node.offer()
    await node.call("GET", f"/api/v1/requests/{offer['id']}", role=None, expect=404)
    listed = await node.call("GET", "/api/v1/requests", role=None, expect=200)
    assert listed["items"] == []


async def test_defaults(node: Node) -> None:
    offer = await node.offer()
    assert offer["quantity"] == {"amount": 1, "available": 1, "minimum": None, "unit": "one"}
    assert offer["urgency"] == "anytime"
    assert offer["visibility"] == "public"
    assert offer["language"] == "en"
    assert offer["begins_at"] == "2026-03-01T12:00:00Z"
    assert offer["ends_at"] == "2026-03-15T12:00:00Z", "default validity is 14 days"


async def test_update_changes_only_given_fields(node: Node) -> None:
    offer = await node.offer(description="Brown rice", urgency="within-a-week")
    updated = await node.call(
        "PATCH", f"/api/v1/offers/{offer['id']}", {"title": "Rice, 25 kg"}, expect=200
    )
    assert updated["title"] == "Rice, 25 kg"
    assert updated["description"] == "Brown rice"
    assert updated["urgency"] == "within-a-week"
    assert updated["version"] == offer["version"] + 1


async def test_update_private_details(node: Node) -> None:
    offer = await node.offer(private={"contact": "old", "notes": "n"})
    updated = await node.call(
        "PATCH", f"/api/v1/offers/{offer['id']}", {"private": {"contact": "new"}}, expect=200
    )
    assert updated["private"]["contact"] == "new"


async def test_close_renew_publish_delete(node: Node) -> None:
    draft = await node.offer(draft=True)
    assert draft["status"] == "draft"
    await node.call("GET", f"/api/v1/offers/{draft['id']}", role=None, expect=404)
    published = await node.call("POST", f"/api/v1/offers/{draft['id']}/publish", expect=200)
    assert published["status"] == "open"

    renewed = await node.call(
        "POST",
        f"/api/v1/offers/{draft['id']}/renew",
        {"ends_at": "2026-04-01T00:00:00Z"},
        expect=200,
    )
    assert renewed["ends_at"] == "2026-04-01T00:00:00Z"
    closed = await node.call(
        "POST",
        f"/api/v1/offers/{draft['id']}/close",
        {"reason": "fulfilled-elsewhere"},
        expect=200,
    )
    assert (closed["status"], closed["close_reason"]) == ("closed", "fulfilled-elsewhere")
    assert closed["closed_at"] == "2026-03-01T12:00:00Z"
    fulfilled = await node.offer()
    done = await node.call(
        "POST", f"/api/v1/offers/{fulfilled['id']}/close", {"reason": "fulfilled"}, expect=200
    )
    assert done["status"] == "fulfilled"

    await node.call("DELETE", f"/api/v1/offers/{draft['id']}", expect=204)
    await node.call("GET", f"/api/v1/offers/{draft['id']}", expect=404)


async def test_non_public_items_need_a_token(node: Node) -> None:
    hidden = await node.offer(visibility="followers")
    await node.offer(title="Public soup")
    await node.call("GET", f"/api/v1/offers/{hidden['id']}", role=None, expect=404)
    anonymous = await node.call("GET", "/api/v1/offers", role=None, expect=200)
    assert [i["title"] for i in anonymous["items"]] == ["Public soup"]
    signed_in = await node.call("GET", "/api/v1/offers", expect=200)
    assert len(signed_in["items"]) == 2


async def test_filters(node: Node) -> None:
    rice = await node.offer(
        title="Rice", urgency="within-1-2-days", location={"latitude": 51.5, "longitude": -0.12}
    )
    blankets = await node.offer(
        title="Wool blankets",
        category="household",
        location={"latitude": 53.48, "longitude": -2.24},
    )
    await node.call(
        "POST", f"/api/v1/offers/{blankets['id']}/close", {"reason": "duplicate"}, expect=200
    )

    async def ids(query: str) -> list[str]:
        page = await node.call("GET", f"/api/v1/offers?{query}", expect=200)
        return [item["id"] for item in page["items"]]

    assert await ids("category=food") == [rice["id"]]
    assert await ids("category=food,household") == [blankets["id"], rice["id"]]
    assert await ids("status=closed") == [blankets["id"]]
    assert await ids("urgency=within-1-2-days") == [rice["id"]]
    assert await ids("text=blank") == [blankets["id"]], "prefix search on words"
    assert await ids("text=wool%20blankets") == [blankets["id"]]
    assert await ids("text=%22OR%22") == [], "user text is never FTS syntax"
    assert await ids("near=51.51,-0.1&radius_km=20") == [rice["id"]]
    assert await ids("near=52.5,-1.2&radius_km=20") == []


async def test_paging_is_newest_first_and_stable(node: Node) -> None:
    made = [(await node.offer(title=f"Item {n}"))["id"] for n in range(5)]
    first = await node.call("GET", "/api/v1/offers?limit=2", expect=200)
    assert [i["id"] for i in first["items"]] == made[::-1][:2]
    await node.offer(title="Newer")  # does not shift the following pages
    second = await node.call(
        "GET", f"/api/v1/offers?limit=2&cursor={first['next_cursor']}", expect=200
    )
    third = await node.call(
        "GET", f"/api/v1/offers?limit=2&cursor={second['next_cursor']}", expect=200
    )
    assert [i["id"] for i in second["items"] + third["items"]] == made[::-1][2:]
    assert third["next_cursor"] is None


async def test_categories_and_node(node: Node) -> None:
    categories = await node.call("GET", "/api/v1/categories", role=None, expect=200)
    codes = [c["code"] for c in categories["categories"]]
    assert codes == [
        "food",
        "water",
        "hygiene",
        "shelter",
        "household",
        "medical",
        "transport",
        "energy-comms",
        "care",
        "skills",
        "time",
        "cash",
        "other",
    ]
    food = categories["categories"][0]
    assert food["iri"] == "https://w3id.org/solidarity-node/taxonomy#food"
    assert food["related"] == ["water"]

    await node.offer()
    await node.offer(draft=True)
    info = await node.call("GET", "/api/v1/node", role=None, expect=200)
    assert info["name"] == "Eastside Mutual Aid"
    assert info["actor"] == "http://node.test/actor"
    assert (info["open_offers"], info["open_requests"]) == (1, 0)


async def test_accounts_and_sign_in(node: Node) -> None:
    account = {"username": "ana", "password": "correct horse battery", "role": "coordinator"}
    created = await node.call("POST", "/api/v1/accounts", account, role=Role.ADMIN, expect=201)
    assert created["username"] == "ana"
    await node.call("POST", "/api/v1/accounts", account, role=Role.ADMIN, expect=409)
    token = await node.call(
        "POST",
        "/api/v1/tokens",
        {"username": "ana", "password": "correct horse battery"},
        role=None,
        expect=201,
    )
    assert token["role"] == "coordinator"
    response = await node.client.post(
        "/api/v1/offers",
        json={"title": "Tea", "category": "food"},
        headers={"Authorization": f"Bearer {token['token']}"},
    )
    assert response.status == 201
