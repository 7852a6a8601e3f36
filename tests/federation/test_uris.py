"""The one URL module: every URL we mint parses back to what built it, anyone else's
(and malformed ones) parse to None, and nothing else in the source formats our URLs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from federation.uris import (
    ClaimKind,
    Uris,
    account_host,
    authority_of,
    item_note,
    key_id,
    nodeinfo_links_url,
    origin_of,
)
from schemas.vocab import Purpose

BASE = "https://food.example"
URIS = Uris(BASE)
ROOT = Path(__file__).resolve().parents[2]


def test_the_design_brief_shapes() -> None:
    """Section 3a of the design brief; peers store these, so they never change."""
    assert URIS.actor == f"{BASE}/actor"
    assert URIS.main_key == f"{BASE}/actor#main-key"
    assert URIS.key("ed25519-key") == f"{BASE}/actor#ed25519-key"
    assert URIS.inbox == f"{BASE}/actor/inbox"
    assert URIS.shared_inbox == f"{BASE}/inbox"
    assert URIS.outbox == f"{BASE}/actor/outbox"
    assert URIS.followers == f"{BASE}/actor/followers"
    assert URIS.following == f"{BASE}/actor/following"
    assert URIS.partners == f"{BASE}/actor/partners"
    assert URIS.item(Purpose.OFFER, "a1") == f"{BASE}/offers/a1"
    assert URIS.item("request", "b2") == f"{BASE}/requests/b2"
    assert URIS.intent(Purpose.OFFER, "a1") == f"{BASE}/offers/a1#primary"
    assert item_note(URIS.item(Purpose.OFFER, "a1")) == f"{BASE}/offers/a1/note"
    assert URIS.instance == f"{BASE}/instance"
    assert URIS.instance_main_key == f"{BASE}/instance#main-key"
    assert URIS.instance_inbox == f"{BASE}/instance/inbox"
    assert URIS.account("group") == "acct:group@food.example"
    assert URIS.webfinger_template == f"{BASE}/.well-known/webfinger?resource={{uri}}"
    assert URIS.nodeinfo("2.1") == f"{BASE}/nodeinfo/2.1"
    assert key_id("https://peer.example/u/1", "k") == "https://peer.example/u/1#k"


def test_collection_pages() -> None:
    assert URIS.outbox_page() == f"{BASE}/actor/outbox?page=true"
    assert URIS.outbox_page(42) == f"{BASE}/actor/outbox?page=true&before=42"
    assert Uris.collection_page(URIS.followers, 3) == f"{BASE}/actor/followers?page=3"


def test_links_notifications_send() -> None:
    assert URIS.home == f"{BASE}/"
    assert URIS.unsubscribe("t.k") == f"{BASE}/unsubscribe?token=t.k"
    assert URIS.item_page("offer", "a1") == f"{BASE}/items/offers/a1"
    assert (
        URIS.peer_item_page("https://p.example/offers/1?x=1")
        == f"{BASE}/feed/item?id=https%3A%2F%2Fp.example%2Foffers%2F1%3Fx%3D1"
    )
    assert URIS.admin_page("peers") == f"{BASE}/admin/peers"
    assert URIS.renew_api("request", "b2") == f"{BASE}/api/v1/requests/b2/renew"
    assert URIS.webhook_deliveries_api(7) == f"{BASE}/api/v1/admin/webhooks/7/deliveries"
    assert URIS.notification_deliveries_api == f"{BASE}/api/v1/admin/notifications/deliveries"


@pytest.mark.parametrize("purpose", list(Purpose))
def test_items_round_trip(purpose: Purpose) -> None:
    item = URIS.item(purpose, "0b9f-11")
    assert URIS.item_of(item) == (purpose, "0b9f-11")
    assert URIS.item_of(URIS.intent(purpose, "0b9f-11")) == (purpose, "0b9f-11")


def test_activities_claim_objects_and_keys_round_trip() -> None:
    assert URIS.activity_of(URIS.activity("c3")) == "c3"
    assert URIS.activity_of(URIS.new_activity()) is not None
    for kind in get_args(ClaimKind):
        minted = URIS.new_claim_object(kind)
        assert URIS.claim_object_of(minted) == (kind, minted.rsplit("/", 1)[1])
    assert URIS.key_fragment_of(URIS.main_key) == "main-key"
    assert URIS.key_fragment_of(URIS.key("ed25519-key-20250101")) == "ed25519-key-20250101"


def test_fresh_ids_differ() -> None:
    assert URIS.new_activity() != URIS.new_activity()
    assert URIS.new_claim_object("agreements") != URIS.new_claim_object("agreements")


def test_relay_notes_are_stable_per_proposal() -> None:
    first = URIS.relay_note("https://peer.example/offers/1")
    assert first == URIS.relay_note("https://peer.example/offers/1")
    assert first != URIS.relay_note("https://peer.example/offers/2")
    assert re.fullmatch(rf"{BASE}/notes/[0-9a-f]{{32}}", first)


@pytest.mark.parametrize(
    "iri",
    [
        "https://peer.example/offers/a1",  # a peer's item
        "http://food.example/offers/a1",  # another scheme
        "https://food.example.evil/offers/a1",  # a longer host
        "https://food.example:8443/offers/a1",  # another port
        f"{BASE}/offers/",  # no id
        f"{BASE}/offers",
        f"{BASE}/offers/a1/note",  # below an item
        f"{BASE}/offers/a1?page=1",
        f"{BASE}/items/offers/a1",  # a page, not the object
        f"{BASE}/activities/a1",
        f"{BASE}/actor",
        BASE,
        "",
        "offers/a1",
    ],
)
def test_anything_else_is_not_our_item(iri: str) -> None:
    assert URIS.item_of(iri) is None


@pytest.mark.parametrize(
    "iri",
    [
        "https://peer.example/activities/c3",
        f"{BASE}/activities/",
        f"{BASE}/activities/c3/x",
        f"{BASE}/offers/c3",
    ],
)
def test_foreign_or_malformed_activities(iri: str) -> None:
    assert URIS.activity_of(iri) is None
    assert URIS.claim_object_of(iri) is None


@pytest.mark.parametrize(
    "iri",
    [
        f"{BASE}/commitments/",
        f"{BASE}/votes/1",
        "https://peer.example/agreements/1",
        f"{BASE}/agreements/1#x",
    ],
)
def test_foreign_or_malformed_claim_objects(iri: str) -> None:
    assert URIS.claim_object_of(iri) is None


@pytest.mark.parametrize(
    "iri",
    [
        URIS.actor,
        f"{URIS.actor}#",
        f"{URIS.instance}#main-key",
        "https://peer.example/actor#main-key",
        f"{URIS.inbox}#main-key",
    ],
)
def test_not_our_actor_keys(iri: str) -> None:
    assert URIS.key_fragment_of(iri) is None


def test_is_ours() -> None:
    assert URIS.is_ours(BASE)
    assert URIS.is_ours(URIS.item(Purpose.OFFER, "a1"))
    assert not URIS.is_ours("https://food.example.evil/actor")
    assert not URIS.is_ours("https://peer.example/actor")


def test_received_keeps_our_scheme() -> None:
    """Behind a TLS proxy aiohttp sees http; the signed URL is the public one."""
    assert URIS.received("food.example", "/inbox?x=1") == "https://food.example/inbox?x=1"
    assert Uris("http://127.0.0.1:8080").received("h:1", "/a") == "http://h:1/a"


@pytest.mark.parametrize(
    ("url", "origin", "authority"),
    [
        ("https://peer.example/actor", "https://peer.example", "peer.example"),
        ("https://peer.example:8443/u/1#k", "https://peer.example:8443", "peer.example:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("http://[::1]:8080/inbox", "http://[::1]:8080", "[::1]:8080"),
        ("https://Peer.Example/x?y", "https://Peer.Example", "Peer.Example"),
    ],
)
def test_origins_and_authorities(url: str, origin: str, authority: str) -> None:
    assert origin_of(url) == origin
    assert authority_of(url) == authority
    assert nodeinfo_links_url(origin_of(url)) == f"{origin}/.well-known/nodeinfo"


@pytest.mark.parametrize("url", ["peer.example", "/actor", "acct:g@peer.example", "", "https://"])
def test_no_origin_without_scheme_and_host(url: str) -> None:
    with pytest.raises(ValueError, match="not an absolute URL"):
        origin_of(url)
    with pytest.raises(ValueError, match="not an absolute URL"):
        authority_of(url)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://Food.Example", "food.example"),
        ("https://food.example:443", "food.example"),
        ("http://food.example:80", "food.example"),
        ("https://food.example:8443", "food.example:8443"),
        ("http://127.0.0.1:8080", "127.0.0.1:8080"),
    ],
)
def test_the_webfinger_host_drops_only_the_default_port(url: str, host: str) -> None:
    assert account_host(url) == host
    assert Uris(url).host == host


def test_only_the_uris_module_formats_our_urls() -> None:
    """Every ``{public_url}/…`` is written in federation/uris.py, nowhere else."""
    pattern = re.compile(r"public_url\s*}\s*[/#?]")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("node", "federation", "admin", "schemas")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "federation" / "uris.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith(('"""', "#"))
    ]
    assert offenders == []
