"""Which IP addresses a remote fetch may reach, and how numeric hosts normalise.

The tables follow the IANA special-purpose address registries: anything that is
not ordinary global unicast is refused. IPv6 forms that embed an IPv4 address
(IPv4-mapped, NAT64, 6to4) are judged by the address they embed.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address

_IPV4_REFUSED: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), label)
    for net, label in (
        ("0.0.0.0/8", "unspecified"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared (CGNAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignment"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
    )
)

_IPV6_REFUSED: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), label)
    for net, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "IPv4-compatible"),
        ("64:ff9b:1::/48", "local NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/32", "Teredo"),
        ("2001::/23", "IETF protocol assignment"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("fc00::/7", "private (unique local)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)

_GLOBAL_UNICAST = IPv6Network("2000::/3")
_IPV4_MAPPED = IPv6Network("::ffff:0:0/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")

_HEX_DIGITS = frozenset("0123456789abcdef")
_OCT_DIGITS = frozenset("01234567")
_DEC_DIGITS = frozenset("0123456789")


def classify_address(address: IPAddress) -> str | None:
    """Name the special-use range ``address`` falls in, or None when it is public."""
    if isinstance(address, IPv4Address):
        return _classify_ipv4(address)
    embedded = embedded_ipv4(address)
    if embedded is not None:
        label = _classify_ipv4(embedded)
        return None if label is None else f"{label} (embedded in {address})"
    for network, label in _IPV6_REFUSED:
        if address in network:
            return label
    if address not in _GLOBAL_UNICAST:
        return "reserved"
    return None


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address carried by an IPv4-mapped, NAT64 or 6to4 address."""
    if address in _IPV4_MAPPED or address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return IPv4Address((int(address) >> 80) & 0xFFFFFFFF)
    return None


def _classify_ipv4(address: IPv4Address) -> str | None:
    for network, label in _IPV4_REFUSED:
        if address in network:
            return label
    return None


def parse_host_address(host: str) -> IPAddress | None:
    """Read ``host`` as an IP address, accepting every numeric IPv4 form.

    Returns None for a domain name. Decimal (``2130706433``), octal
    (``0177.0.0.1``), hex (``0x7f.1``) and shortened (``127.1``) forms are
    normalised the way ``inet_aton`` and the WHATWG URL parser read them.
    Raises ValueError for a host that ends in a number but is no address.
    """
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in bare:
        try:
            return IPv6Address(bare)
        except ValueError as exc:
            raise ValueError(f"invalid IPv6 address {host!r}") from exc
    name = bare[:-1] if bare.endswith(".") else bare
    if not _ends_in_number(name):
        return None
    parsed = _parse_numeric_ipv4(name)
    if parsed is None:
        raise ValueError(f"host {host!r} ends in a number but is not an IPv4 address")
    return parsed


def is_canonical_ipv4(host: str) -> bool:
    """True when ``host`` is written as four plain decimal octets."""
    try:
        return str(IPv4Address(host)) == host
    except ValueError:
        return False


def _ends_in_number(name: str) -> bool:
    last = name.rsplit(".", 1)[-1].lower()
    if last and set(last) <= _DEC_DIGITS:
        return True
    return last.startswith("0x") and set(last[2:]) <= _HEX_DIGITS


def _parse_numeric_ipv4(name: str) -> IPv4Address | None:
    parts = name.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        value = _parse_ipv4_part(part)
        if value is None:
            return None
        values.append(value)
    *head, last = values
    if any(value > 0xFF for value in head) or last >= 1 << (8 * (5 - len(values))):
        return None
    number = last
    for index, value in enumerate(head):
        number |= value << (8 * (3 - index))
    return IPv4Address(number)


def _parse_ipv4_part(part: str) -> int | None:
    lowered = part.lower()
    if lowered.startswith("0x"):
        digits, base, allowed = lowered[2:], 16, _HEX_DIGITS
    elif len(lowered) > 1 and lowered.startswith("0"):
        digits, base, allowed = lowered[1:], 8, _OCT_DIGITS
    else:
        digits, base, allowed = lowered, 10, _DEC_DIGITS
    if not digits:
        return 0 if base == 16 else None
    if not set(digits) <= allowed:
        return None
    return int(digits, base)
