"""The address table and numeric host parsing of the fetch guard."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest

from federation.fetch.addresses import classify_address, embedded_ipv4, parse_host_address

REFUSED = [
    # (address, a word the label must contain)
    ("0.0.0.0", "unspecified"),  # noqa: S104 (an address under test, not a bind)
    ("0.1.2.3", "unspecified"),
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("100.64.0.1", "CGNAT"),
    ("100.127.255.254", "CGNAT"),
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("169.254.169.254", "link-local"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.0.0.8", "IETF"),
    ("192.0.2.1", "documentation"),
    ("192.88.99.1", "6to4"),
    ("192.168.1.1", "private"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.255", "benchmarking"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("::127.0.0.1", "IPv4-compatible"),
    ("::a00:1", "IPv4-compatible"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:169.254.169.254", "link-local"),
    ("64:ff9b::7f00:1", "loopback"),
    ("64:ff9b::a00:1", "private"),
    ("64:ff9b:1::1", "NAT64"),
    ("2002:7f00:1::1", "loopback"),
    ("2002:c0a8:101::", "private"),
    ("2001::1", "Teredo"),
    ("2001:2::1", "IETF"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("100::1", "discard"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("fe80::1", "link-local"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("::ffff:0:7f00:1", "reserved"),
    ("5f00::1", "reserved"),
    ("4000::1", "reserved"),
]

ALLOWED = [
    "1.1.1.1",
    "8.8.8.8",
    "93.184.216.34",
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "192.0.1.1",
    "198.17.255.255",
    "198.20.0.0",
    "223.255.255.254",
    "2606:4700::1111",
    "2a00:1450:4001::200e",
]

ALLOWED_EMBEDDED = ["::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]


@pytest.mark.parametrize(("address", "label"), REFUSED)
def test_special_use_addresses_are_refused(address: str, label: str) -> None:
    found = classify_address(ip_address(address))
    assert found is not None
    assert label in found


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    parsed = ip_address(address)
    assert classify_address(parsed) is None
    assert parsed.is_global  # agrees with the standard library on plain public addresses


@pytest.mark.parametrize("address", ALLOWED_EMBEDDED)
def test_embedded_public_ipv4_is_allowed(address: str) -> None:
    assert classify_address(ip_address(address)) is None


@pytest.mark.parametrize(
    ("address", "embedded"),
    [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("64:ff9b::a00:1", "10.0.0.1"),
        ("2002:c0a8:101::1", "192.168.1.1"),
        ("2606:4700::1111", None),
    ],
)
def test_embedded_ipv4(address: str, embedded: str | None) -> None:
    found = embedded_ipv4(IPv6Address(address))
    assert found == (None if embedded is None else IPv4Address(embedded))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7F.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("10.0.0.1.", "10.0.0.1"),
        ("0", "0.0.0.0"),  # noqa: S104
        ("0x", "0.0.0.0"),  # noqa: S104
        ("134744072", "8.8.8.8"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("::1", "::1"),
    ],
)
def test_numeric_hosts_are_normalized(host: str, expected: str) -> None:
    assert parse_host_address(host) == ip_address(expected)


@pytest.mark.parametrize(
    "host", ["example.com", "peer.test.", "1.2.3.example", "0x7f.example", "0x1g"]
)
def test_names_are_not_addresses(host: str) -> None:
    assert parse_host_address(host) is None


@pytest.mark.parametrize(
    "host",
    ["1.2.3.09", "256.0.0.1", "1.2.3.4.5", "4294967296", "1..2", "example.123", "[::zz]"],
)
def test_hosts_ending_in_a_bad_number_are_invalid(host: str) -> None:
    with pytest.raises(ValueError, match="address"):
        parse_host_address(host)
