"""The framework-neutral view of an HTTP request that signatures cover."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

HeaderSource = Mapping[str, str] | Iterable[tuple[str, str]]

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class Headers:
    """An immutable, case-insensitive multi-mapping of header fields.

    Built from a mapping (a multidict's ``items()`` keeps repeated fields) or
    from ``(name, value)`` pairs, in wire order.
    """

    __slots__ = ("_pairs", "_values")

    def __init__(self, source: HeaderSource = ()) -> None:
        pairs = source.items() if isinstance(source, Mapping) else source
        self._pairs = tuple((str(name).lower(), str(value)) for name, value in pairs)
        self._values: dict[str, list[str]] = {}
        for key, value in self._pairs:
            self._values.setdefault(key, []).append(value.strip(" \t"))

    def get_all(self, name: str) -> list[str]:
        """Every value of ``name``, in order, each stripped of surrounding whitespace."""
        return list(self._values.get(name.lower(), ()))

    def combined(self, name: str) -> str | None:
        """All values of ``name`` joined with ", " (RFC 9110 section 5.3), or None."""
        values = self.get_all(name)
        return ", ".join(values) if values else None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Headers) and self._pairs == other._pairs

    def __hash__(self) -> int:
        return hash(self._pairs)

    def __repr__(self) -> str:
        return f"Headers({list(self._pairs)!r})"


@dataclass(frozen=True)
class HttpRequest:
    """A request as received: method, absolute URL, header fields and body bytes."""

    method: str
    url: str
    headers: Headers
    body: bytes = b""

    @property
    def expects_body(self) -> bool:
        """Whether the request carries (or must declare) a body, hence a digest."""
        return bool(self.body) or self.method.upper() in _BODY_METHODS


@dataclass(frozen=True)
class Target:
    """The parts of the request URL that signatures cover."""

    scheme: str
    authority: str
    path: str
    query: str

    @property
    def request_target(self) -> str:
        """Origin-form target: the path plus "?query" when there is a query."""
        return f"{self.path}?{self.query}" if self.query else self.path


def parse_target(url: str) -> Target:
    """Split an absolute URL; raise ValueError when it is not one."""
    parts = urlsplit(url)
    host = parts.hostname
    port = parts.port
    if not parts.scheme or not host:
        raise ValueError(f"not an absolute URL: {url!r}")
    scheme = parts.scheme.lower()
    authority = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        authority = f"{authority}:{port}"
    return Target(scheme, authority, parts.path or "/", parts.query)


_UNSAFE = re.compile(r"[^\t\x20-\x7e]")


def is_safe_value(value: str) -> bool:
    """Whether a value may go into a signature base: printable ASCII or tab."""
    return _UNSAFE.search(value) is None
