"""A regional coalition and two groups on loopback: subscriptions with filters and
backfill, the regional feed, matches between groups, exports, expiry and referral."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from node.workers import ExpirySweep
from schemas.vocab import Role
from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.node.test_openapi import Checker

ADMIN = Role.ADMIN
NYC = {"latitude": 40.7128, "longitude": -74.006}
NEAR_NYC = {"latitude": 40.73, "longitude": -73.99}
BOSTON = {"latitude": 42.3601, "longitude": -71.0589}


async def _backfill(peer: Peer) -> None:
    for _ in range(20):
        await peer.federation.backfill.run_once()
        state = await peer.services.store.reader.backfills.next_pending()
        if state is None:
            return
    raise AssertionError("backfill did not finish")


async def _trust(node: Peer, other: Peer) -> None:
    await node.call(
        "PUT",
        f"/api/v1/admin/peers/{other.url.removeprefix('http://')}",
        {"level": "trusted"},
        role=ADMIN,
        expect=200,
    )


async def test_subscription_filters_and_backfill(make_peer: PeerFactory) -> None:
    food = await make_peer("foodbank", "Eastside Food Bank")
    coalition = await make_peer("coalition", "North Region Coalition")
    rice = await food.offer(title="Rice", category="food", location=NYC)
    await food.offer(title="Blankets", category="household", location=NYC)
    await food.offer(title="Bread in Boston", category="food", location=BOSTON)
    await food.call(
        "POST", "/api/v1/requests", {"title": "Drivers", "category": "transport"}, expect=201
    )
    for n in range(25):  # enough to need more than one outbox page
        await food.offer(title=f"Tins {n}", category="food", location=NYC)
    gone = await food.offer(title="Gone", category="food", location=NYC)
    await food.call("DELETE", f"/api/v1/offers/{gone['id']}", expect=204)

    doc = await coalition.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    subscribed = await Checker(coalition, doc)(
        "POST",
        "/api/v1/admin/following",
        "/api/v1/admin/following",
        {
            "target": food.handle,
            "purposes": ["offer"],
            "categories": ["food", "water"],
            "near": "40.7128,-74.006",
            "radius_km": 50,
        },
        role=ADMIN,
    )
    assert subscribed["state"] == "pending"
    await _backfill(coalition)
    stored = await coalition.services.store.reader.remote_items.live_ids()
    titles = {(await coalition.services.store.reader.remote_items.get(i)).title for i in stored}
    assert titles == {"Rice", *(f"Tins {n}" for n in range(25))}, "filters apply to the backfill"
    assert (await coalition.services.store.reader.remote_items.get(gone["url"])).deleted_at
    backfill = await coalition.services.store.reader.backfills.get(f"{food.url}/actor")
    assert backfill is not None
    assert (backfill.state, backfill.pages_done) == ("done", 2)

    await settle(food, coalition)
    await food.offer(title="Soap", category="hygiene", location=NYC)
    await food.offer(title="Water", category="water", location=NEAR_NYC)
    await settle(food, coalition)
    assert await coalition.services.store.reader.remote_items.get(rice["url"]) is not None
    outcomes = list((await coalition.services.store.reader.inbox.outcomes()).values())
    assert outcomes.count("dropped:outside-subscription") == 1
    assert outcomes.count("done:item-stored") == 1


async def _network(make_peer: PeerFactory) -> tuple[Peer, Peer, Peer]:
    food = await make_peer("foodbank", "Eastside Food Bank")
    clinic = await make_peer("clinic", "Clinic Mutual Aid")
    coalition = await make_peer("coalition", "North Region Coalition")
    for follower, followee in ((coalition, food), (coalition, clinic), (clinic, food)):
        await follower.call(
            "POST", "/api/v1/admin/following", {"target": followee.handle}, role=ADMIN, expect=201
        )
    await _trust(food, clinic)
    await settle(food, clinic, coalition)
    return food, clinic, coalition


async def test_feed_matches_exports_expiry_and_referral(make_peer: PeerFactory) -> None:
    food, clinic, coalition = await _network(make_peer)
    water = await food.offer(
        title="Bottled drinking water",
        category="water",
        location=NYC,
        quantity={"amount": 40, "unit": "litre"},
        ends_at="2026-03-03T12:00:00Z",
        private={"contact": "Ana 555-0100", "notes": "side door code 4411"},
    )
    await food.offer(title="Rice", category="food", location=BOSTON, urgency="anytime")
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
    await settle(food, clinic, coalition)

    doc = await coalition.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    check = Checker(coalition, doc)
    feed = await check("GET", "/api/v1/feed", "/api/v1/feed?sort=urgency")
    assert next(e["title"] for e in feed["entries"]) == "Drinking water for the clinic"
    by_title = {e["title"]: e for e in feed["entries"]}
    assert by_title["Rice"]["origin"] == {
        "actor": f"{food.url}/actor",
        "name": "Eastside Food Bank",
        "local": False,
    }
    near = await check(
        "GET", "/api/v1/feed", "/api/v1/feed?near=40.72,-74.0&radius_km=30&sort=distance"
    )
    assert {e["title"] for e in near["entries"]} == {
        "Bottled drinking water",
        "Drinking water for the clinic",
    }
    assert near["entries"][0]["distance_km"] <= near["entries"][1]["distance_km"]
    text = await coalition.call("GET", "/api/v1/feed?text=bottled&purpose=offer", expect=200)
    assert [e["title"] for e in text["entries"]] == ["Bottled drinking water"]
    soon = await coalition.call("GET", "/api/v1/feed?expiring_within_hours=48", expect=200)
    assert [e["title"] for e in soon["entries"]] == ["Bottled drinking water"]

    matches = await Checker(clinic, doc)(
        "GET", "/api/v1/requests/{id}/matches", f"/api/v1/requests/{need['id']}/matches"
    )
    best = matches["matches"][0]
    assert best["theirs"] == water["url"]
    assert best["factors"]["category"] == 1.0
    assert best["factors"]["quantity"] == 1.0
    everything = await Checker(clinic, doc)("GET", "/api/v1/matches", "/api/v1/matches")
    assert [m["theirs"] for m in everything["matches"]][:1] == [water["url"]]
    claim = await Checker(clinic, doc)(
        "POST",
        "/api/v1/matches/notify",
        "/api/v1/matches/notify",
        {"ours": need["url"], "theirs": water["url"]},
    )
    assert (claim["quantity"], claim["unit"]) == (10, "litre")
    await settle(food, clinic, coalition)
    assert len((await food.call("GET", "/api/v1/claims?direction=incoming"))["claims"]) == 1

    exported = await coalition.client.get("/api/v1/feed.csv", headers=coalition.headers())
    rows = list(csv.reader(io.StringIO(await exported.text())))
    assert rows[1][0].startswith("#"), "the second row holds HXL hashtags"
    as_json = await (
        await coalition.client.get("/api/v1/feed.json", headers=coalition.headers())
    ).text()
    atom = await (await food.client.get("/feed.atom")).text()
    assert "Bottled drinking water" in atom
    for export in (await exported.text(), as_json, atom, json.dumps(feed)):
        assert "555-0100" not in export
        assert "4411" not in export

    food.clock.advance(timedelta(days=2))
    assert await ExpirySweep(food.services.items).run_once() >= 1
    await settle(food, clinic, coalition)
    food.clock.advance(timedelta(days=-2))  # even with a clock before the end, it has left
    remote = await coalition.services.store.reader.remote_items.get(water["url"])
    assert remote.status == "expired"
    feed = await coalition.call("GET", "/api/v1/feed", expect=200)
    assert water["url"] not in {e["id"] for e in feed["entries"]}

    await _trust(food, clinic)
    referred = await clinic.call(
        "POST", f"/api/v1/requests/{need['id']}/refer", {"target": food.handle}, expect=201
    )
    assert referred["activity_id"].startswith(clinic.url)
    await settle(food, clinic, coalition)
    original = await clinic.call("GET", f"/api/v1/requests/{need['id']}", expect=200)
    assert (original["status"], original["close_reason"]) == ("closed", "referred")
    drafts = await food.call("GET", "/api/v1/requests?status=draft", expect=200)
    (copy,) = drafts["items"]
    assert copy["title"] == "Drinking water for the clinic"
    assert copy["referred_from"] == need["url"]
