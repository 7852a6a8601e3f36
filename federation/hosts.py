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


@lru_cache(maxsize=4096)
def _origin_prefix(url: str) -> str | None:
    """``scheme://authority/`` of a URL exactly as written, or None."""
    scheme, sep, rest = url.partition("://")
    authority, slash, _ = rest.partition("/")
    return f"{scheme}://{authority}/" if sep and slash and authority else None


def id_host(url: str, owner: str) -> str:
    """``peer_host(url)`` for a URL seen once, such as an activity's id, given the URL of
    its ``owner`` (an actor, asked again and again). Written with the owner's scheme and
    authority character for character, as servers write their ids, it has the owner's
    host; anything else is parsed, without caching, so that one-off URLs do not push
    the actors out of ``peer_host``'s cache."""
    prefix = _origin_prefix(owner)
    if prefix is not None and url.startswith(prefix):
        return peer_host(owner)
    return peer_host.__wrapped__(url)
