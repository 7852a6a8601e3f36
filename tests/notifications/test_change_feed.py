"""The scanner reads what changed from the change feed: a claim is noticed through
its event, the cursor moves with the rows it stored, and a scan after a crash
resumes where the last one stopped."""

from __future__ import annotations

from datetime import timedelta

from node.domain.notifications.scanner import CONSUMER, RECENT
from tests.notifications import seed
from tests.notifications.conftest import NoticeNode, NoticeNodeFactory


async def _position(node: NoticeNode) -> tuple[int, int]:
    events = node.services.store.reader.events
    return await events.position(CONSUMER), await events.last_id()


async def test_a_change_is_noticed_once_and_a_restart_resumes_after_it(
    make_notice_node: NoticeNodeFactory,
) -> None:
    node: NoticeNode = await make_notice_node()
    ana = await node.user("ana", channels=["in-app"])
    await seed.peer_actor(node)
    offer = await seed.item(node)
    await seed.incoming_claim(node, offer["id"])
    assert await node.scan() == 1
    position, last = await _position(node)
    assert position == last, "the cursor moved with the rows stored"

    node.clock.advance(RECENT + timedelta(minutes=1))
    node = await make_notice_node.restart(node)  # type: ignore[attr-defined]
    assert await node.scan() == 0
    # A claim that arrived while the node was down is noticed after the restart.
    await seed.incoming_claim(node, offer["id"])
    node = await make_notice_node.restart(node)  # type: ignore[attr-defined]
    assert await node.scan() == 1
    listed = await node.as_user(ana, "GET", "/api/v1/notifications")
    assert [n["kind"] for n in listed["notifications"]] == ["claim.received"] * 2
