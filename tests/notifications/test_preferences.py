"""Preferences per user: defaults by role, events and channels honoured, quiet hours
postpone (never drop), and the in-app list with unread counts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from node.domain.notifications.preferences import quiet_until
from schemas.vocab import Role
from tests.notifications import seed
from tests.notifications.conftest import Mailbox, NoticeNode

PREFS = "/api/v1/notifications/preferences"


async def test_defaults_differ_by_role(notice_node: NoticeNode) -> None:
    coordinator = await notice_node.user("ana")
    admin = await notice_node.user("root", Role.ADMIN)
    mine = await notice_node.as_user(coordinator, "GET", PREFS)
    assert mine["events"] == [
        "claim.received",
        "claim.answered",
        "match.suggested",
        "item.expiring",
    ]
    assert "follow.requested" not in mine["available_events"]
    assert (mine["email"], mine["digest"], mine["quiet_hours"]) == ("", True, None)
    theirs = await notice_node.as_user(admin, "GET", PREFS)
    assert {"follow.requested", "key.changed", "delivery.failing"} <= set(theirs["events"])
    assert (mine["language"], theirs["timezone"]) == ("en", "UTC")


async def test_invalid_preferences_are_refused(notice_node: NoticeNode) -> None:
    ana = await notice_node.user("ana")
    for body, field in (
        ({"events": ["key.changed"]}, "events"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours.start"),
        ({"email": "not an address"}, "email"),
        ({"language": "fr"}, "language"),
    ):
        problem = await notice_node.as_user(ana, "PATCH", PREFS, body, expect=422)
        assert field in {e["field"] for e in problem["errors"]}, problem
    # A token without an account has no preferences and no list.
    problem = await notice_node.call("GET", PREFS, expect=403)
    assert problem["reason"] == "account-required"


async def test_events_and_channels_are_honoured(notice_node: NoticeNode, mailbox: Mailbox) -> None:
    mails = await notice_node.user("mails", email="mails@example.org")
    quiet = await notice_node.user("quiet", email="quiet@example.org", channels=["in-app"])
    picky = await notice_node.user("picky", email="picky@example.org", events=["item.expiring"])
    admin = await notice_node.user(
        "root", Role.ADMIN, email="root@example.org", events=["follow.requested"]
    )
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node)
    await seed.incoming_claim(notice_node, offer["id"])
    await seed.follow_request(notice_node)

    await notice_node.step()

    assert sorted(m["To"] for m in mailbox.messages) == ["mails@example.org", "root@example.org"]
    kinds = {}
    for name, headers in (("mails", mails), ("quiet", quiet), ("picky", picky), ("root", admin)):
        listed = await notice_node.as_user(headers, "GET", "/api/v1/notifications")
        kinds[name] = [n["kind"] for n in listed["notifications"]]
    assert kinds == {
        "mails": ["claim.received"],
        "quiet": ["claim.received"],
        "picky": [],
        "root": ["follow.requested"],
    }


async def test_quiet_hours_postpone_mail_until_they_end(
    notice_node: NoticeNode, mailbox: Mailbox
) -> None:
    # 12:00 UTC is 13:00 in Madrid (CET): inside quiet hours 12:30-14:00 local.
    await notice_node.user(
        "ana",
        email="ana@example.org",
        timezone="Europe/Madrid",
        quiet_hours={"start": "12:30", "end": "14:00"},
    )
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node)
    await seed.incoming_claim(notice_node, offer["id"])

    await notice_node.step()
    assert mailbox.messages == []
    (row, history) = (await notice_node.services.notifications.history(channel="email"))[0]
    assert (row.state, row.last_error, row.attempts, history) == ("pending", "quiet-hours", 0, [])
    assert row.next_attempt_at == "2026-03-01T13:00:00Z", "14:00 in Madrid"

    notice_node.clock.advance(timedelta(minutes=59))
    await notice_node.send()
    assert mailbox.messages == []
    notice_node.clock.advance(timedelta(minutes=1))
    await notice_node.send()
    assert len(mailbox.messages) == 1, "postponed, not dropped"


def test_quiet_hours_across_midnight_and_outside() -> None:
    madrid = ZoneInfo("Europe/Madrid")
    night, morning = time(22, 0), time(7, 0)
    at = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 23:30 in Madrid
    assert quiet_until(at, night, morning, madrid) == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    at = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 in Madrid, same night
    assert quiet_until(at, night, morning, madrid) == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    at = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert quiet_until(at, night, morning, madrid) is None
    assert quiet_until(at, time(9, 0), time(9, 0), madrid) is None, "an empty window"


async def test_the_in_app_list_and_unread_counts(notice_node: NoticeNode) -> None:
    ana = await notice_node.user("ana", language="es")
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node, title="Arroz")
    for _ in range(3):
        await seed.incoming_claim(notice_node, offer["id"])
    await notice_node.scan()

    listed = await notice_node.as_user(ana, "GET", "/api/v1/notifications?limit=2")
    assert listed["unread"] == 3
    first, second = listed["notifications"]
    assert first["title"] == "Westside Pantry ha pedido 5 kg de «Arroz»"
    assert first["link"] == f"http://node.test/items/offers/{offer['id']}"
    older = await notice_node.as_user(
        ana, "GET", f"/api/v1/notifications?limit=2&before={listed['next_before']}"
    )
    assert len(older["notifications"]) == 1 and older["next_before"] is None

    done = await notice_node.as_user(
        ana, "POST", "/api/v1/notifications/read", {"ids": [first["id"]]}
    )
    assert done == {"unread": 2}
    unread = await notice_node.as_user(ana, "GET", "/api/v1/notifications?unread=true")
    assert second["id"] in [n["id"] for n in unread["notifications"]]
    assert first["id"] not in [n["id"] for n in unread["notifications"]]
    assert await notice_node.as_user(ana, "POST", "/api/v1/notifications/read", {"all": True}) == {
        "unread": 0
    }
    await notice_node.as_user(ana, "POST", "/api/v1/notifications/read", {}, expect=422)

    # Another user's notifications are neither listed nor marked.
    bob = await notice_node.user("bob")
    await notice_node.as_user(bob, "POST", "/api/v1/notifications/read", {"ids": [first["id"]]})
    assert (await notice_node.as_user(bob, "GET", "/api/v1/notifications"))["unread"] == 0
