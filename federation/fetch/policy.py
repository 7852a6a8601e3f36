"""The address policy: which URLs and resolved addresses a fetch may reach.

Built from the ``private_address_allowlist`` setting: comma-separated
``host:port`` pairs that may be reached although private (and over plain
``http``), or ``*`` to allow every address and scheme in development.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from yarl import URL

from federation.errors import FetchError
from federation.fetch.addresses import (
    IPAddress,
    classify_address,
    is_canonical_ipv4,
    parse_host_address,
)

ALLOW_ALL = "*"


def normalize_host(host: str) -> str:
    """Lower-case, unbracket, drop trailing dots, and write IP addresses canonically."""
    bare = host.strip()
    if bare.startswith("[") and bare.endswith("]"):
        bare = bare[1:-1]
    bare = bare.lower().rstrip(".")
    try:
        address = parse_host_address(bare)
    except ValueError:
        return bare
    return bare if address is None else str(address)


@dataclass(frozen=True)
class AddressPolicy:
    """Refuses special-use addresses except the allowlisted ``(host, port)`` pairs."""

    allowlist: frozenset[tuple[str, int]] = frozenset()
    allow_all: bool = False

    @classmethod
    def from_setting(cls, value: str | None) -> AddressPolicy:
        """Parse ``private_address_allowlist``; raises ValueError on a malformed entry."""
        entries = [entry.strip() for entry in (value or "").split(",")]
        pairs: set[tuple[str, int]] = set()
        allow_all = False
        for entry in entries:
            if not entry:
                continue
            if entry == ALLOW_ALL:
                allow_all = True
                continue
            pairs.add(_parse_entry(entry))
        return cls(allowlist=frozenset(pairs), allow_all=allow_all)

    def is_allowlisted(self, host: str, port: int) -> bool:
        """True when ``host:port`` is listed (or everything is allowed)."""
        return self.allow_all or (normalize_host(host), port) in self.allowlist

    def check_address(self, address: IPAddress, port: int, *, host: str | None = None) -> None:
        """Refuse ``address`` unless it is public or allowlisted by address or by ``host``."""
        label = classify_address(address)
        if label is None or self.is_allowlisted(str(address), port):
            return
        if host is not None and self.is_allowlisted(host, port):
            return
        raise FetchError(
            f"refused to connect to {address} port {port} ({label})", reason="address-refused"
        )

    def check_url(self, url: URL) -> None:
        """Refuse a URL by its scheme, credentials or literal address, before any lookup."""
        if not url.scheme:
            raise FetchError(f"not an absolute URL: {url}", reason="url-invalid")
        if url.scheme not in ("http", "https"):
            raise FetchError(f"scheme {url.scheme!r} is not fetched", reason="scheme-refused")
        host = url.raw_host
        if not host:
            raise FetchError(f"no host in {url}", reason="url-invalid")
        if url.user is not None or url.password is not None:
            raise FetchError("URLs with credentials are not fetched", reason="url-invalid")
        port = url.port
        if port is None:
            raise FetchError(f"no port for {url}", reason="url-invalid")
        try:
            address = parse_host_address(host)
        except ValueError as exc:
            raise FetchError(str(exc), reason="url-invalid") from exc
        if address is not None:
            self.check_address(address, port, host=host)
            if isinstance(address, IPv4Address) and not is_canonical_ipv4(host):
                raise FetchError(
                    f"numeric host {host!r} is not written as a dotted-quad address",
                    reason="url-invalid",
                )
        if url.scheme == "http" and not self.is_allowlisted(host, port):
            raise FetchError(
                f"plain http is only fetched from allowlisted hosts, not {host}:{port}",
                reason="scheme-refused",
            )


def _parse_entry(entry: str) -> tuple[str, int]:
    try:
        url = URL(f"http://{entry}")
    except ValueError as exc:
        raise ValueError(f"allowlist entry {entry!r} is not host:port") from exc
    host, port = url.raw_host, url.explicit_port
    if not host or port is None or url.raw_path not in ("", "/") or url.user is not None:
        raise ValueError(f"allowlist entry {entry!r} is not host:port")
    return normalize_host(host), port
