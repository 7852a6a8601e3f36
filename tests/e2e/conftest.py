"""Real nodes on loopback ports, talking real HTTP with real keys.

Each peer is a full application on its own 127.0.0.1 port; the allowlist lets
them reach each other's ports and nothing else. Workers are stepped with
``settle()``, never by sleeping.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer

from admin.app import build_app
from federation.fetch import AddressPolicy, guarded_session
from federation.fetch.testing import LoopbackOnlySockets, StaticResolver
from node.ap.wiring import Federation
from node.clock import ManualClock
from node.datadir import initialise
from node.services import SERVICES
from node.settings import load_settings
from schemas.vocab import Role
from tests.conftest import START, Node

POOL = 4


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class Peer(Node):
    data: Path
    port: int
    server: TestServer

    @property
    def federation(self) -> Federation:
        return self.app[SERVICES].federation

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def handle(self) -> str:
        return f"{self.services.settings.handle}@127.0.0.1:{self.port}"

    async def step(self) -> int:
        return (await self.federation.delivery_worker.run_once()) + (
            await self.federation.inbox_worker.run_once()
        )


async def settle(*peers: Peer, rounds: int = 20) -> None:
    """Run every peer's delivery and inbox workers until nothing is left to do."""
    for _ in range(rounds):
        if sum([await peer.step() for peer in peers]) == 0:
            return
    raise AssertionError("the network did not settle")


PeerFactory = Callable[..., Any]


@pytest.fixture
async def make_peer(tmp_path: Path) -> AsyncIterator[PeerFactory]:
    ports = free_ports(POOL)
    allowlist = ",".join(f"127.0.0.1:{port}" for port in ports)
    clock = ManualClock(START)
    started: list[tuple[TestServer, TestClient]] = []
    sockets = LoopbackOnlySockets()

    def session(policy: AddressPolicy) -> ClientSession:
        # No DNS and no socket to anything but loopback, whatever the code under test does.
        return guarded_session(policy, base_resolver=StaticResolver(), socket_factory=sockets)

    async def start(data: Path, port: int) -> tuple[web.Application, TestServer, TestClient]:
        app = build_app(
            load_settings(data), clock=clock, run_workers=False, session_factory=session
        )
        server = TestServer(app, host="127.0.0.1", port=port)
        client = TestClient(server)
        await client.start_server()
        started.append((server, client))
        return app, server, client

    async def factory(handle: str, name: str | None = None, **settings: Any) -> Peer:
        port = ports[len(started)]
        data = tmp_path / handle
        done = await initialise(
            data,
            public_url=f"http://127.0.0.1:{port}",
            handle=handle,
            name=name or handle.title(),
            private_address_allowlist=allowlist,
            **settings,
        )
        app, server, client = await start(data, port)
        coordinator = await app[SERVICES].accounts.issue_token(Role.COORDINATOR)
        return Peer(client, app, clock, done.admin_token, coordinator, data, port, server)

    async def restart(peer: Peer) -> Peer:
        """Stop the peer's application and start a new one on the same data dir and port."""
        await peer.client.close()
        app, server, client = await start(peer.data, peer.port)
        return Peer(
            client,
            app,
            clock,
            peer.admin_token,
            peer.coordinator_token,
            peer.data,
            peer.port,
            server,
        )

    factory.restart = restart  # type: ignore[attr-defined]
    factory.sockets = sockets  # type: ignore[attr-defined]
    # An allowlisted port no peer uses, for a test's own loopback server.
    factory.spare_port = ports[-1]  # type: ignore[attr-defined]
    yield factory
    for _, client in started:
        await client.close()
    assert sockets.hosts <= {"127.0.0.1"}, f"connections off loopback: {sockets.hosts}"
