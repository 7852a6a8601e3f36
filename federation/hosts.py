"""The one host normaliser that keys every peer decision.

Lower-case, IDNA (punycode), trailing dot stripped, default port removed, so
``Example.COM.``, ``example.com:443`` and ``EXAMPLE.com`` are the same peer.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def _idna(name: str) -> str:
    name = name.strip().rstrip(".").lower()
    if not name or name.isascii():
        return name
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError(f"not a valid host name: {name!r}") from error


@lru_cache(maxsize=16_384)  # pure, and asked for the same few actors' URLs over and over
def peer_host(value: str) -> str:
    """The canonical ``host[:port]`` of a URL, an ``acct:`` handle, or a bare host."""
    text = value.strip()
    if "://" in text:
        parts = urlsplit(text)
        host, port, default = parts.hostname or "", parts.port, DEFAULT_PORTS.get(parts.scheme)
        ipv6 = ":" in host
    else:
        text = text.removeprefix("acct:").rpartition("@")[2]
        ipv6 = text.startswith("[")
        if ipv6:
            host, _, rest = text[1:].partition("]")
            port_text = rest.removeprefix(":")
        else:
            host, _, port_text = text.partition(":")
        port = int(port_text) if port_text else None
        default = port if port in DEFAULT_PORTS.values() else None
    if not host:
        raise ValueError(f"no host in {value!r}")
    name = f"[{host.lower()}]" if ipv6 else _idna(host)
    return name if port in (None, default) else f"{name}:{port}"
