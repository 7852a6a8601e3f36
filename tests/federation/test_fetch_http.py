"""RemoteFetcher against a real aiohttp peer on 127.0.0.1.

The fetcher's session resolves through a table and its sockets refuse every
non-loopback address (federation.fetch.testing), so nothing leaves the host.
Budgets are small injected values; no test measures wall-clock time.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpServer

from federation.errors import FetchError
from federation.fetch import AddressPolicy, FetchLimits, FetchStatusError, RemoteFetcher
from federation.fetch.testing import LoopbackNet, loopback_fetcher

AP_JSON = "application/activity+json"
RELEASE = web.AppKey("release", asyncio.Event)
SEEN = web.AppKey("seen", list[tuple[str, str | None]])


def ap(document: Mapping[str, Any], *, content_type: str = AP_JSON) -> web.Response:
    return web.Response(text=json.dumps(document), content_type=content_type)


async def obj(request: web.Request) -> web.Response:
    return ap({"id": str(request.url), "type": "Note"})


async def redirect_chain(request: web.Request) -> web.Response:
    hops = int(request.match_info["hops"])
    name = request.match_info["name"]
    target = f"/chain/{hops - 1}/{name}" if hops > 1 else f"/objects/{name}"
    raise web.HTTPFound(target)


async def loop(request: web.Request) -> web.Response:
    raise web.HTTPFound("/loop")


async def spoofed(request: web.Request) -> web.Response:
    return ap({"id": str(request.url.with_path("/objects/someone-else")), "type": "Note"})


async def hop_to_upload(request: web.Request) -> web.Response:
    raise web.HTTPFound(f"/uploads/x.json?claims={request.url}")


async def upload(request: web.Request) -> web.Response:
    # An uploaded file claiming the id of the URL that redirected here.
    return ap({"id": request.query["claims"], "type": "Note"})


async def actor(request: web.Request) -> web.Response:
    actor_id = str(request.url.with_query(None))
    return ap(
        {
            "id": actor_id,
            "type": "Group",
            "publicKey": {"id": f"{actor_id}#main-key", "owner": actor_id},
        }
    )


async def big_streamed(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": AP_JSON})
    await response.prepare(request)
    await response.write(b'{"id": "x", "padding": "')
    for _ in range(64):
        await response.write(b"a" * 1024)
    await response.write(b'"}')
    await response.write_eof()
    return response


async def big_declared(request: web.Request) -> web.Response:
    return web.Response(body=b" " * 4096, content_type=AP_JSON)


async def stall_body(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": AP_JSON})
    await response.prepare(request)
    await response.write(b'{"id": ')
    await request.app[RELEASE].wait()
    return response


async def stall_headers(request: web.Request) -> web.Response:
    await request.app[RELEASE].wait()
    return ap({"id": str(request.url)})


async def html(request: web.Request) -> web.Response:
    return web.Response(text="<html></html>", content_type="text/html")


async def ld_json(request: web.Request) -> web.Response:
    return web.Response(
        text=json.dumps({"id": str(request.url)}),
        headers={
            "Content-Type": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
        },
    )


async def plain_json(request: web.Request) -> web.Response:
    return ap({"id": str(request.url)}, content_type="application/json")


async def not_object(request: web.Request) -> web.Response:
    return web.Response(text="[1, 2]", content_type=AP_JSON)


async def bad_json(request: web.Request) -> web.Response:
    return web.Response(text='{"id": ', content_type=AP_JSON)


async def deep_json(request: web.Request) -> web.Response:
    return web.Response(text="[" * 100_000 + "]" * 100_000, content_type=AP_JSON)


async def gone(request: web.Request) -> web.Response:
    raise web.HTTPGone()


async def no_location(request: web.Request) -> web.Response:
    return web.Response(status=302)


@web.middleware
async def record(request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
    request.app[SEEN].append((request.path, request.headers.get("Signature")))
    response: web.StreamResponse = await handler(request)
    return response


def peer_app() -> web.Application:
    app = web.Application(middlewares=[record])
    app[RELEASE] = asyncio.Event()
    app[SEEN] = []
    app.router.add_get("/objects/{name}", obj)
    app.router.add_get("/chain/{hops}/{name}", redirect_chain)
    app.router.add_get("/loop", loop)
    app.router.add_get("/spoofed", spoofed)
    app.router.add_get("/hop-to-upload", hop_to_upload)
    app.router.add_get("/uploads/x.json", upload)
    app.router.add_get("/actor", actor)
    app.router.add_get("/big-streamed", big_streamed)
    app.router.add_get("/big-declared", big_declared)
    app.router.add_get("/stall-body", stall_body)
    app.router.add_get("/stall-headers", stall_headers)
    app.router.add_get("/html", html)
    app.router.add_get("/ld", ld_json)
    app.router.add_get("/json", plain_json)
    app.router.add_get("/not-object", not_object)
    app.router.add_get("/bad-json", bad_json)
    app.router.add_get("/deep-json", deep_json)
    app.router.add_get("/gone", gone)
    app.router.add_get("/no-location", no_location)
    return app


@pytest.fixture
async def peer(aiohttp_server: AiohttpServer) -> AsyncIterator[TestServer]:
    server = await aiohttp_server(peer_app())
    yield server
    server.app[RELEASE].set()


@pytest.fixture
async def make_net(peer: TestServer) -> AsyncIterator[Callable[..., LoopbackNet]]:
    nets: list[LoopbackNet] = []

    def make(policy: AddressPolicy | None = None, **kwargs: Any) -> LoopbackNet:
        chosen = policy or AddressPolicy.from_setting(f"127.0.0.1:{peer.port}")
        net = loopback_fetcher(chosen, **kwargs)
        nets.append(net)
        return net

    yield make
    for net in nets:
        await net.fetcher.close()


def url(peer: TestServer, path: str) -> str:
    return str(peer.make_url(path))


async def reason(fetcher: RemoteFetcher, target: str) -> str:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch_json(target)
    return info.value.reason


async def test_fetches_an_object(peer: TestServer, make_net: Callable[..., LoopbackNet]) -> None:
    net = make_net()
    result = await net.fetcher.fetch_object(url(peer, "/objects/a"))
    assert result.final_url == url(peer, "/objects/a")
    assert result.document == {"id": url(peer, "/objects/a"), "type": "Note"}
    assert result.status == 200
    assert net.sockets.hosts == {"127.0.0.1"}


@pytest.mark.parametrize("path", ["/ld", "/json"])
async def test_json_content_types_are_accepted(
    peer: TestServer, make_net: Callable[..., LoopbackNet], path: str
) -> None:
    result = await make_net().fetcher.fetch_json(url(peer, path))
    assert result.document["id"] == url(peer, path)


async def test_follows_five_redirects_and_reports_the_final_url(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    result = await make_net().fetcher.fetch_object(url(peer, "/chain/5/b"))
    assert result.final_url == url(peer, "/objects/b")
    assert result.document["id"] == url(peer, "/objects/b")


async def test_refuses_a_sixth_redirect(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    assert await reason(make_net().fetcher, url(peer, "/chain/6/b")) == "too-many-redirects"
    assert "/objects/b" not in [path for path, _ in peer.app[SEEN]]


async def test_redirect_limit_is_configurable(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    net = make_net(limits=FetchLimits(max_redirects=1))
    assert await reason(net.fetcher, url(peer, "/chain/2/b")) == "too-many-redirects"
    assert (await net.fetcher.fetch_json(url(peer, "/chain/1/b"))).status == 200


async def test_refuses_a_redirect_loop(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    assert await reason(make_net().fetcher, url(peer, "/loop")) == "redirect-loop"


async def test_refuses_a_redirect_without_location(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    assert await reason(make_net().fetcher, url(peer, "/no-location")) == "redirect-invalid"


async def test_object_id_must_match_the_url(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    with pytest.raises(FetchError) as info:
        await make_net().fetcher.fetch_object(url(peer, "/spoofed"))
    assert info.value.reason == "origin-mismatch"


async def test_object_id_is_compared_with_the_final_url_not_the_first(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    fetcher = make_net().fetcher
    raw = await fetcher.fetch_json(url(peer, "/hop-to-upload"))
    assert raw.document["id"] == url(peer, "/hop-to-upload")
    with pytest.raises(FetchError) as info:
        await fetcher.fetch_object(url(peer, "/hop-to-upload"))
    assert info.value.reason == "origin-mismatch"


async def test_fetch_key_returns_the_actor_document(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    key_id = url(peer, "/actor") + "#main-key"
    result = await make_net().fetcher.fetch_key(key_id)
    assert result.final_url == url(peer, "/actor")
    assert result.document["publicKey"]["id"] == key_id
    assert peer.app[SEEN][-1][0] == "/actor"


async def test_fetch_key_refuses_a_document_from_another_origin(
    aiohttp_server: AiohttpServer, make_net: Callable[..., LoopbackNet]
) -> None:
    other = await aiohttp_server(peer_app())

    async def to_other(request: web.Request) -> web.Response:
        raise web.HTTPFound(url(other, "/actor"))

    redirecting = web.Application()
    redirecting.router.add_get("/actor", to_other)
    first = await aiohttp_server(redirecting)
    policy = AddressPolicy.from_setting(f"127.0.0.1:{first.port},127.0.0.1:{other.port}")
    with pytest.raises(FetchError) as info:
        await make_net(policy).fetcher.fetch_key(url(first, "/actor") + "#main-key")
    assert info.value.reason == "origin-mismatch"
    assert other.app[SEEN] == [("/actor", None)]


async def test_streamed_body_over_the_cap_is_refused(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    net = make_net(limits=FetchLimits(max_bytes=8 * 1024))
    assert await reason(net.fetcher, url(peer, "/big-streamed")) == "fetch-too-large"


async def test_declared_length_over_the_cap_is_refused(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    net = make_net(limits=FetchLimits(max_bytes=1024))
    assert await reason(net.fetcher, url(peer, "/big-declared")) == "fetch-too-large"


async def test_body_under_the_cap_is_read(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    net = make_net(limits=FetchLimits(max_bytes=128 * 1024))
    result = await net.fetcher.fetch_json(url(peer, "/big-streamed"))
    assert len(result.document["padding"]) == 64 * 1024


@pytest.mark.parametrize("path", ["/stall-body", "/stall-headers"])
async def test_deadline_covers_the_whole_request(
    peer: TestServer, make_net: Callable[..., LoopbackNet], path: str
) -> None:
    net = make_net(limits=FetchLimits(deadline=0.05))
    assert await reason(net.fetcher, url(peer, path)) == "fetch-timeout"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/html", "fetch-not-json"),
        ("/not-object", "fetch-invalid-json"),
        ("/bad-json", "fetch-invalid-json"),
        ("/deep-json", "fetch-invalid-json"),
        ("/missing", "fetch-status"),
    ],
)
async def test_bad_answers_are_refused(
    peer: TestServer, make_net: Callable[..., LoopbackNet], path: str, expected: str
) -> None:
    assert await reason(make_net().fetcher, url(peer, path)) == expected


async def test_status_error_carries_the_upstream_status(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    with pytest.raises(FetchStatusError) as info:
        await make_net().fetcher.fetch_json(url(peer, "/gone"))
    assert info.value.upstream_status == 410
    assert info.value.reason == "fetch-status"


async def test_every_hop_is_signed_for_its_own_url(
    peer: TestServer, make_net: Callable[..., LoopbackNet]
) -> None:
    calls: list[tuple[str, str, dict[str, str], bytes | None]] = []

    def sign(
        method: str, target: str, headers: Mapping[str, str], body: bytes | None
    ) -> dict[str, str]:
        calls.append((method, target, dict(headers), body))
        return {"Signature": f"test-signature {target}"}

    net = make_net(sign=sign)
    await net.fetcher.fetch_object(url(peer, "/chain/3/c"))
    paths = ["/chain/3/c", "/chain/2/c", "/chain/1/c", "/objects/c"]
    hops = [url(peer, path) for path in paths]
    assert [call[1] for call in calls] == hops
    assert {call[0] for call in calls} == {"GET"}
    assert all(call[3] is None and "Accept" in call[2] for call in calls)
    assert peer.app[SEEN] == [
        (path, f"test-signature {hop}") for path, hop in zip(paths, hops, strict=True)
    ]


async def test_unparseable_url_is_refused(make_net: Callable[..., LoopbackNet]) -> None:
    assert await reason(make_net().fetcher, "http://[::1") == "url-invalid"


async def test_given_session_is_used_and_left_open(peer: TestServer) -> None:
    policy = AddressPolicy.from_setting(f"127.0.0.1:{peer.port}")
    async with aiohttp.ClientSession() as session:
        async with RemoteFetcher(policy, session=session) as fetcher:
            result = await fetcher.fetch_json(url(peer, "/objects/d"))
        assert result.status == 200
        assert not session.closed


async def test_default_session_is_guarded_and_closed(peer: TestServer) -> None:
    policy = AddressPolicy.from_setting(f"127.0.0.1:{peer.port}")
    fetcher = RemoteFetcher(policy)
    try:
        assert (await fetcher.fetch_object(url(peer, "/objects/e"))).status == 200
        assert await reason(fetcher, "https://10.0.0.1/") == "address-refused"
    finally:
        await fetcher.close()
