"""The status lifecycle: legal moves, illegal ones (409), expiry and renewal."""

from __future__ import annotations

from datetime import timedelta

from node.workers import ExpirySweep
from tests.conftest import Node


async def _close(node: Node, item_id: str, reason: str, expect: int) -> dict[str, object]:
    result: dict[str, object] = await node.call(
        "POST", f"/api/v1/offers/{item_id}/close", {"reason": reason}, expect=expect
    )
    return result


async def test_closed_items_are_final(node: Node) -> None:
    offer = await node.offer()
    await _close(node, offer["id"], "withdrawn", 200)
    before = node.dump()
    problem = await _close(node, offer["id"], "fulfilled", 409)
    assert problem["reason"] == "illegal-transition"
    await node.call("PATCH", f"/api/v1/offers/{offer['id']}", {"title": "x"}, expect=409)
    await node.call("POST", f"/api/v1/offers/{offer['id']}/renew", {}, expect=409)
    await node.call("POST", f"/api/v1/offers/{offer['id']}/publish", expect=409)
    assert node.dump() == before


async def test_publish_only_drafts(node: Node) -> None:
    offer = await node.offer()
    problem = await node.call("POST", f"/api/v1/offers/{offer['id']}/publish", expect=409)
    assert problem["reason"] == "illegal-transition"


async def test_expiry_then_renewal(node: Node) -> None:
    soon = await node.offer(ends_at="2026-03-02T12:00:00Z")
    later = await node.offer(ends_at="2026-03-09T12:00:00Z")
    recurring = await node.offer(recurring=True)
    assert recurring["ends_at"] is None
    sweep = ExpirySweep(node.services.items)

    assert await sweep.run_once() == 0
    node.clock.advance(timedelta(days=1))
    assert await sweep.run_once() == 1
    assert await sweep.run_once() == 0, "expiry runs once per item"

    expired = await node.call("GET", f"/api/v1/offers/{soon['id']}", expect=200)
    assert expired["status"] == "expired"
    still = await node.call("GET", f"/api/v1/offers/{later['id']}", expect=200)
    assert still["status"] == "open"
    listed = await node.call("GET", "/api/v1/offers?status=open", expect=200)
    assert {i["id"] for i in listed["items"]} == {later["id"], recurring["id"]}

    await node.call("PATCH", f"/api/v1/offers/{soon['id']}", {"title": "x"}, expect=409)
    renewed = await node.call("POST", f"/api/v1/offers/{soon['id']}/renew", {}, expect=200)
    assert renewed["status"] == "open"
    assert renewed["ends_at"] == "2026-03-16T12:00:00Z", "renewal adds the default validity"


async def test_renewal_into_the_past_is_refused(node: Node) -> None:
    offer = await node.offer()
    problem = await node.call(
        "POST",
        f"/api/v1/offers/{offer['id']}/renew",
        {"ends_at": "2026-01-01T00:00:00Z"},
        expect=422,
    )
    assert problem["errors"][0]["field"] == "ends_at"
