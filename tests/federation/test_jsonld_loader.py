"""The offline document loader: every bundled context by URL and its variants, nothing else.

Every test runs with IP sockets and DNS refused (and recorded), so a loader
bug that reached for the network fails here even if pyld swallowed the error.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from pyld import jsonld as pyld_jsonld
from pyld.jsonld import JsonLdError

from federation.jsonld import (
    UnknownContextError,
    compact,
    expand,
    is_bundled,
    load_document,
    normalize_url,
)
from schemas.contexts import (
    SOLIDARITY_CONTEXT_URL,
    bundled_contexts,
    load_context,
    solidarity_context,
)

AS = "https://www.w3.org/ns/activitystreams"
REQUIRED = {
    AS,
    "https://w3id.org/security/v1",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/credentials/examples/v2",
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Refuse and record every IP connection and name lookup; AF_UNIX stays usable."""
    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def refuse(address: object) -> None:
        attempts.append(address)
        raise OSError(f"test forbids network access (tried {address!r})")

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            refuse(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            refuse(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list[Any]:
        refuse(host)
        return []

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert attempts == [], f"network access attempted: {attempts}"


def test_every_required_context_is_bundled() -> None:
    assert set(bundled_contexts()) >= REQUIRED
    assert load_document.canonical_urls() == {*bundled_contexts(), SOLIDARITY_CONTEXT_URL}


@pytest.mark.parametrize("url", sorted(REQUIRED))
def test_loader_serves_each_bundled_context(url: str) -> None:
    remote = load_document(url, {})
    assert remote["documentUrl"] == url
    assert remote["contextUrl"] is None
    assert remote["contentType"] == "application/ld+json"
    assert remote["document"] == load_context(bundled_contexts()[url].file)
    assert "@context" in remote["document"]


def test_loader_serves_our_own_context() -> None:
    remote = load_document(SOLIDARITY_CONTEXT_URL, {})
    assert remote["document"] == solidarity_context()


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.w3.org/ns/activitystreams/",
        "https://www.w3.org/ns/activitystreams#",
        "https://www.w3.org/ns/activitystreams#Public",
        "http://www.w3.org/ns/activitystreams",
        "HTTPS://WWW.W3.ORG/ns/activitystreams",
        "https://www.w3.org/ns/activitystreams.jsonld",
    ],
)
def test_loader_accepts_url_variants(variant: str) -> None:
    remote = load_document(variant, {})
    assert remote["documentUrl"] == AS
    assert remote["document"] == load_context("activitystreams.jsonld")


def test_trailing_slash_on_a_w3id_context() -> None:
    url = "https://w3id.org/security/data-integrity/v2/"
    assert load_document(url, {})["documentUrl"] == "https://w3id.org/security/data-integrity/v2"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/context.jsonld",
        "https://www.w3.org/ns/activitystreams?x=1",
        "https://w3id.org/security/v2",
        "https://www.w3.org/ns/did/v1",
        "http://joinmastodon.org/ns",
        "relative/context.jsonld",
        "",
    ],
)
def test_loader_refuses_unknown_urls(url: str) -> None:
    with pytest.raises(UnknownContextError) as caught:
        load_document(url, {})
    assert isinstance(caught.value, JsonLdError)
    assert caught.value.code == "loading document failed"
    assert caught.value.details == {"url": url}
    assert repr(url) in str(caught.value.args[0])
    assert "never fetched" in str(caught.value.args[0])
    assert not is_bundled(url)


def test_each_load_is_a_fresh_copy() -> None:
    first = load_document(AS, {})["document"]
    first["@context"]["Note"] = "https://attacker.example/Note"
    assert load_document(AS, {})["document"]["@context"]["Note"] == "as:Note"


def test_normalize_url() -> None:
    assert normalize_url("http://W3ID.org/security/v1/#x") == "https://w3id.org/security/v1"


def test_importing_the_package_makes_the_offline_loader_pyld_default() -> None:
    assert pyld_jsonld.get_document_loader() is load_document
    with pytest.raises(JsonLdError):
        pyld_jsonld.expand({"@context": "https://example.org/ctx", "name": "x"})


def test_expand_an_activity_offline() -> None:
    note = {
        "@context": [AS, "https://w3id.org/security/data-integrity/v2"],
        "id": "https://node.example/offers/1",
        "type": "Note",
        "content": "Two bags of rice",
        "to": "https://www.w3.org/ns/activitystreams#Public",
    }
    [expanded] = expand(note)
    assert expanded["@id"] == "https://node.example/offers/1"
    assert expanded["@type"] == ["https://www.w3.org/ns/activitystreams#Note"]
    assert expanded["https://www.w3.org/ns/activitystreams#content"] == [
        {"@value": "Two bags of rice"}
    ]
    assert expanded["https://www.w3.org/ns/activitystreams#to"] == [
        {"@id": "https://www.w3.org/ns/activitystreams#Public"}
    ]


def test_compact_back_to_activitystreams() -> None:
    expanded = [
        {
            "@id": "https://node.example/offers/1",
            "@type": ["https://www.w3.org/ns/activitystreams#Note"],
            "https://www.w3.org/ns/activitystreams#name": [{"@value": "Rice"}],
        }
    ]
    compacted = compact(expanded, AS)
    assert compacted == {
        "@context": AS,
        "id": "https://node.example/offers/1",
        "type": "Note",
        "name": "Rice",
    }


def test_expand_with_an_unknown_context_raises_the_loader_error() -> None:
    with pytest.raises(UnknownContextError) as caught:
        expand({"@context": [AS, "https://example.org/ns"], "name": "x"})
    assert caught.value.url == "https://example.org/ns"


def test_scoped_and_imported_unknown_contexts_are_refused_too() -> None:
    scoped = {
        "@context": {
            "thing": {"@id": "https://example.org/thing", "@context": "https://example.org/s"}
        }
    }
    with pytest.raises(UnknownContextError):
        expand({**scoped, "thing": {"name": "x"}})
    with pytest.raises(UnknownContextError):
        expand({"@context": {"@import": "https://example.org/i"}, "name": "x"})


def test_urls_are_never_dereferenced_as_documents() -> None:
    with pytest.raises(TypeError):
        expand("https://www.w3.org/ns/activitystreams")
