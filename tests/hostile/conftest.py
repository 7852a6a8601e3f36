"""The node under attack, on loopback, beside a hostile server that plays every peer.

The node's outbound session resolves names only through a StaticResolver and
creates sockets only through LoopbackOnlySockets, which records every attempt
and refuses anything outside 127.0.0.0/8 before a socket exists: a guard bug
cannot send a packet off the machine. Teardown asserts that nothing but
127.0.0.1 was ever attempted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
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
from tests.e2e.conftest import free_ports
from tests.hostile.harness import Actor, HostileServer, shared_keys, sign
from tests.web.conftest import pages  # noqa: F401 (signed-in page clients, for the redirect tests)

# Names the hostile server answers for (all resolve to 127.0.0.1 on its port).
HOSTS = (
    "hostile.test",
    "victim.test",
    "blocked.test",
    "evil.test",
    "sub.evil.test",
    "relay.test",
    "mastodon.test",
    "xn--bcher-kva.test",
)
# A name that resolves to a private address: the guard must refuse it, and the
# socket factory would refuse it again.
PRIVATE_NAMES = {"intranet.test": "10.20.30.40", "metadata.test": "169.254.169.254"}
DEAD_HOSTS = tuple(f"dead-{n}.test" for n in range(12))
INBOX_LOG = "solidarity.inbox"
API_LOG = "solidarity.api"


@dataclass
class Target(Node):
    """The node under attack."""

    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def actor_id(self) -> str:
        return f"{self.url}/actor"

    @property
    def federation(self) -> Federation:
        return self.app[SERVICES].federation


@dataclass
class Net:
    target: Target
    hostile: HostileServer
    resolver: StaticResolver
    sockets: LoopbackOnlySockets
    clock: ManualClock
    caplog: pytest.LogCaptureFixture
    mallory: Actor
    """The attacker, at hostile.test."""
    alice: Actor
    """An honest peer at victim.test, whose identity the attacker wants."""
    dead_port: int
    """An allowlisted loopback port where nothing listens."""

    @property
    def inbox(self) -> str:
        return f"{self.target.url}/inbox"

    async def post(
        self, body: bytes, headers: dict[str, str], path: str = "/inbox"
    ) -> tuple[int, dict[str, Any]]:
        response = await self.target.client.post(path, data=body, headers=headers)
        text = await response.text()
        try:
            problem = json.loads(text) if text else {}
        except ValueError:
            problem = {"raw": text}
        return response.status, problem

    def signed(
        self, actor: Actor, activity: dict[str, Any], **kwargs: Any
    ) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(activity).encode()
        return body, sign(actor, self.inbox, body, self.clock, **kwargs)

    async def send(
        self, actor: Actor, activity: dict[str, Any], **kwargs: Any
    ) -> tuple[int, dict[str, Any]]:
        return await self.post(*self.signed(actor, activity, **kwargs))

    async def settle(self, rounds: int = 10) -> None:
        """Run the node's inbox and delivery workers until nothing is left to do now."""
        federation = self.target.federation
        for _ in range(rounds):
            worked = await federation.inbox_worker.run_once()
            worked += await federation.delivery_worker.run_once()
            if worked == 0:
                return
        raise AssertionError("the node did not settle")

    async def follow(self, actor: Actor) -> str:
        """The node subscribes to ``actor``, who accepts; returns the Follow's id."""
        followee = await self.target.services.follows.follow(actor.id)
        await self.settle()
        accept = actor.activity("Accept", followee.follow_activity_id, f"accept-{self.clock.now()}")
        status, problem = await self.send(actor, accept)
        assert status == 202, problem
        await self.settle()
        assert (await self.outcomes())[accept["id"]] == "done:follow-accepted"
        return followee.follow_activity_id

    async def outcomes(self) -> dict[str, str]:
        return await self.target.services.store.reader.inbox.outcomes()

    def logged(self, logger: str, text: str) -> bool:
        return any(r.name == logger and text in r.getMessage() for r in self.caplog.records)

    def refused_at(self, host: str, port: int | None = None) -> bool:
        """True when no socket to ``host`` (and ``port``) was ever attempted."""
        return not any(h == host and port in (None, p) for h, p in self.sockets.attempts)

    # -- the three shapes of assertion the suite makes --------------------------

    async def expect_refusal(
        self,
        body: bytes,
        headers: dict[str, str],
        status: int,
        reason: str,
        *,
        path: str = "/inbox",
        logger: str = INBOX_LOG,
    ) -> dict[str, Any]:
        """The request is answered ``status`` with ``reason``, the reason is logged, and
        the database is exactly as before."""
        before = self.target.dump()
        self.caplog.clear()
        got, problem = await self.post(body, headers, path)
        assert (got, problem.get("reason")) == (status, reason), problem
        assert self.logged(logger, f"status={status} reason={reason}"), [
            r.getMessage() for r in self.caplog.records
        ]
        assert self.target.dump() == before, "a refused request changed the database"
        return problem

    async def expect_drop(
        self, actor: Actor, activity: dict[str, Any], reason: str, **kwargs: Any
    ) -> None:
        """Accepted (202, persisted first), then dropped by the worker with ``reason``:
        nothing but the inbox row itself changed."""
        before = self.target.dump()
        self.caplog.clear()
        status, problem = await self.send(actor, activity, **kwargs)
        assert status == 202, problem
        await self.settle()
        outcome = (await self.outcomes())[activity["id"]]
        assert outcome == f"dropped:{reason}", outcome
        assert self.logged(INBOX_LOG, f"outcome=dropped:{reason}")
        assert_only_inbox_rows_added(before, self.target.dump())


def _inbox_row(line: str) -> bool:
    return line.startswith('INSERT INTO "inbox_activities"') or (
        "sqlite_sequence" in line and "inbox_activities" in line
    )


def assert_only_inbox_rows_added(before: list[str], after: list[str]) -> None:
    removed = [line for line in before if line not in after and not _inbox_row(line)]
    added = [line for line in after if line not in before and not _inbox_row(line)]
    assert (removed, added) == ([], []), "more than the inbox row changed"


NetFactory = Callable[..., Any]


@pytest.fixture
async def make_net(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[NetFactory]:
    caplog.set_level(logging.INFO, logger="solidarity")
    # The node's own keys (actor, instance) from a per-session pool of keys no attacker
    # holds: RSA generation is most of a node's start-up.
    pool = iter([shared_keys(100), shared_keys(101)])
    monkeypatch.setattr("node.datadir.generate_keys", lambda: next(pool))
    target_port, hostile_port, dead_port = free_ports(3)
    allowed = [f"127.0.0.1:{port}" for port in (target_port, hostile_port, dead_port)]
    allowed += [f"{name}:{hostile_port}" for name in HOSTS]
    allowed += [f"{name}:{dead_port}" for name in DEAD_HOSTS]
    names: dict[str, str] = {name: "127.0.0.1" for name in (*HOSTS, *DEAD_HOSTS)}
    resolver = StaticResolver({**names, **PRIVATE_NAMES})
    sockets = LoopbackOnlySockets()
    clock = ManualClock(START)
    hostile = HostileServer(hostile_port, clock)
    clients: list[TestClient] = []

    def session(policy: AddressPolicy) -> ClientSession:
        return guarded_session(policy, base_resolver=resolver, socket_factory=sockets)

    async def factory(*, warm: bool = True, **settings: Any) -> Net:
        data = tmp_path / "target"
        done = await initialise(
            data,
            public_url=f"http://127.0.0.1:{target_port}",
            handle="target",
            name="Target Mutual Aid",
            private_address_allowlist=",".join(allowed),
            **settings,
        )
        app = build_app(
            load_settings(data), clock=clock, run_workers=False, session_factory=session
        )
        client = TestClient(TestServer(app, host="127.0.0.1", port=target_port))
        await client.start_server()
        clients.append(client)
        coordinator = await app[SERVICES].accounts.issue_token(Role.COORDINATOR)
        target = Target(client, app, clock, done.admin_token, coordinator, data, target_port)
        await hostile.start()
        net = Net(
            target,
            hostile,
            resolver,
            sockets,
            clock,
            caplog,
            mallory=hostile.actor("hostile.test", "mallory"),
            alice=hostile.actor("victim.test", "alice"),
            dead_port=dead_port,
        )
        if warm:
            # One good activity from each first, so the node already knows their keys and
            # refusals are compared against a database that has seen these peers.
            for actor in (net.mallory, net.alice):
                status, _ = await net.send(actor, actor.activity("Like", f"{actor.id}/x", 0))
                assert status == 202
            await net.settle()
        return net

    yield factory
    for client in clients:
        await client.close()
    await hostile.close()
    assert sockets.hosts <= {"127.0.0.1"}, f"connections off loopback: {sockets.hosts}"


@pytest.fixture
async def net(make_net: NetFactory) -> Net:
    result: Net = await make_net()
    return result
