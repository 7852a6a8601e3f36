"""Trust from the attacker's side: host-normalisation tricks around a block, the
allowlist mode, a flooding peer, and moderation traffic from peers who may not
send it. (Catalogue: CVE-2023-42451, Lemmy #3251, the generic flood row.)"""

from __future__ import annotations

from typing import Any

import pytest

from node.ap.ports.directories import StoreSoftware
from node.ap.software import SoftwareDirectory
from schemas.vocab import Role
from tests.hostile.conftest import Net, NetFactory
from tests.hostile.harness import Actor, sign


async def _block(net: Net, host: str) -> None:
    await net.target.call(
        "PUT", f"/api/v1/admin/peers/{host}", {"level": "blocked"}, role=Role.ADMIN, expect=200
    )


@pytest.mark.parametrize(
    ("blocked", "actor_base"),
    [
        ("evil.test", "http://EVIL.test:{port}"),
        ("evil.test", "http://evil.test.:{port}"),
        ("evil.test", "http://sub.evil.test:{port}"),
        ("evil.test", "http://Sub.EVIL.Test.:{port}"),
        ("EVIL.TEST.", "http://evil.test:{port}"),
        ("evil.test:443", "http://evil.test:{port}"),
        ("bücher.test", "http://xn--bcher-kva.test:{port}"),
        ("xn--bcher-kva.test", "http://BÜCHER.test:{port}"),
    ],
)
async def test_host_normalisation_never_lets_a_blocked_domain_through(
    net: Net, blocked: str, actor_base: str
) -> None:
    await _block(net, blocked)
    base = actor_base.format(port=net.hostile.port)
    # The key is never fetched: the block is checked on the actor's host first.
    evil = Actor(base, "x", net.mallory.keys)
    activity = evil.activity("Like", f"{net.alice.id}/1", "blocked")
    body, headers = net.signed(evil, activity, key_id=net.mallory.key_id)
    await net.expect_refusal(body, headers, 403, "peer-blocked")
    assert not {"evil.test", "sub.evil.test", "xn--bcher-kva.test"} & net.hostile.hosts_contacted()


async def test_allowlist_mode_refuses_an_unknown_peer(net: Net) -> None:
    await net.target.call(
        "PUT", "/api/v1/admin/policy", {"mode": "allowlist"}, role=Role.ADMIN, expect=200
    )
    body, headers = net.signed(net.mallory, net.mallory.activity("Like", net.alice.id, "al"))
    await net.expect_refusal(body, headers, 403, "peer-not-allowlisted")


async def test_a_flooding_peer_gets_429_and_the_others_are_served(make_net: NetFactory) -> None:
    net: Net = await make_net(warm=False, inbox_burst=3, inbox_rate_per_minute=1)
    for n in range(3):
        activity = net.mallory.activity("Like", net.alice.id, f"flood-{n}")
        assert (await net.send(net.mallory, activity))[0] == 202
    body, headers = net.signed(net.mallory, net.mallory.activity("Like", net.alice.id, "f-4"))
    await net.expect_refusal(body, headers, 429, "rate-limited")
    response = await net.target.client.post("/inbox", data=body, headers=headers)
    assert int(response.headers["Retry-After"]) >= 1
    other = net.alice.activity("Like", net.mallory.id, "not-slowed")
    assert (await net.send(net.alice, other))[0] == 202, "one flood never slows the others"


async def test_a_report_from_an_untrusted_peer_is_dropped(net: Net) -> None:
    flag = net.mallory.activity("Flag", [net.target.actor_id], "flag", content="spam!")
    await net.expect_drop(net.mallory, flag, "flag-refused")


async def test_a_follow_of_someone_else_is_dropped(net: Net) -> None:
    # The sender's NodeInfo is learnt on any Follow (a cache): learn it first.
    federation = net.target.federation
    cache = StoreSoftware(net.target.services.store)
    await SoftwareDirectory(cache, federation.fetcher, net.clock).learn(net.mallory.id)
    follow = net.mallory.activity("Follow", net.alice.id, "misdirected")
    await net.expect_drop(net.mallory, follow, "follow-not-for-us")


async def test_a_blocked_peers_follow_never_reaches_the_worker(net: Net) -> None:
    await _block(net, "hostile.test")
    follow = net.mallory.activity("Follow", net.target.actor_id, "blocked-follow")
    body = sign_body(follow)
    await net.expect_refusal(
        body, sign(net.mallory, net.inbox, body, net.clock), 403, "peer-blocked"
    )
    assert await net.target.services.store.reader.follows.follower(net.mallory.id) is None


def sign_body(activity: dict[str, Any]) -> bytes:
    import json

    return json.dumps(activity).encode()
