"""Each event is derived from the database once: claims, answers, strong matches for
urgent items, items about to end, and the admins' follow requests, key changes and
failing peers. Coordinators never hear of the admins' events."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from schemas.vocab import Role
from tests.notifications import seed
from tests.notifications.conftest import NoticeNode


async def kinds(node: NoticeNode, headers: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    listed = await node.as_user(headers, "GET", "/api/v1/notifications?limit=200")
    return [(n["kind"], n) for n in reversed(listed["notifications"])]


async def test_answers_to_our_claims_each_notify_once(notice_node: NoticeNode) -> None:
    ana = await notice_node.user("ana")
    await seed.peer_actor(notice_node)
    await seed.trust_peer(notice_node)
    remote = await seed.peer_item(notice_node, title="Blankets")
    claim = await seed.outgoing_claim(
        notice_node, remote, "tentative", hold_until="2026-03-02T12:00:00Z"
    )
    await seed.outgoing_claim(notice_node, remote, "rejected", reason="all gone")
    await seed.outgoing_claim(notice_node, remote, "pending")
    await notice_node.scan()
    assert await notice_node.scan() == 0, "a second scan finds nothing new"

    # The hold becomes an acceptance: a new event for the same claim.
    notice_node.clock.advance(timedelta(minutes=30))
    async with notice_node.services.store.transaction() as repos:
        accepted = replace(claim, state="accepted", updated_at="2026-03-01T12:30:00Z")
        await repos.claims.save(accepted)
    await notice_node.scan()
    found = await kinds(notice_node, ana)
    titles = [n["title"] for kind, n in found if kind == "claim.answered"]
    assert sorted(titles[:2]) == [
        "Westside Pantry could not accept your claim on “Blankets”",
        "Westside Pantry is holding 5 kg of “Blankets” for you",
    ]
    assert titles[2:] == ["Westside Pantry accepted your claim on “Blankets”"]
    held = next(n for _, n in found if n["data"]["answer"] == "tentative")
    assert "The hold lasts until 2026-03-02 12:00 UTC." in held["lines"]
    assert held["link"] == f"http://node.test/feed/item?id={quote(remote.id, safe='')}"


async def test_strong_matches_for_urgent_items_only(notice_node: NoticeNode) -> None:
    ana = await notice_node.user("ana")
    await seed.peer_actor(notice_node)
    await seed.trust_peer(notice_node)
    await seed.peer_item(notice_node, "offer", "Rice from the west", latitude=40.4, longitude=-3.7)
    here = {"location": {"latitude": 40.4, "longitude": -3.7}}
    urgent = await seed.item(
        notice_node, "requests", title="Rice for 40 families", urgency="within-1-2-days", **here
    )
    await seed.item(notice_node, "requests", title="Rice, some day", urgency="anytime", **here)
    await seed.item(
        notice_node, "requests", title="Soap", category="hygiene", urgency="within-1-2-days"
    )
    await notice_node.scan()
    matched = [n for kind, n in await kinds(notice_node, ana) if kind == "match.suggested"]
    assert [n["data"]["ours"]["id"] for n in matched] == [urgent["id"]]
    (match,) = matched
    assert match["title"] == "A strong match for your urgent request “Rice for 40 families”"
    assert match["data"]["score"] >= 0.6
    assert await notice_node.scan() == 0


async def test_untrusted_peers_items_never_match(notice_node: NoticeNode) -> None:
    ana = await notice_node.user("ana")
    await seed.peer_item(notice_node, "offer", "Rice from nowhere")
    await seed.item(notice_node, "requests", title="Rice", urgency="within-1-2-days")
    await notice_node.scan()
    assert [k for k, _ in await kinds(notice_node, ana) if k == "match.suggested"] == []


async def test_items_ending_within_a_day_with_a_renew_action(notice_node: NoticeNode) -> None:
    ana = await notice_node.user("ana")
    soon = await seed.item(notice_node, ends_at="2026-03-02T06:00:00Z")
    await seed.item(notice_node, title="Later", ends_at="2026-03-05T06:00:00Z")
    await notice_node.scan()
    (expiring,) = [n for kind, n in await kinds(notice_node, ana) if kind == "item.expiring"]
    assert expiring["data"]["item"]["id"] == soon["id"]
    assert expiring["data"]["renew"] == {
        "method": "POST",
        "url": f"http://node.test/api/v1/offers/{soon['id']}/renew",
    }
    assert expiring["lines"] == ["It ends at 2026-03-02 06:00 UTC. Renew it if it is still needed."]

    # Renewed, it ends later; when that end approaches, that is a new event.
    await notice_node.call(
        "POST",
        f"/api/v1/offers/{soon['id']}/renew",
        {"ends_at": "2026-03-04T06:00:00Z"},
        expect=200,
    )
    await notice_node.scan()
    notice_node.clock.advance(timedelta(days=2))
    await notice_node.scan()
    ends = [
        n["data"]["item"]["ends_at"]
        for kind, n in await kinds(notice_node, ana)
        if kind == "item.expiring" and n["data"]["item"]["id"] == soon["id"]
    ]
    assert ends == ["2026-03-02T06:00:00Z", "2026-03-04T06:00:00Z"]


async def test_admins_hear_of_the_nodes_health_and_coordinators_do_not(
    notice_node: NoticeNode,
) -> None:
    ana = await notice_node.user("ana", events=["claim.received"])
    root = await notice_node.user("root", Role.ADMIN)
    await seed.follow_request(notice_node)
    await seed.key_changed(notice_node)
    await seed.failing_delivery(notice_node)
    await notice_node.scan()
    assert [k for k, _ in await kinds(notice_node, root)] == ["follow.requested", "key.changed"]

    # Failing for over a day since the first undelivered activity: now it is news.
    notice_node.clock.advance(timedelta(hours=25))
    await notice_node.scan()
    found = dict(await kinds(notice_node, root))
    failing = found["delivery.failing"]
    assert failing["title"] == "Deliveries to westside.test have failed for over a day"
    assert failing["link"] == "http://node.test/admin/deliveries"
    assert found["key.changed"]["data"]["host"] == "westside.test"
    assert await kinds(notice_node, ana) == []
    assert await notice_node.scan() == 0
