"""Durability: notifications are rows, so a crash between enqueue and send loses
nothing and sends nothing twice; a failing mail server or webhook endpoint is
retried, reported, and never holds up the rest."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web
from aiohttp.test_utils import TestServer

from node.clock import to_text
from schemas.vocab import Role
from tests.notifications import seed
from tests.notifications.conftest import (
    Mailbox,
    NoticeNode,
    NoticeNodeFactory,
    Receiver,
    free_port,
)


async def claimed(node: NoticeNode) -> None:
    await seed.peer_actor(node)
    offer = await seed.item(node)
    await seed.incoming_claim(node, offer["id"])


async def test_a_crash_between_enqueue_and_send(
    make_notice_node: NoticeNodeFactory, mailbox: Mailbox, receiver: Receiver
) -> None:
    node: NoticeNode = await make_notice_node()
    ana = await node.user("ana", email="ana@example.org")
    await node.call(
        "POST",
        "/api/v1/admin/webhooks",
        {"url": receiver.url, "events": ["claim.received"]},
        role=Role.ADMIN,
        expect=201,
    )
    await claimed(node)
    assert await node.scan() == 3  # the list, the email, the webhook call
    assert mailbox.messages == [] and receiver.requests == []

    node = await make_notice_node.restart(node)  # type: ignore[attr-defined]
    assert await node.scan() == 0, "a restart and a rescan store nothing twice"
    assert await node.send() == 2
    assert len(mailbox.messages) == 1 and len(receiver.requests) == 1
    assert await node.send() == 0
    node = await make_notice_node.restart(node)  # type: ignore[attr-defined]
    await node.step()
    assert len(mailbox.messages) == 1 and len(receiver.requests) == 1, "sent exactly once"
    assert (await node.as_user(ana, "GET", "/api/v1/notifications"))["unread"] == 1


async def test_a_crash_during_send_retries_once_the_lock_lapses(
    make_notice_node: NoticeNodeFactory, mailbox: Mailbox
) -> None:
    node: NoticeNode = await make_notice_node()
    await node.user("ana", email="ana@example.org")
    await claimed(node)
    await node.scan()
    now = node.clock.now()
    async with node.services.store.transaction() as repos:  # taken, then the process died
        lock = to_text(now + timedelta(minutes=5))
        (row,) = await repos.notifications.claim_due(to_text(now), 10, lock)

    node = await make_notice_node.restart(node)  # type: ignore[attr-defined]
    assert await node.send() == 0, "still locked by the process that died"
    node.clock.advance(timedelta(minutes=5))
    assert await node.send() == 1
    assert await node.send() == 0
    (message,) = mailbox.messages
    assert message["Message-ID"] == f"<{row.message_id}@node.test>", "stable across retries"


async def test_a_failing_mail_server_is_retried_and_reported(
    notice_node: NoticeNode, mailbox: Mailbox
) -> None:
    root = await notice_node.user("root", Role.ADMIN, events=["notice.failed"])
    await notice_node.user("ana", email="ana@example.org")
    await claimed(notice_node)

    mailbox.refuse("451 4.3.0 Try again later")
    await notice_node.step()
    ((row, history),) = await notice_node.services.notifications.history(channel="email")
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, 451)
    assert [h.outcome for h in history] == ["retry"]
    assert await notice_node.send() == 0, "waits for its backoff"

    mailbox.refuse(None)
    mailbox.down()
    notice_node.clock.advance(timedelta(minutes=3))
    await notice_node.send()
    ((row, _),) = await notice_node.services.notifications.history(channel="email")
    assert row.state == "pending" and row.last_error.startswith("smtp-unreachable")

    mailbox.up()
    notice_node.clock.advance(timedelta(minutes=10))
    await notice_node.send()
    assert len(mailbox.messages) == 1
    ((row, history),) = await notice_node.services.notifications.history(channel="email")
    assert (row.state, [h.outcome for h in history]) == ("sent", ["retry", "retry", "sent"])

    # A permanent refusal fails at once, and the admins hear of it in their list.
    mailbox.refuse("550 5.1.1 No such mailbox")
    await claimed(notice_node)
    await notice_node.step()
    failed = await notice_node.call(
        "GET", "/api/v1/admin/notifications/deliveries?state=failed", role=Role.ADMIN, expect=200
    )
    (row_out,) = failed["deliveries"]
    assert (row_out["channel"], row_out["last_status"]) == ("email", 550)
    assert row_out["recipient"] == "account:2"
    listed = await notice_node.as_user(root, "GET", "/api/v1/notifications")
    (report,) = listed["notifications"]
    assert report["title"] == "A notification could not be sent (email)"
    assert report["lines"][0].startswith("To ana: recipient-refused")


async def test_transient_failures_give_up_after_a_day(
    notice_node: NoticeNode, mailbox: Mailbox
) -> None:
    await notice_node.user("ana", email="ana@example.org")
    await claimed(notice_node)
    mailbox.refuse("421 4.7.0 Busy")
    await notice_node.step()
    for _ in range(30):
        notice_node.clock.advance(timedelta(hours=2))
        await notice_node.send()
    ((row, history),) = await notice_node.services.notifications.history(channel="email")
    assert row.state == "failed" and history[-1].outcome == "failed"
    assert 2 <= row.attempts <= 12


async def test_a_hanging_webhook_does_not_hold_up_mail(
    make_notice_node: NoticeNodeFactory, mailbox: Mailbox
) -> None:
    hang = asyncio.Event()

    async def never(request: web.Request) -> web.Response:
        await hang.wait()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/slow", never)
    server = TestServer(app, host="127.0.0.1", port=free_port())
    await server.start_server()
    try:
        node: NoticeNode = await make_notice_node(
            private_address_allowlist=f"127.0.0.1:{server.port}"
        )
        node.sweeps.sender.poster.timeout = 0.3  # the default is 10 s
        await node.call(
            "POST",
            "/api/v1/admin/webhooks",
            {"url": f"http://127.0.0.1:{server.port}/slow", "events": ["claim.received"]},
            role=Role.ADMIN,
            expect=201,
        )
        await node.user("ana", email="ana@example.org")
        await claimed(node)
        await node.step()
        assert len(mailbox.messages) == 1, "mail went out while the endpoint hung"
        ((row, history),) = await node.services.notifications.history(channel="webhook")
        assert (row.state, row.last_error, history[0].outcome) == ("pending", "timeout", "retry")
    finally:
        hang.set()
        await server.close()
