"""One host normaliser: the same peer however its host is written."""

from __future__ import annotations

import pytest

from federation.hosts import peer_host


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Example.COM.", "example.com"),
        ("example.com:443", "example.com"),
        ("EXAMPLE.com", "example.com"),
        ("https://Example.com:443/actor", "example.com"),
        ("http://example.com:80/inbox", "example.com"),
        ("https://example.com:8443/actor", "example.com:8443"),
        ("http://example.com:443/", "example.com:443"),
        ("acct:group@Example.COM", "example.com"),
        ("group@example.com:8080", "example.com:8080"),
        ("Bücher.example", "xn--bcher-kva.example"),
        ("https://BÜCHER.example./x", "xn--bcher-kva.example"),
        ("127.0.0.1:8080", "127.0.0.1:8080"),
        ("http://[::1]:8080/inbox", "[::1]:8080"),
        ("[::1]:443", "[::1]"),
    ],
)
def test_same_peer(written: str, canonical: str) -> None:
    assert peer_host(written) == canonical


@pytest.mark.parametrize("bad", ["", "https:///nohost", "acct:@"])
def test_no_host_is_an_error(bad: str) -> None:
    with pytest.raises(ValueError, match="host"):
        peer_host(bad)
