"""The address policy: allowlist parsing and per-URL checks (no network)."""

from __future__ import annotations

from ipaddress import ip_address

import pytest
from yarl import URL

from federation.errors import FetchError
from federation.fetch.policy import AddressPolicy, normalize_host

STRICT = AddressPolicy()


def refusal(policy: AddressPolicy, url: str) -> str | None:
    """The reason ``policy`` refuses ``url``, or None."""
    try:
        policy.check_url(URL(url))
    except FetchError as exc:
        return exc.reason
    return None


def test_empty_setting_allows_nothing_private() -> None:
    for value in (None, "", " , "):
        policy = AddressPolicy.from_setting(value)
        assert policy == AddressPolicy()
        assert not policy.is_allowlisted("127.0.0.1", 8080)


def test_setting_parses_host_port_pairs() -> None:
    policy = AddressPolicy.from_setting("127.0.0.1:8080, Peer.Test.:3000,[::1]:8443,2130706433:81")
    assert policy.allowlist == {
        ("127.0.0.1", 8080),
        ("peer.test", 3000),
        ("::1", 8443),
        ("127.0.0.1", 81),
    }
    assert not policy.allow_all


def test_star_allows_everything() -> None:
    policy = AddressPolicy.from_setting("*")
    assert policy.allow_all
    assert policy.is_allowlisted("10.0.0.1", 1)


@pytest.mark.parametrize(
    "value", ["localhost", "127.0.0.1", "host:port", "host:80/path", "user@host:80", ":80"]
)
def test_malformed_entries_are_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="host:port"):
        AddressPolicy.from_setting(value)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("Example.COM.", "example.com"),
        ("[::1]", "::1"),
        ("0x7f.1", "127.0.0.1"),
        ("[0:0::1]", "::1"),
        ("1.2.3.09", "1.2.3.09"),
    ],
)
def test_normalize_host(host: str, expected: str) -> None:
    assert normalize_host(host) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://peer.example/actor", None),
        ("https://8.8.8.8/x", None),
        ("https://[2606:4700::1111]/x", None),
        ("http://peer.example/actor", "scheme-refused"),
        ("ftp://peer.example/x", "scheme-refused"),
        ("file:///etc/passwd", "scheme-refused"),
        ("data:application/json,{}", "scheme-refused"),
        ("/relative", "url-invalid"),
        ("https:///no-host", "url-invalid"),
        ("https://user:pw@peer.example/", "url-invalid"),
        ("https://1.2.3.09/", "url-invalid"),
        ("https://134744072/", "url-invalid"),
        ("https://127.0.0.1/", "address-refused"),
        ("https://2130706433/", "address-refused"),
        ("https://0177.0.0.1/", "address-refused"),
        ("https://0x7f.1/", "address-refused"),
        ("https://0x7f000001/", "address-refused"),
        ("https://127.1/", "address-refused"),
        ("https://10.0.0.1./", "address-refused"),
        ("https://[::1]/", "address-refused"),
        ("https://[::ffff:127.0.0.1]/", "address-refused"),
        ("https://[::ffff:10.0.0.1]/", "address-refused"),
        ("https://[::127.0.0.1]/", "address-refused"),
        ("https://[64:ff9b::7f00:1]/", "address-refused"),
        ("https://[2002:a00:1::]/", "address-refused"),
        ("https://[fe80::1]/", "address-refused"),
        ("https://[fd00::1]/", "address-refused"),
        ("https://100.64.0.1/", "address-refused"),
        ("https://198.18.0.1/", "address-refused"),
        ("https://192.0.2.1/", "address-refused"),
        ("https://224.0.0.1/", "address-refused"),
        ("https://0.0.0.0/", "address-refused"),
        ("http://169.254.169.254/latest/meta-data/", "address-refused"),
        ("http://10.0.0.1/admin", "address-refused"),
    ],
)
def test_strict_policy_checks_urls(url: str, reason: str | None) -> None:
    assert refusal(STRICT, url) == reason


def test_allowlist_permits_exactly_the_listed_port() -> None:
    policy = AddressPolicy.from_setting("127.0.0.1:8080,peer.test:3000")
    assert refusal(policy, "http://127.0.0.1:8080/actor") is None
    assert refusal(policy, "https://127.0.0.1:8080/actor") is None
    assert refusal(policy, "http://127.0.0.1:8081/actor") == "address-refused"
    assert refusal(policy, "http://127.0.0.2:8080/actor") == "address-refused"
    assert refusal(policy, "http://[::1]:8080/actor") == "address-refused"
    assert refusal(policy, "http://[::ffff:127.0.0.1]:8080/") == "address-refused"
    # Names are allowlisted by name; the resolver checks their addresses later.
    assert refusal(policy, "http://peer.test:3000/actor") is None
    assert refusal(policy, "http://PEER.test.:3000/actor") is None
    assert refusal(policy, "http://peer.test:3001/actor") == "scheme-refused"
    assert refusal(policy, "http://localhost:8080/actor") == "scheme-refused"
    # A numeric trick naming an allowlisted address is still refused.
    assert refusal(policy, "http://2130706433:8080/actor") == "url-invalid"


def test_star_allows_private_addresses_and_http_but_not_other_schemes() -> None:
    policy = AddressPolicy.from_setting("*")
    assert refusal(policy, "http://10.0.0.1/") is None
    assert refusal(policy, "https://127.0.0.1:1/") is None
    assert refusal(policy, "http://[::1]:9/") is None
    assert refusal(policy, "http://peer.test/") is None
    assert refusal(policy, "gopher://127.0.0.1/") == "scheme-refused"


def test_check_address_honours_allowlisted_names() -> None:
    policy = AddressPolicy.from_setting("peer.test:8080")
    loopback = ip_address("127.0.0.1")
    policy.check_address(loopback, 8080, host="peer.test")
    policy.check_address(loopback, 8080, host="PEER.TEST.")
    policy.check_address(ip_address("8.8.8.8"), 443, host="elsewhere.test")
    for host, port in (("other.test", 8080), ("peer.test", 8081), (None, 8080)):
        with pytest.raises(FetchError) as info:
            policy.check_address(loopback, port, host=host)
        assert info.value.reason == "address-refused"
