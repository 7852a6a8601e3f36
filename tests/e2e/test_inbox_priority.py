"""Accepting comes first: while activities are being received, the inbox worker waits,
unless a row has already waited ACCEPT_FIRST_FOR since it was accepted."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from node.ap.inbox import ACCEPT_FIRST_FOR
from tests.e2e.conftest import Peer, PeerFactory
from tests.e2e.wire import activity, post_inbox, sign


async def _accept_one(sender: Peer, target: Peer) -> None:
    body = json.dumps(activity(sender)).encode()
    status, _ = await post_inbox(target, sign(sender, f"{target.url}/inbox", body), body)
    assert status == 202


async def _states(peer: Peer) -> dict[str, int]:
    return await peer.services.store.reader.inbox.states()


async def test_the_worker_waits_while_activities_are_being_received(
    make_peer: PeerFactory,
) -> None:
    food, clinic = await make_peer("foodbank"), await make_peer("clinic")
    await _accept_one(food, clinic)
    receiver = clinic.federation.receiver
    receiver._receiving += 1  # another activity is being received right now
    worker = asyncio.create_task(clinic.federation.inbox_worker.run_once())
    await asyncio.sleep(0.1)
    assert not worker.done()
    assert await _states(clinic) == {"received": 1}, "accepted, not yet processed"

    receiver._receiving -= 1  # that one is in: the worker goes on at once
    assert await asyncio.wait_for(worker, 2) == 1
    assert "received" not in await _states(clinic)


async def test_a_row_waits_no_longer_than_accept_first_for(make_peer: PeerFactory) -> None:
    food, clinic = await make_peer("foodbank"), await make_peer("clinic")
    await _accept_one(food, clinic)
    clinic.clock.advance(ACCEPT_FIRST_FOR + timedelta(seconds=1))
    clinic.federation.receiver._receiving += 1  # a flood that does not stop
    try:
        assert await asyncio.wait_for(clinic.federation.inbox_worker.run_once(), 2) == 1
    finally:
        clinic.federation.receiver._receiving -= 1
    assert "received" not in await _states(clinic)
