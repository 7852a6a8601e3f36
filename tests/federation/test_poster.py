"""The guarded poster against a real aiohttp receiver on 127.0.0.1.

Its session resolves through a table and its sockets refuse every non-loopback
address (federation.fetch.testing), so nothing leaves the host. The timeout is
a small injected budget; the outcome is asserted by its reason code.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Mapping

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpServer

from federation.fetch import AddressPolicy, guarded_session
from federation.fetch.testing import LoopbackOnlySockets, StaticResolver
from federation.poster import PERMANENT_ERRORS, GuardedPoster

RELEASE = web.AppKey("release", asyncio.Event)
SEEN = web.AppKey("seen", list[tuple[dict[str, str], bytes]])


async def inbox(request: web.Request) -> web.Response:
    request.app[SEEN].append((dict(request.headers), await request.read()))
    return web.Response(status=503, headers={"Retry-After": "120"})


async def moved(request: web.Request) -> web.Response:
    raise web.HTTPFound("/inbox")


async def stall(request: web.Request) -> web.Response:
    await request.app[RELEASE].wait()
    return web.Response(status=202)


@pytest.fixture
async def server(aiohttp_server: AiohttpServer) -> AsyncIterator[TestServer]:
    app = web.Application()
    app[RELEASE] = asyncio.Event()
    app[SEEN] = []
    app.router.add_post("/inbox", inbox)
    app.router.add_post("/moved", moved)
    app.router.add_post("/stall", stall)
    served = await aiohttp_server(app, host="127.0.0.1")
    yield served
    app[RELEASE].set()


@pytest.fixture
def sockets() -> LoopbackOnlySockets:
    return LoopbackOnlySockets()


@pytest.fixture
async def poster(server: TestServer, sockets: LoopbackOnlySockets) -> AsyncIterator[GuardedPoster]:
    policy = AddressPolicy.from_setting(f"127.0.0.1:{server.port}")
    session = guarded_session(policy, base_resolver=StaticResolver(), socket_factory=sockets)
    yield GuardedPoster(session, policy, "test-agent/1", timeout=0.3, connect_timeout=0.3)
    await session.close()


def url(server: TestServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


async def test_a_post_is_signed_over_its_headers_and_answers_status_and_retry_after(
    poster: GuardedPoster, server: TestServer
) -> None:
    signed: list[dict[str, str]] = []

    def sign(headers: Mapping[str, str]) -> dict[str, str]:
        signed.append(dict(headers))
        return {"Signature": "sig"}

    result = await poster.post(url(server, "/inbox"), b"{}", {"Content-Type": "x/y"}, sign)

    assert (result.status, result.retry_after, result.error) == (503, "120", "")
    assert not result.permanent
    assert signed == [{"Content-Type": "x/y", "User-Agent": "test-agent/1"}]
    ((headers, body),) = server.app[SEEN]
    assert (headers["User-Agent"], headers["Signature"], body) == ("test-agent/1", "sig", b"{}")


async def test_redirects_are_answers_not_followed(
    poster: GuardedPoster, server: TestServer
) -> None:
    result = await poster.post(url(server, "/moved"), b"{}", {})
    assert result.status == 302
    assert server.app[SEEN] == []


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://10.0.0.1/inbox", "address-refused"),
        ("http://127.0.0.1:1/inbox", "address-refused"),
        ("ftp://peer.test/inbox", "scheme-refused"),
        ("/inbox", "url-invalid"),
    ],
)
async def test_the_guards_refusals_are_permanent_and_nothing_is_signed_or_sent(
    poster: GuardedPoster, sockets: LoopbackOnlySockets, target: str, reason: str
) -> None:
    def sign(headers: Mapping[str, str]) -> dict[str, str]:
        raise AssertionError("a refused URL is never signed for")

    result = await poster.post(target, b"{}", {}, sign)

    assert (result.status, result.error, result.permanent) == (None, reason, True)
    assert reason in PERMANENT_ERRORS
    assert sockets.attempts == []


async def test_a_stalled_receiver_is_a_timeout(poster: GuardedPoster, server: TestServer) -> None:
    result = await poster.post(url(server, "/stall"), b"{}", {})
    assert (result.status, result.error, result.permanent) == (None, "timeout", False)


async def test_a_network_error_is_named_by_its_type(sockets: LoopbackOnlySockets) -> None:
    with socket.socket() as closed:  # a port that was free a moment ago: connection refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    policy = AddressPolicy.from_setting(f"127.0.0.1:{port}")
    resolver = StaticResolver()
    async with guarded_session(policy, base_resolver=resolver, socket_factory=sockets) as session:
        poster = GuardedPoster(session, policy)
        result = await poster.post(f"http://127.0.0.1:{port}/inbox", b"{}", {})
    assert result.status is None
    assert result.error == f"network-error: {aiohttp.ClientConnectorError.__name__}"
    assert not result.permanent
