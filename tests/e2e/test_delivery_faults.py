"""Delivery faults: a crash mid-delivery, a dead peer beside a healthy one, key rotation,
and inboxes that point where the SSRF guard forbids."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiohttp import web

from federation.keys import generate_keys, save_keys
from node.storage.follows import Follower
from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.e2e.wire import activity, post_inbox, sign


async def _follow(follower: Peer, followee: Peer) -> None:
    await follower.services.follows.follow(f"{followee.url}/actor")
    await settle(follower, followee)


async def test_rows_locked_by_a_crashed_worker_are_taken_again(make_peer: PeerFactory) -> None:
    food = await make_peer("foodbank")
    coalition = await make_peer("coalition")
    await _follow(coalition, food)
    offer = await food.offer(title="Rice")
    now = food.clock.now()
    claimed = await food.federation.delivery_worker.store.claim_due(
        now, 10, now + timedelta(minutes=10)
    )
    assert len(claimed) == 1  # locked by a worker that then dies
    food = await make_peer.restart(food)  # type: ignore[attr-defined]
    assert await food.federation.delivery_worker.run_once() == 0, "still locked"
    food.clock.advance(timedelta(minutes=11))
    await settle(food, coalition)
    assert await coalition.services.store.reader.remote_items.get(offer["url"]) is not None


async def test_a_dead_peer_opens_its_circuit_and_the_healthy_one_is_served(
    make_peer: PeerFactory,
) -> None:
    food = await make_peer("foodbank")
    alive = await make_peer("alive")
    dead = await make_peer("dead")
    await _follow(alive, food)
    await _follow(dead, food)
    await dead.client.close()
    worker = food.federation.delivery_worker
    for n in range(6):
        await food.offer(title=f"Offer {n}")
        await worker.run_once()
        food.clock.advance(timedelta(seconds=1))
    assert worker.breaker.state(dead.url.removeprefix("http://"), food.clock.now()) == "open"
    await settle(food, alive)
    assert len(await alive.services.store.reader.remote_items.live_ids()) == 6
    # While the circuit is open, the dead host's rows are postponed without an attempt.
    before = await food.services.store.reader.outbox.delivery_states()
    await food.offer(title="Offer 7")
    await worker.run_once()
    after = await food.services.store.reader.outbox.delivery_states()
    assert after["pending"] == before["pending"] + 1
    assert after["delivered"] == before["delivered"] + 1


async def test_a_rotated_key_is_fetched_again(make_peer: PeerFactory) -> None:
    sender = await make_peer("sender")
    target = await make_peer("target")
    body = json.dumps(activity(sender, id=f"{sender.url}/activities/before")).encode()
    assert (await post_inbox(target, sign(sender, f"{target.url}/inbox", body), body))[0] == 202

    keys_dir = sender.services.settings.keys_dir
    for name in ("rsa.pem", "ed25519.pem"):
        (keys_dir / name).unlink()
    save_keys(generate_keys(), keys_dir)
    sender = await make_peer.restart(sender)  # type: ignore[attr-defined]

    body = json.dumps(activity(sender, id=f"{sender.url}/activities/after")).encode()
    status, _ = await post_inbox(target, sign(sender, f"{target.url}/inbox", body), body)
    assert status == 202, "the cached key failed, the fresh one verified"
    cached = await target.services.store.reader.peers.key(f"{sender.url}/actor#main-key")
    assert cached is not None
    assert cached.public_pem == sender.services.keys.current().rsa_public_pem()


async def test_an_inbox_on_a_forbidden_address_fails_without_a_connection(
    make_peer: PeerFactory,
) -> None:
    food = await make_peer("foodbank")
    coalition = await make_peer("coalition")
    await _follow(coalition, food)
    async with food.services.store.transaction() as repos:
        follower = await repos.follows.follower(f"{coalition.url}/actor")
        assert follower is not None
        await repos.follows.add_follower(
            replace(follower, inbox="http://169.254.169.254/latest/meta-data", shared_inbox=None),
            "2026-03-01T12:00:00Z",
        )
    await food.offer(title="Rice")
    await food.federation.delivery_worker.run_once()
    states = await food.services.store.reader.outbox.delivery_states()
    assert states.get("failed") == 1
    assert states.get("pending", 0) == 0
    attempted = make_peer.sockets.hosts  # type: ignore[attr-defined]
    assert "169.254.169.254" not in attempted


async def test_double_knocking_falls_back_to_rfc9421_and_remembers(
    make_peer: PeerFactory, aiohttp_server: Any
) -> None:
    food = await make_peer("foodbank")
    schemes_seen: list[str] = []

    async def picky_inbox(request: web.Request) -> web.Response:
        scheme = "rfc9421" if "Signature-Input" in request.headers else "draft-cavage"
        schemes_seen.append(scheme)
        return web.Response(status=202 if scheme == "rfc9421" else 401)

    app = web.Application()
    app.router.add_post("/inbox", picky_inbox)
    port = make_peer.spare_port  # type: ignore[attr-defined]
    await aiohttp_server(app, host="127.0.0.1", port=port)
    inbox = f"http://127.0.0.1:{port}/inbox"
    async with food.services.store.transaction() as repos:
        await repos.follows.add_follower(
            Follower(f"http://127.0.0.1:{port}/actor", inbox, None, "x", "accepted"), "t"
        )
    await food.offer(title="One")
    await food.federation.delivery_worker.run_once()
    assert schemes_seen == ["draft-cavage", "rfc9421"]
    await food.offer(title="Two")
    await food.federation.delivery_worker.run_once()
    assert schemes_seen[2:] == ["rfc9421"], "the origin's scheme is remembered"
    assert (await food.services.store.reader.outbox.delivery_states())["delivered"] == 2
