"""A node with mail and webhooks on loopback: a real SMTP server (aiosmtpd) and a
webhook receiver in the test process, a node that can be restarted on its data
dir, and the notification sweeps stepped with ``run_once()``.

Nothing leaves loopback: the node's HTTP client resolves no names and its
sockets refuse any non-loopback address; SMTP goes to 127.0.0.1.
"""

from __future__ import annotations

import email
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer
from aiosmtpd.controller import Controller

from admin.app import build_app
from federation.fetch import AddressPolicy, guarded_session
from federation.fetch.testing import LoopbackOnlySockets, StaticResolver
from node.clock import ManualClock
from node.datadir import initialise
from node.domain.notifications.sweeps import NotificationSweeps, notification_sweeps
from node.services import SERVICES
from node.settings import load_settings
from schemas.vocab import Role
from tests.conftest import START, Node
from tests.e2e.conftest import free_ports


def free_port() -> int:
    return free_ports(1)[0]


class _SmtpHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: str | None = None  # an SMTP reply to RCPT, e.g. "451 4.3.0 later"

    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse is not None:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


@dataclass
class Mailbox:
    """A real SMTP server on 127.0.0.1; ``down()`` and ``up()`` stop and restart it."""

    port: int
    handler: _SmtpHandler = field(default_factory=_SmtpHandler)
    controller: Controller | None = None

    def up(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def refuse(self, reply: str | None) -> None:
        self.handler.refuse = reply


@dataclass
class Receiver:
    """A loopback webhook receiver that records requests and answers ``statuses`` in turn."""

    port: int
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.read()))
        status = self.statuses.pop(0) if self.statuses else 204
        return web.Response(status=status)


@dataclass
class NoticeNode(Node):
    data: Path = Path()
    restarts: Callable[[NoticeNode], Any] | None = None
    _sweeps: NotificationSweeps | None = None

    @property
    def sweeps(self) -> NotificationSweeps:
        if self._sweeps is None:
            federation = self.app[SERVICES].federation
            self._sweeps = notification_sweeps(
                self.services, federation.session, federation.addresses
            )
        return self._sweeps

    async def scan(self) -> int:
        self.sweeps.suggestions.invalidate()
        return await self.sweeps.scanner.run_once()

    async def send(self) -> int:
        return await self.sweeps.sender.run_once()

    async def step(self) -> None:
        await self.scan()
        await self.send()

    async def user(
        self, username: str, role: Role = Role.COORDINATOR, **prefs: Any
    ) -> dict[str, str]:
        """An account with preferences; returns its bearer headers."""
        await self.services.accounts.create_account(username, "correct horse battery", role)
        token, _ = await self.services.accounts.sign_in(username, "correct horse battery")
        headers = {"Authorization": f"Bearer {token}"}
        if prefs:
            response = await self.client.patch(
                "/api/v1/notifications/preferences", json=prefs, headers=headers
            )
            assert response.status == 200, await response.text()
        return headers

    async def as_user(
        self, headers: dict[str, str], method: str, path: str, json: Any = None, expect: int = 200
    ) -> Any:
        response = await self.client.request(method, path, json=json, headers=headers)
        body = await response.json() if response.content_length else None
        assert response.status == expect, (response.status, body)
        return body


NoticeNodeFactory = Callable[..., Any]


@pytest.fixture
async def mailbox() -> AsyncIterator[Mailbox]:
    box = Mailbox(free_port())
    box.up()
    yield box
    box.down()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    app = web.Application()
    hook = Receiver(0)
    app.router.add_post("/hook", hook.handle)
    server = TestServer(app, host="127.0.0.1", port=free_port())
    await server.start_server()
    hook.port = server.port or 0
    yield hook
    await server.close()


@pytest.fixture
async def make_notice_node(
    tmp_path: Path, mailbox: Mailbox, receiver: Receiver
) -> AsyncIterator[NoticeNodeFactory]:
    clock = ManualClock(START)
    clients: list[TestClient] = []
    sockets = LoopbackOnlySockets()

    def session(policy: AddressPolicy) -> ClientSession:
        return guarded_session(policy, base_resolver=StaticResolver(), socket_factory=sockets)

    async def start(data: Path) -> tuple[web.Application, TestClient]:
        app = build_app(
            load_settings(data), clock=clock, run_workers=False, session_factory=session
        )
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return app, client

    async def restart(node: NoticeNode) -> NoticeNode:
        """Stop the application (as a crash would, without running any sweep) and start
        a new one on the same data dir."""
        await node.client.close()
        app, client = await start(node.data)
        return NoticeNode(
            client, app, clock, node.admin_token, node.coordinator_token, node.data, node.restarts
        )

    async def factory(name: str = "eastside", **settings: Any) -> NoticeNode:
        data = tmp_path / name
        fields = {
            "public_url": "http://node.test",
            "handle": name,
            "name": "Eastside Mutual Aid",
            "smtp_host": "127.0.0.1",
            "smtp_port": mailbox.port,
            "smtp_security": "none",
            "mail_from": "Eastside <aid@node.test>",
            "private_address_allowlist": f"127.0.0.1:{receiver.port}",
            # The tests start at 12:00 UTC; digests come when a test asks for them.
            "notify_digest_hour": 23,
            **settings,
        }
        done = await initialise(data, **fields)
        app, client = await start(data)
        coordinator = await app[SERVICES].accounts.issue_token(Role.COORDINATOR)
        return NoticeNode(client, app, clock, done.admin_token, coordinator, data, restart)

    factory.restart = restart  # type: ignore[attr-defined]
    yield factory
    for client in clients:
        await client.close()
    assert sockets.hosts <= {"127.0.0.1"}, f"connections off loopback: {sockets.hosts}"


@pytest.fixture
async def notice_node(make_notice_node: NoticeNodeFactory) -> NoticeNode:
    result: NoticeNode = await make_notice_node()
    return result


# Two real nodes on loopback (tests/e2e), for the notifications of a claim's round trip.
from tests.e2e.conftest import make_peer  # noqa: E402, F401
