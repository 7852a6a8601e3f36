"""Origin rules for fetched objects and keys (pure functions, no network)."""

from __future__ import annotations

import pytest
from yarl import URL

from federation.errors import FetchError
from federation.fetch.origin import check_key_origin, check_object_origin, same_url, url_origin


def reason_of_object(document: dict[str, object], final_url: str) -> str | None:
    try:
        check_object_origin(document, final_url)
    except FetchError as exc:
        return exc.reason
    return None


def reason_of_key(key_id: str, document: dict[str, object], final_url: str) -> str | None:
    try:
        check_key_origin(key_id, document, final_url)
    except FetchError as exc:
        return exc.reason
    return None


def test_url_origin_normalizes_host_and_port() -> None:
    assert url_origin(URL("https://Peer.Example.:443/x")) == ("https", "peer.example", 443)
    assert url_origin(URL("http://peer.example/x")) == ("http", "peer.example", 80)
    with pytest.raises(FetchError):
        url_origin(URL("urn:uuid:1"))


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("https://a.example/x", "https://a.example/x", True),
        ("https://A.example/x", "https://a.example:443/x", True),
        ("https://a.example./x", "https://a.example/x", True),
        ("https://a.example", "https://a.example/", True),
        ("https://a.example/x", "https://a.example/x/", False),
        ("https://a.example/x", "https://a.example/X", False),
        ("https://a.example/x?q=1", "https://a.example/x", False),
        ("https://a.example/x", "http://a.example/x", False),
        ("https://a.example/x", "https://a.example:8443/x", False),
        ("https://a.example/x#k", "https://a.example/x", False),
    ],
)
def test_same_url(left: str, right: str, same: bool) -> None:
    assert same_url(URL(left), URL(right)) is same


@pytest.mark.parametrize(
    ("document", "final_url", "reason"),
    [
        ({"id": "https://a.example/o/1"}, "https://a.example/o/1", None),
        ({"id": "https://a.example:443/o/1"}, "https://a.example/o/1", None),
        ({"id": "https://b.example/o/1"}, "https://a.example/o/1", "origin-mismatch"),
        ({"id": "https://a.example/o/2"}, "https://a.example/o/1", "origin-mismatch"),
        ({"id": "https://a.example/o/1"}, "https://a.example/media/1.json", "origin-mismatch"),
        ({"id": "/o/1"}, "https://a.example/o/1", "origin-mismatch"),
        ({"id": ["https://a.example/o/1"]}, "https://a.example/o/1", "origin-mismatch"),
        ({"id": "urn:uuid:1"}, "https://a.example/o/1", "origin-mismatch"),
        ({}, "https://a.example/o/1", "origin-mismatch"),
    ],
)
def test_object_id_must_equal_final_url(
    document: dict[str, object], final_url: str, reason: str | None
) -> None:
    assert reason_of_object(document, final_url) == reason


@pytest.mark.parametrize(
    ("key_id", "document", "final_url", "reason"),
    [
        # Mastodon style: the key is a fragment of the actor document.
        (
            "https://a.example/actor#main-key",
            {"id": "https://a.example/actor"},
            "https://a.example/actor",
            None,
        ),
        # GoToSocial style: a key path answered with a stub actor, after a redirect.
        (
            "https://a.example/users/x/main-key",
            {"id": "https://a.example/users/x"},
            "https://a.example/users/x",
            None,
        ),
        (
            "https://a.example/actor#main-key",
            {"id": "https://a.example/actor"},
            "https://b.example/actor",
            "origin-mismatch",
        ),
        (
            "https://a.example/actor#main-key",
            {"id": "https://b.example/actor"},
            "https://a.example/actor",
            "origin-mismatch",
        ),
        (
            "https://a.example/actor#main-key",
            {"id": "https://a.example:8443/actor"},
            "https://a.example/actor",
            "origin-mismatch",
        ),
        (
            "http://a.example/actor#main-key",
            {"id": "https://a.example/actor"},
            "https://a.example/actor",
            "origin-mismatch",
        ),
        (
            "https://a.example/actor#main-key",
            {"type": "Person"},
            "https://a.example/actor",
            "origin-mismatch",
        ),
        ("not a url", {"id": "https://a.example/actor"}, "https://a.example/actor", "url-invalid"),
    ],
)
def test_key_document_must_be_same_origin(
    key_id: str, document: dict[str, object], final_url: str, reason: str | None
) -> None:
    assert reason_of_key(key_id, document, final_url) == reason
