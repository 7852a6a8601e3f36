"""strip_unknown_contexts: unknown context URLs dropped, their terms undefined (as takahē does)."""

from __future__ import annotations

import copy
import socket
from typing import Any

import pytest

from federation.jsonld import expand, strip_unknown_contexts

AS = "https://www.w3.org/ns/activitystreams"
DI2 = "https://w3id.org/security/data-integrity/v2"
MASTODON = "http://joinmastodon.org/ns"
LITEPUB = "https://social.example/schemas/litepub-0.1.jsonld"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_bundled_contexts_are_kept_unchanged() -> None:
    document = {
        "@context": [AS, DI2, {"vf": "https://w3id.org/valueflows/ont/vf#"}],
        "type": "Note",
    }
    stripped, unknown = strip_unknown_contexts(document)
    assert stripped == document
    assert unknown == []


def test_unknown_urls_are_dropped_in_order_and_reported_once() -> None:
    document = {
        "@context": [AS, LITEPUB, {"@language": "und"}, MASTODON],
        "type": "Note",
        "object": {"@context": [LITEPUB, AS]},
    }
    stripped, unknown = strip_unknown_contexts(document)
    assert stripped == {
        "@context": [AS, {"@language": "und"}],
        "type": "Note",
        "object": {"@context": [AS]},
    }
    assert unknown == [LITEPUB, MASTODON]


def test_a_lone_unknown_context_removes_the_member() -> None:
    stripped, unknown = strip_unknown_contexts({"@context": LITEPUB, "name": "x"})
    assert stripped == {"name": "x"}
    assert unknown == [LITEPUB]


def test_all_unknown_entries_remove_the_member() -> None:
    stripped, unknown = strip_unknown_contexts({"@context": [LITEPUB, MASTODON], "name": "x"})
    assert stripped == {"name": "x"}
    assert unknown == [LITEPUB, MASTODON]


def test_scoped_contexts_and_imports_inside_definitions() -> None:
    document = {
        "@context": [
            AS,
            {
                "@import": "https://example.org/imported",
                "toot": "http://joinmastodon.org/ns#",
                "featured": {"@id": "toot:featured", "@type": "@id", "@context": LITEPUB},
                "listed": {"@id": "toot:listed", "@context": [AS, "https://example.org/s"]},
                "plain": {"@id": "toot:plain"},
            },
        ],
    }
    stripped, unknown = strip_unknown_contexts(document)
    assert stripped == {
        "@context": [
            AS,
            {
                "toot": "http://joinmastodon.org/ns#",
                "featured": {"@id": "toot:featured", "@type": "@id"},
                "listed": {"@id": "toot:listed", "@context": [AS]},
                "plain": {"@id": "toot:plain"},
            },
        ],
    }
    assert unknown == ["https://example.org/imported", LITEPUB, "https://example.org/s"]


def test_url_variants_of_bundled_contexts_are_kept() -> None:
    document = {"@context": ["http://www.w3.org/ns/activitystreams", f"{DI2}/"]}
    stripped, unknown = strip_unknown_contexts(document)
    assert stripped == document
    assert unknown == []


def test_null_and_arrays_of_documents() -> None:
    documents = [{"@context": [None, LITEPUB]}, {"@context": AS}, "plain", 3]
    stripped, unknown = strip_unknown_contexts(documents)
    assert stripped == [{"@context": [None]}, {"@context": AS}, "plain", 3]
    assert unknown == [LITEPUB]


def test_the_input_is_not_modified() -> None:
    document = {
        "@context": [AS, LITEPUB, {"x": {"@id": "https://example.org/x", "@context": LITEPUB}}],
        "object": {"@context": LITEPUB, "tag": [{"@context": MASTODON}]},
    }
    before = copy.deepcopy(document)
    stripped, _ = strip_unknown_contexts(document)
    assert document == before
    stripped["object"]["tag"].append("changed")
    assert document == before


def test_terms_of_a_stripped_context_become_undefined_on_expansion() -> None:
    document = {
        "@context": [AS, MASTODON, {"Hashtag": "as:Hashtag"}],
        "id": "https://social.example/notes/1",
        "type": "Note",
        "name": "Soup kitchen",
        "discoverable": True,
        "tag": {"type": "Hashtag", "name": "#food"},
    }
    stripped, unknown = strip_unknown_contexts(document)
    assert unknown == [MASTODON]
    [expanded] = expand(stripped)
    assert "https://www.w3.org/ns/activitystreams#name" in expanded
    assert "http://joinmastodon.org/ns#discoverable" not in expanded
    # ActivityStreams' "@vocab": "_:" turns undefined terms into blank-node
    # properties, which RDF conversion (and so any proof) drops.
    assert [key for key in expanded if "discoverable" in key] == ["_:discoverable"]
    [tag] = expanded["https://www.w3.org/ns/activitystreams#tag"]
    assert tag["@type"] == ["https://www.w3.org/ns/activitystreams#Hashtag"]
