"""Nothing accepted is lost: a node process killed with SIGKILL in the middle of
delivering an offer to 200 follower inboxes is restarted, and every inbox ends up
with the activity exactly once in effect (redeliveries carry the same id), the
local item survives, and the database passes ``PRAGMA integrity_check``.

The killed node is a real ``solidarity serve`` process on loopback; every URL it
knows is a 127.0.0.1 port. The restart runs in-process with a manual clock set
past the dead worker's row locks, its sockets limited to loopback.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer

from admin.app import build_app
from federation.fetch import AddressPolicy, guarded_session
from federation.fetch.testing import LoopbackOnlySockets, StaticResolver
from node.clock import ManualClock
from node.datadir import initialise
from node.services import SERVICES
from node.settings import load_settings
from node.storage import Store
from node.storage.follows import Follower
from tests.hostile.conftest import free_ports

FOLLOWERS = 200


async def _followers(data: Path, inbox_port: int) -> None:
    store = Store(load_settings(data).database_path)
    await store.open()
    try:
        async with store.transaction() as repos:
            for n in range(FOLLOWERS):
                actor = f"http://127.0.0.1:{inbox_port}/users/{n}"
                await repos.follows.add_follower(
                    Follower(actor, f"{actor}/inbox", None, f"{actor}#f", "accepted"),
                    "2026-03-01T12:00:00Z",
                )
    finally:
        await store.close()


async def _serve(data: Path, port: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "admin.cli",
        "serve",
        "--data",
        str(data),
        "--port",
        str(port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    async with asyncio.timeout(30):
        while not (await process.stdout.readline()).startswith(b"Serving"):
            pass
    return process


async def test_a_node_killed_mid_delivery_delivers_everything_once_after_restart(
    tmp_path: Path,
) -> None:
    node_port, inbox_port = free_ports(2)
    data = tmp_path / "node"
    done = await initialise(
        data,
        public_url=f"http://127.0.0.1:{node_port}",
        handle="food",
        private_address_allowlist=f"127.0.0.1:{inbox_port}",
    )
    await _followers(data, inbox_port)

    received: defaultdict[str, list[str]] = defaultdict(list)
    some_have_it = asyncio.Event()

    async def inbox(request: web.Request) -> web.Response:
        activity = json.loads(await request.read())
        await asyncio.sleep(0.05)  # a slow peer, so the kill lands mid-way
        received[request.path].append(activity["id"])
        if len(received) >= 20:
            some_have_it.set()
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/users/{n}/inbox", inbox)
    peers = TestServer(app, host="127.0.0.1", port=inbox_port)
    await peers.start_server()
    process = await _serve(data, node_port)
    try:
        async with ClientSession() as http:
            response = await http.post(
                f"http://127.0.0.1:{node_port}/api/v1/offers",
                json={"title": "Rice, 20 kg", "category": "food"},
                headers={"Authorization": f"Bearer {done.admin_token}"},
            )
            assert response.status == 201
            offer = await response.json()
        async with asyncio.timeout(30):
            await some_have_it.wait()
        process.send_signal(signal.SIGKILL)
        await process.wait()
        had_it = len(received)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert 0 < had_it < FOLLOWERS, f"the kill landed mid-way ({had_it} of {FOLLOWERS})"

    # Restart past the dead worker's row locks, stepping the workers by hand.
    sockets = LoopbackOnlySockets()

    def session(policy: AddressPolicy) -> ClientSession:
        return guarded_session(policy, base_resolver=StaticResolver(), socket_factory=sockets)

    clock = ManualClock(datetime.now(UTC) + timedelta(minutes=11))
    restarted = build_app(
        load_settings(data), clock=clock, run_workers=False, session_factory=session
    )
    client = TestClient(TestServer(restarted, host="127.0.0.1", port=node_port))
    await client.start_server()
    try:
        worker = restarted[SERVICES].federation.delivery_worker
        for _ in range(10):
            if await worker.run_once() == 0:
                break
        item = await client.get(
            f"/api/v1/offers/{offer['id']}", headers={"Authorization": f"Bearer {done.admin_token}"}
        )
        assert item.status == 200, "the local item survived the kill"
    finally:
        await client.close()
        await peers.close()
    assert sockets.hosts <= {"127.0.0.1"}

    assert len(received) == FOLLOWERS, "every inbox got the offer"
    assert all(len(set(ids)) == 1 for ids in received.values()), "one activity, same id"
    assert len({ids[0] for ids in received.values()}) == 1
    with sqlite3.connect(load_settings(data).database_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        states = dict(conn.execute("SELECT state, COUNT(*) FROM deliveries GROUP BY state"))
    assert states == {"delivered": FOLLOWERS}
