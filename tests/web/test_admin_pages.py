"""Admin pages: trust levels, follow requests, blocklist dry run, delivery health,
moderation and the audit log."""

from __future__ import annotations

from typing import Any

from node.clock import to_text
from node.domain.trust import Level
from node.storage.follows import Follower
from schemas.vocab import Role
from tests.web.conftest import Pages, add_peer_item

CSV = (
    "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
    "spam.example,suspend,false,false,spam,false\n"
    "noisy.example,silence,true,false,,false\n"
)


async def test_setting_a_trust_level_is_audited(pages: Any) -> None:
    client: Pages = await pages(Role.ADMIN)
    response, _ = await client.post(
        "/admin/peers", {"host": "Food.Example", "level": "partner", "reason": "coalition member"}
    )
    assert response.status == 303
    assert await client.node.services.trust.level("food.example") is Level.PARTNER
    _, text = await client.get("/admin/peers")
    assert "food.example" in text
    _, text = await client.get("/admin/audit?subject=food.example")
    assert "peer.level" in text and "coalition member" in text
    response, text = await client.post("/admin/peers", {"host": "not a host!", "level": "trusted"})
    assert response.status == 422 and "That is not a host name." in text
    response, _ = await client.post("/admin/peers", {"host": "a.example", "level": "best"})
    assert response.status == 422


async def test_blocklist_dry_run_shows_the_diff_and_changes_nothing(pages: Any) -> None:
    client: Pages = await pages(Role.ADMIN)
    before = client.node.dump()
    response, text = await client.post("/admin/blocklist", {"format": "csv", "content": CSV})
    assert response.status == 200
    assert "2 to add, 0 to change, 0 already as listed." in text
    assert "spam.example" in text and "Import these changes" in text
    assert client.node.dump() == before
    response, _ = await client.post(
        "/admin/blocklist", {"format": "csv", "content": CSV, "apply": "yes"}
    )
    assert response.status == 303
    assert await client.node.services.trust.level("spam.example") is Level.BLOCKED
    assert await client.node.services.trust.level("noisy.example") is Level.LIMITED
    bad = {"format": "csv", "content": "#domain\n,,\n"}
    response, text = await client.post("/admin/blocklist", bad)
    assert response.status == 422 and "line" in text


async def test_follow_requests_can_be_approved(pages: Any) -> None:
    client: Pages = await pages(Role.ADMIN)
    actor = "https://clinic.example/actor"
    services = client.node.services
    async with services.store.transaction() as repos:
        await repos.follows.add_follower(
            Follower(
                actor, "https://clinic.example/inbox", None, "https://clinic.example/f/1", "pending"
            ),
            to_text(services.clock.now()),
        )
    _, text = await client.get("/admin/follow-requests")
    assert actor in text
    response, _ = await client.post("/admin/follow-requests/approve", {"actor": actor})
    assert response.status == 303
    _, text = await client.get("/admin/follow-requests")
    assert "No follow requests are waiting." in text
    response, text = await client.post("/admin/follow-requests/reject", {"actor": actor})
    assert response.status == 404 and "no longer waiting" in text


async def test_delivery_health_per_peer(pages: Any) -> None:
    client: Pages = await pages(Role.ADMIN)
    services = client.node.services
    now = to_text(services.clock.now())
    async with services.store.transaction() as repos:
        seq = await repos.outbox.add_activity(
            "https://node.test/a/1", "Create", None, True, "{}", now
        )
        await repos.outbox.add_deliveries(
            seq,
            [
                ("https://up.example/inbox", "up.example"),
                ("https://down.example/inbox", "down.example"),
            ],
            now,
        )
        jobs = await repos.outbox.claim_due(now, 10, now)
        down = next(job for job in jobs if job.host == "down.example")
        await repos.outbox.settle(
            down.id,
            state="pending",
            attempts=3,
            next_attempt_at=now,
            status=503,
            error="http-503",
            now=now,
        )
    _, text = await client.get("/admin/deliveries")
    rows = text.split("<tbody>")[1]
    assert rows.index("down.example") < rows.index("up.example"), "trouble first"
    assert "Failing" in rows and "http-503" in rows and "Waiting" in rows


async def test_moderation_queue_resolves_reports_and_hides_items(pages: Any) -> None:
    client: Pages = await pages(Role.ADMIN)
    services = client.node.services
    item = await add_peer_item(client.node)
    async with services.store.transaction() as repos:
        await repos.trust.add_report(
            "in",
            "https://peer.example/flag/1",
            "https://peer.example/actor",
            [item.id],
            "<script>x()</script>Spam offer",
            to_text(services.clock.now()),
        )
    _, text = await client.get("/admin/moderation")
    assert "Spam offer" in text and "<script>x()" not in text and "Mark resolved" in text
    report_id = (await services.store.reader.trust.reports())[0].id
    response, _ = await client.post(f"/admin/moderation/reports/{report_id}/resolve", {})
    assert response.status == 303
    assert (await services.store.reader.trust.reports())[0].state == "resolved"
    response, _ = await client.post("/admin/moderation/hide", {"item": item.id, "reason": "spam"})
    assert response.status == 303
    _, text = await client.get("/feed")
    assert "Blankets" not in text
