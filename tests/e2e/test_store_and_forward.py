"""Store and forward: cut off from its peers, a node keeps working and catches up later;
a shutdown in the middle of a delivery loses nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from aiohttp import web

from node.storage.follows import Follower
from schemas.vocab import Role
from tests.e2e.conftest import PeerFactory, settle

ADMIN = Role.ADMIN


async def test_a_cut_off_node_keeps_working_and_delivers_when_back(
    make_peer: PeerFactory,
) -> None:
    food = await make_peer("foodbank")
    clinic = await make_peer("clinic")
    for follower, followee in ((clinic, food), (food, clinic)):
        await follower.call(
            "POST", "/api/v1/admin/following", {"target": followee.handle}, role=ADMIN, expect=201
        )
    await food.call(
        "PUT",
        f"/api/v1/admin/peers/{clinic.url.removeprefix('http://')}",
        {"level": "trusted"},
        role=ADMIN,
        expect=200,
    )
    await settle(food, clinic)
    rice = await food.offer(title="Rice", quantity={"amount": 10, "unit": "kilogram"})
    await settle(food, clinic)

    await food.client.close()  # the network between them is gone
    offer = await clinic.offer(title="Wheelchair loan", category="medical")
    await clinic.call(
        "PATCH", f"/api/v1/offers/{offer['id']}", {"title": "Wheelchair (loan)"}, expect=200
    )
    claim = await clinic.call(
        "POST", "/api/v1/claims", {"item": rice["url"], "quantity": 4}, expect=201
    )
    await clinic.federation.delivery_worker.run_once()
    pending = (await clinic.services.store.reader.outbox.delivery_states()).get("pending", 0)
    assert pending == 3, "the Create, the Update and the claim wait in the database"

    food = await make_peer.restart(food)  # type: ignore[attr-defined]
    clinic.clock.advance(timedelta(minutes=10))
    await settle(food, clinic)
    seen = await food.services.store.reader.remote_items.get(offer["url"])
    assert seen is not None
    assert seen.title == "Wheelchair (loan)"
    incoming = await food.call("GET", "/api/v1/claims?direction=incoming", expect=200)
    assert [(c["quantity"], c["state"]) for c in incoming["claims"]] == [(4, "pending")]
    assert (await clinic.call("GET", f"/api/v1/claims/{claim['id']}"))["state"] == "pending"


async def test_a_shutdown_during_delivery_loses_nothing(
    make_peer: PeerFactory, aiohttp_server: Any
) -> None:
    food = await make_peer("foodbank")
    entered, release, received = asyncio.Event(), asyncio.Event(), []

    async def slow_inbox(request: web.Request) -> web.Response:
        received.append(await request.read())
        entered.set()
        await release.wait()
        return web.Response(status=202)

    sink = web.Application()
    sink.router.add_post("/inbox", slow_inbox)
    port = make_peer.spare_port  # type: ignore[attr-defined]
    await aiohttp_server(sink, host="127.0.0.1", port=port)
    async with food.services.store.transaction() as repos:
        await repos.follows.add_follower(
            Follower(
                f"http://127.0.0.1:{port}/actor",
                f"http://127.0.0.1:{port}/inbox",
                None,
                "f",
                "accepted",
            ),
            "t",
        )
    await food.offer(title="Soup")
    in_flight = asyncio.create_task(food.federation.delivery_worker.run_once())
    await entered.wait()
    restarted = await make_peer.restart(food)  # type: ignore[attr-defined]
    await in_flight  # the closed session ends the request; the row goes back to the queue
    assert (await restarted.services.store.reader.outbox.delivery_states()) == {"pending": 1}
    release.set()
    restarted.clock.advance(timedelta(minutes=11))
    assert await restarted.federation.delivery_worker.run_once() == 1
    assert (await restarted.services.store.reader.outbox.delivery_states()) == {"delivered": 1}
    assert len(received) == 2, "delivered at least once; receivers drop the duplicate by id"
