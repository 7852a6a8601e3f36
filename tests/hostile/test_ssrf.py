"""Every URL a peer controls, pointed where it must not lead: key ids, redirects,
NodeInfo links, inboxes and WebFinger answers naming loopback, private, link-local,
IPv4-mapped and numerically encoded addresses, plus redirect loops, slow drips
and hangs. No connection to a refused address is ever attempted: the socket
factory records attempts, and teardown asserts that nothing left loopback.
(Catalogue: owncast #5121, CVE-2025-23221, CVE-2026-62857, CVE-2026-77632,
CVE-2026-34148, CVE-2023-36461, CVE-2025-68475, GHSA-vwhj-3g83-v276.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from federation.fetch import FetchLimits
from tests.hostile.conftest import API_LOG, INBOX_LOG, Net
from tests.hostile.harness import AP_JSON, json_doc, raw, redirect

REDIS = 6379


def _like(net: Net, n: str) -> dict[str, Any]:
    return net.mallory.activity("Like", f"{net.alice.id}/notes/1", n)


@pytest.mark.parametrize(
    ("key_id", "address", "why"),
    [
        ("http://127.0.0.1:6379/admin#k", "127.0.0.1", "loopback"),
        ("http://10.0.0.1/key#k", "10.0.0.1", "private"),
        ("http://169.254.169.254/latest/meta-data#k", "169.254.169.254", "link-local"),
        ("http://[::ffff:127.0.0.1]:6379/#k", "::ffff:127.0.0.1", "loopback"),
        ("http://[::127.0.0.1]:6379/#k", "::127.0.0.1", "IPv4-compatible"),
        ("http://[64:ff9b::a9fe:a9fe]/#k", "64:ff9b::a9fe:a9fe", "link-local"),
        ("http://[::1]:6379/#k", "::1", "loopback"),
        ("http://2130706433:6379/#k", "127.0.0.1", "loopback"),
        ("http://0x7f000001:6379/#k", "127.0.0.1", "loopback"),
        ("http://127.1:6379/#k", "127.0.0.1", "loopback"),
        ("http://100.64.0.1/#k", "100.64.0.1", "CGNAT"),
        ("https://intranet.test/#k", "10.20.30.40", "private"),
        ("https://metadata.test/latest#k", "169.254.169.254", "link-local"),
        ("file:///etc/passwd#k", "", "is not fetched"),
        ("gopher://127.0.0.1:6379/_INFO#k", "127.0.0.1", "is not fetched"),
    ],
)
async def test_a_key_id_pointing_inside_is_refused_without_a_connection(
    net: Net, key_id: str, address: str, why: str
) -> None:
    body, headers = net.signed(net.mallory, _like(net, why), key_id=key_id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged(INBOX_LOG, why)
    # Loopback itself is reachable in tests (the hostile server lives there): for
    # loopback targets the refused port is what must never have been tried.
    port = REDIS if address == "127.0.0.1" else None
    assert net.refused_at(address, port), f"a connection to {address} was attempted"
    assert net.refused_at("127.0.0.1", REDIS)


def _key_url(net: Net, path: str) -> str:
    return f"{net.hostile.base('hostile.test')}{path}"


async def test_a_key_redirect_to_a_private_address_is_not_followed(net: Net) -> None:
    """CVE-2026-77632: the signed GET must never be sent to the redirect target."""
    key_id = _key_url(net, "/keys/r#k")
    net.hostile.serve(key_id, redirect("http://10.0.0.1/admin"))
    body, headers = net.signed(net.mallory, _like(net, "redirect"), key_id=key_id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.hostile.hits(key_id) == 1
    assert net.refused_at("10.0.0.1")


async def test_a_key_redirect_to_another_scheme_is_not_followed(net: Net) -> None:
    key_id = _key_url(net, "/keys/file#k")
    net.hostile.serve(key_id, redirect("file:///etc/passwd"))
    body, headers = net.signed(net.mallory, _like(net, "file"), key_id=key_id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged(INBOX_LOG, "is not fetched")


async def test_a_self_redirecting_key_url_is_a_loop(net: Net) -> None:
    key_id = _key_url(net, "/keys/loop#k")
    net.hostile.serve(key_id, redirect(key_id.split("#")[0]))
    body, headers = net.signed(net.mallory, _like(net, "loop"), key_id=key_id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged(INBOX_LOG, "redirect loop")
    assert net.hostile.hits(key_id) == 1


async def test_a_redirect_chain_is_cut_after_five_hops(net: Net) -> None:
    for hop in range(10):
        net.hostile.serve(_key_url(net, f"/hop/{hop}"), redirect(_key_url(net, f"/hop/{hop + 1}")))
    key_id = _key_url(net, "/hop/0#k")
    body, headers = net.signed(net.mallory, _like(net, "chain"), key_id=key_id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged(INBOX_LOG, "more than 5 redirects")
    assert sum(net.hostile.hits(_key_url(net, f"/hop/{hop}")) for hop in range(10)) == 6


async def test_a_missing_key_is_fetched_once_however_often_it_is_named(net: Net) -> None:
    key_id = _key_url(net, "/keys/gone#k")
    for n in range(20):
        body, headers = net.signed(net.mallory, _like(net, f"gone-{n}"), key_id=key_id)
        await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.hostile.hits(key_id) == 1, "the negative cache answers the rest"


def _short_deadline(net: Net) -> None:
    # A small injected budget: the reason code is asserted, never a duration.
    net.target.federation.fetcher._limits = FetchLimits(deadline=0.4, connect_timeout=0.4)


@pytest.mark.parametrize("how", ["drip", "hang", "stall"])
async def test_a_slow_key_server_is_cut_by_the_whole_request_deadline(net: Net, how: str) -> None:
    _short_deadline(net)
    key_id = _key_url(net, f"/keys/{how}#k")
    document = json.dumps(net.mallory.document()).encode()
    responder = {
        "drip": net.hostile.drip(document, every=0.05),
        "hang": net.hostile.hang(),
        "stall": net.hostile.stall(),
    }[how]
    net.hostile.serve(key_id, responder)
    body, headers = net.signed(net.mallory, _like(net, how), key_id=key_id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged(INBOX_LOG, "took too long")


async def test_an_oversized_key_document_is_refused(net: Net) -> None:
    key_id = _key_url(net, "/keys/huge#k")
    net.hostile.serve(key_id, raw(b'{"id": "' + b"x" * 2_000_000 + b'"}'))
    body, headers = net.signed(net.mallory, _like(net, "huge"), key_id=key_id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged(INBOX_LOG, "declares")


async def test_html_where_a_key_should_be_is_never_parsed(net: Net) -> None:
    """CVE-2025-68475: a document loader's HTML scan was a ReDoS; we never parse HTML."""
    key_id = _key_url(net, "/keys/html#k")
    net.hostile.serve(key_id, raw(b"<link " * 150_000, content_type="text/html"))
    body, headers = net.signed(net.mallory, _like(net, "html"), key_id=key_id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged(INBOX_LOG, "not JSON")


def _follow(net: Net, who: Any, n: str) -> dict[str, Any]:
    return who.activity("Follow", net.target.actor_id, n)


@pytest.mark.parametrize(
    "href",
    ["http://127.0.0.1:6379/nodeinfo", "data:application/json,{}", "same-host-redirect"],
)
async def test_nodeinfo_links_inside_are_never_fetched(net: Net, href: str) -> None:
    """CVE-2026-62857: the second hop of NodeInfo discovery is checked too."""
    base = net.hostile.base("hostile.test")
    if href == "same-host-redirect":
        href = f"{base}/nodeinfo/evil"
        net.hostile.serve(href, redirect("http://10.0.0.1/nodeinfo"))
    links = {"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": href}]}
    net.hostile.serve(f"{base}/.well-known/nodeinfo", json_doc(links))
    follow = _follow(net, net.mallory, "nodeinfo")
    assert (await net.send(net.mallory, follow))[0] == 202
    await net.settle()
    assert (await net.outcomes())[follow["id"]] == "done:follow-accepted"
    software = await net.target.services.store.reader.peers.software(net.mallory.host)
    assert software == "unknown"
    assert net.refused_at("127.0.0.1", REDIS) and net.refused_at("10.0.0.1")


async def test_an_actor_whose_inbox_points_inside_cannot_even_post(net: Net) -> None:
    eve = net.hostile.actor("hostile.test", "eve")
    document = eve.document(inbox="http://127.0.0.1:6379/inbox")
    net.hostile.serve(eve.id, json_doc(document))
    body, headers = net.signed(eve, _follow(net, eve, "inside"))
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged(INBOX_LOG, "inbox is on another host")
    await net.settle()
    assert net.refused_at("127.0.0.1", REDIS)


async def test_a_shared_inbox_on_a_private_address_is_ignored(net: Net) -> None:
    eve = net.hostile.actor("hostile.test", "eve")
    document = eve.document(endpoints={"sharedInbox": "http://169.254.169.254/inbox"})
    net.hostile.serve(eve.id, json_doc(document))
    follow = _follow(net, eve, "shared")
    assert (await net.send(eve, follow))[0] == 202
    await net.settle()
    assert (await net.outcomes())[follow["id"]] == "done:follow-accepted"
    accepted = [body for path, body in net.hostile.posts if body.get("type") == "Accept"]
    assert len(accepted) == 1, "the Accept went to eve's own inbox"
    assert net.hostile.posts[-1][0] == f"hostile.test{eve.inbox.split(':', 2)[2][5:]}"
    assert net.refused_at("169.254.169.254")


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("file:///etc/passwd", "scheme-refused"),
        ("http://169.254.169.254/.well-known/webfinger", "address-refused"),
        ("loop", "redirect-loop"),
    ],
)
async def test_webfinger_answers_pointing_inside_are_refused(
    net: Net, location: str, reason: str
) -> None:
    """CVE-2025-23221: WebFinger redirects are checked like every other hop."""
    base = net.hostile.base("hostile.test")
    webfinger = f"{base}/.well-known/webfinger"
    net.hostile.serve(webfinger, redirect(webfinger if location == "loop" else location))
    before = net.target.dump()
    net.caplog.clear()
    problem = await net.target.call(
        "POST",
        "/api/v1/admin/following",
        {"target": f"mallory@hostile.test:{net.hostile.port}"},
        role=_admin(),
        expect=502,
    )
    assert problem["reason"] == reason
    assert net.logged(API_LOG, f"status=502 reason={reason}")
    assert net.target.dump() == before
    assert net.refused_at("169.254.169.254")


async def test_a_webfinger_link_to_another_host_is_not_believed(net: Net) -> None:
    webfinger = f"{net.hostile.base('hostile.test')}/.well-known/webfinger"
    jrd = {
        "subject": "acct:mallory@hostile.test",
        "links": [{"rel": "self", "type": AP_JSON, "href": net.alice.id}],
    }
    net.hostile.serve(webfinger, json_doc(jrd, content_type="application/jrd+json"))
    before = net.target.dump()
    net.caplog.clear()
    problem = await net.target.call(
        "POST",
        "/api/v1/admin/following",
        {"target": f"mallory@hostile.test:{net.hostile.port}"},
        role=_admin(),
        expect=404,
    )
    assert problem["reason"] == "actor-not-found"
    assert net.logged(API_LOG, "status=404 reason=actor-not-found")
    assert net.target.dump() == before


def _admin() -> Any:
    from schemas.vocab import Role

    return Role.ADMIN
