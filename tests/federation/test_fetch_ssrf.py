"""The SSRF guard over loopback: refused hops are never connected to.

Names resolve through a table (StaticResolver) and sockets come from
LoopbackOnlySockets, which records every attempt and refuses any address
outside loopback before a socket exists, so even a guard bug sends nothing out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpServer

from federation.errors import FetchError
from federation.fetch import AddressPolicy, GuardedResolver
from federation.fetch.testing import LoopbackNet, StaticResolver, loopback_fetcher

SEEN = web.AppKey("seen", list[str])


async def obj(request: web.Request) -> web.Response:
    request.app[SEEN].append(request.path)
    return web.json_response({"id": str(request.url)}, content_type="application/activity+json")


async def redirect_to(request: web.Request) -> web.Response:
    request.app[SEEN].append(request.path)
    raise web.HTTPFound(request.query["url"])


def app() -> web.Application:
    application = web.Application()
    application[SEEN] = []
    application.router.add_get("/objects/{name}", obj)
    application.router.add_get("/redirect-to", redirect_to)
    return application


@pytest.fixture
async def peer(aiohttp_server: AiohttpServer) -> TestServer:
    return await aiohttp_server(app())


@pytest.fixture
async def other(aiohttp_server: AiohttpServer) -> TestServer:
    """A second loopback server on another port, never allowlisted by default."""
    return await aiohttp_server(app())


@pytest.fixture
async def nets() -> AsyncIterator[list[LoopbackNet]]:
    made: list[LoopbackNet] = []
    yield made
    for net in made:
        await net.fetcher.close()


def make(
    nets: list[LoopbackNet],
    setting: str,
    names: Mapping[str, str | Sequence[str]] | None = None,
    calls: list[str] | None = None,
) -> LoopbackNet:
    def sign(
        method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> dict[str, str]:
        if calls is not None:
            calls.append(url)
        return {"Signature": "test"}

    net = loopback_fetcher(AddressPolicy.from_setting(setting), names=names, sign=sign)
    nets.append(net)
    return net


async def reason(net: LoopbackNet, target: str) -> str:
    with pytest.raises(FetchError) as info:
        await net.fetcher.fetch_json(target)
    return info.value.reason


def via_redirect(peer: TestServer, target: str) -> str:
    return str(peer.make_url("/redirect-to").with_query(url=target))


NAMES: dict[str, str | Sequence[str]] = {
    "rebind.test": "127.0.0.1",
    "private.test": "10.0.0.1",
    "mapped.test": "::ffff:127.0.0.1",
    "mixed.test": ["8.8.8.8", "127.0.0.1"],
}

# Targets with {port} = the allowlisted peer port, {other} = another loopback port.
REFUSED_TARGETS = [
    ("http://10.0.0.1/admin", "address-refused", False),
    ("http://169.254.169.254/latest/meta-data/", "address-refused", False),
    ("https://100.64.0.1/", "address-refused", False),
    ("https://2130706433/", "address-refused", False),
    ("https://0177.0.0.1/", "address-refused", False),
    ("https://0x7f.1/", "address-refused", False),
    ("https://127.1/", "address-refused", False),
    ("http://2130706433:{port}/objects/x", "url-invalid", False),
    ("http://[::ffff:127.0.0.1]:{port}/objects/x", "address-refused", False),
    ("http://[::ffff:10.0.0.1]/", "address-refused", False),
    ("http://[64:ff9b::7f00:1]/", "address-refused", False),
    ("http://[::1]:{port}/objects/x", "address-refused", False),
    ("http://127.0.0.1:{other}/objects/x", "address-refused", False),
    ("file:///etc/passwd", "scheme-refused", False),
    ("gopher://127.0.0.1:{port}/", "scheme-refused", False),
    ("http://rebind.test:{port}/objects/x", "scheme-refused", False),
    ("https://rebind.test:{other}/objects/x", "address-refused", True),
    ("https://private.test/", "address-refused", True),
    ("https://mapped.test:{port}/objects/x", "address-refused", True),
    ("https://mixed.test:{other}/objects/x", "address-refused", True),
]


@pytest.mark.parametrize(("template", "expected", "looked_up"), REFUSED_TARGETS)
async def test_redirect_to_a_refused_address_is_never_connected(
    peer: TestServer,
    other: TestServer,
    nets: list[LoopbackNet],
    template: str,
    expected: str,
    looked_up: bool,
) -> None:
    target = template.format(port=peer.port, other=other.port)
    calls: list[str] = []
    net = make(nets, f"127.0.0.1:{peer.port}", names=NAMES, calls=calls)
    first = via_redirect(peer, target)
    assert await reason(net, first) == expected
    # Only the allowlisted first hop was ever connected to.
    assert set(net.sockets.attempts) == {("127.0.0.1", peer.port)}
    assert peer.app[SEEN] == ["/redirect-to"]
    assert other.app[SEEN] == []
    # A refused literal address is refused before it is signed; a name only
    # after its lookup, which never leads to a connection.
    assert calls == ([first, target] if looked_up else [first])
    assert bool(net.resolver.lookups) is looked_up


@pytest.mark.parametrize("template", [t for t, _, _ in REFUSED_TARGETS])
async def test_refused_addresses_are_refused_as_first_hop_too(
    peer: TestServer, other: TestServer, nets: list[LoopbackNet], template: str
) -> None:
    net = make(nets, f"127.0.0.1:{peer.port}", names=NAMES)
    with pytest.raises(FetchError):
        await net.fetcher.fetch_json(template.format(port=peer.port, other=other.port))
    assert net.sockets.attempts == []


async def test_allowlist_permits_exactly_the_listed_port(
    peer: TestServer, other: TestServer, nets: list[LoopbackNet]
) -> None:
    net = make(nets, f"127.0.0.1:{peer.port}")
    result = await net.fetcher.fetch_json(str(peer.make_url("/objects/a")))
    assert result.document["id"] == str(peer.make_url("/objects/a"))
    assert await reason(net, str(other.make_url("/objects/a"))) == "address-refused"
    assert set(net.sockets.attempts) == {("127.0.0.1", peer.port)}
    assert other.app[SEEN] == []


async def test_empty_allowlist_refuses_loopback(peer: TestServer, nets: list[LoopbackNet]) -> None:
    net = make(nets, "")
    assert await reason(net, str(peer.make_url("/objects/a"))) == "address-refused"
    https_url = str(peer.make_url("/objects/a").with_scheme("https"))
    assert await reason(net, https_url) == "address-refused"
    assert net.sockets.attempts == []


async def test_star_allows_every_private_address(
    peer: TestServer, other: TestServer, nets: list[LoopbackNet]
) -> None:
    net = make(nets, "*", names={"rebind.test": "127.0.0.1"})
    await net.fetcher.fetch_json(str(peer.make_url("/objects/a")))
    hop = via_redirect(peer, str(other.make_url("/objects/b")))
    assert (await net.fetcher.fetch_json(hop)).final_url == str(other.make_url("/objects/b"))
    named = f"http://rebind.test:{other.port}/objects/c"
    assert (await net.fetcher.fetch_json(named)).document["id"] == named
    assert {host for host, _ in net.sockets.attempts} == {"127.0.0.1"}


async def test_allowlisted_name_reaches_its_port_only(
    peer: TestServer, other: TestServer, nets: list[LoopbackNet]
) -> None:
    net = make(nets, f"peer.test:{peer.port}", names={"peer.test": "127.0.0.1"})
    named = f"http://peer.test:{peer.port}/objects/a"
    result = await net.fetcher.fetch_object(named)
    assert result.final_url == named
    assert await reason(net, f"http://peer.test:{other.port}/objects/a") == "scheme-refused"
    assert await reason(net, f"https://peer.test:{other.port}/objects/a") == "address-refused"
    assert await reason(net, str(peer.make_url("/objects/a"))) == "address-refused"
    assert set(net.sockets.attempts) == {("127.0.0.1", peer.port)}


async def test_recording_sockets_refuse_non_loopback_even_when_the_guard_allows(
    nets: list[LoopbackNet],
) -> None:
    # "*" lets the guard pass everything; the test network still refuses to
    # create a socket for a non-loopback (documentation) address.
    net = make(nets, "*", names={"public.test": "192.0.2.10"})
    assert await reason(net, "https://public.test/x") == "fetch-connect-failed"
    assert await reason(net, "http://192.0.2.1/x") == "fetch-connect-failed"
    assert net.sockets.attempts == [("192.0.2.10", 443), ("192.0.2.1", 80)]


async def test_unknown_test_name_fails_without_connecting(nets: list[LoopbackNet]) -> None:
    net = make(nets, "")
    assert await reason(net, "https://nowhere.test/x") == "fetch-connect-failed"
    assert net.sockets.attempts == []


# GuardedResolver on its own: every answer is checked, every time.


async def resolve_reason(resolver: GuardedResolver, host: str, port: int = 443) -> str | None:
    try:
        await resolver.resolve(host, port)
    except FetchError as exc:
        return exc.reason
    return None


async def test_resolver_rechecks_every_lookup_against_rebinding() -> None:
    base = StaticResolver({"flip.test": "8.8.8.8"})
    resolver = GuardedResolver(AddressPolicy(), base)
    answers = await resolver.resolve("flip.test", 443)
    assert [answer["host"] for answer in answers] == ["8.8.8.8"]
    base.set("flip.test", "127.0.0.1")
    assert await resolve_reason(resolver, "flip.test") == "address-refused"
    assert base.lookups == [("flip.test", 443), ("flip.test", 443)]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (["8.8.8.8", "2606:4700::1111"], None),
        (["8.8.8.8", "10.0.0.1"], "address-refused"),
        (["::ffff:127.0.0.1"], "address-refused"),
        (["64:ff9b::a9fe:a9fe"], "address-refused"),
        (["fe80::1"], "address-refused"),
        (["100.64.0.1"], "address-refused"),
        (["not-an-address"], "address-refused"),
    ],
)
async def test_resolver_refuses_any_forbidden_answer(
    answers: list[str], expected: str | None
) -> None:
    base = StaticResolver()
    base.names["host.test"] = answers
    resolver = GuardedResolver(AddressPolicy(), base)
    assert await resolve_reason(resolver, "host.test") == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0x7f.1", "address-refused"),
        ("2130706433", "address-refused"),
        ("0177.0.0.1", "address-refused"),
        ("::ffff:127.0.0.1", "address-refused"),
        ("1.2.3.09", "url-invalid"),
        ("8.8.8.8", None),
    ],
)
async def test_resolver_reads_numeric_hosts_itself(host: str, expected: str | None) -> None:
    base = StaticResolver()
    resolver = GuardedResolver(AddressPolicy(), base)
    assert await resolve_reason(resolver, host) == expected
    assert base.lookups == []


async def test_resolver_allows_an_allowlisted_name_on_its_port_only() -> None:
    base = StaticResolver({"peer.test": "127.0.0.1"})
    resolver = GuardedResolver(AddressPolicy.from_setting("peer.test:8080"), base)
    assert await resolve_reason(resolver, "peer.test", 8080) is None
    assert await resolve_reason(resolver, "peer.test.", 8080) is None
    assert await resolve_reason(resolver, "peer.test", 8081) == "address-refused"


async def test_resolver_allows_any_name_for_an_allowlisted_address_and_port() -> None:
    base = StaticResolver({"alias.test": "127.0.0.1"})
    resolver = GuardedResolver(AddressPolicy.from_setting("127.0.0.1:8080"), base)
    assert await resolve_reason(resolver, "alias.test", 8080) is None
    assert await resolve_reason(resolver, "alias.test", 8081) == "address-refused"


async def test_resolver_passes_lookup_failures_through() -> None:
    resolver = GuardedResolver(AddressPolicy(), StaticResolver())
    with pytest.raises(OSError, match="no address"):
        await resolver.resolve("nowhere.test", 443)
    await resolver.close()
