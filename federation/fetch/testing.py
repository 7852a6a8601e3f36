"""Loopback-only network doubles for tests of anything that fetches.

``StaticResolver`` answers from a table (never DNS) and records lookups;
``LoopbackOnlySockets`` is a socket factory that records every connection
attempt and refuses any address outside loopback before a socket exists, so
even a guard bug cannot send a packet off the machine.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

from federation.fetch.fetcher import FetchLimits, RemoteFetcher, Signer
from federation.fetch.policy import AddressPolicy
from federation.fetch.resolver import guarded_session


class StaticResolver(AbstractResolver):
    """Resolve test host names from a fixed table; unknown names fail like NXDOMAIN."""

    def __init__(self, names: Mapping[str, str | Sequence[str]] | None = None) -> None:
        self.names: dict[str, list[str]] = {}
        for name, addresses in (names or {}).items():
            self.set(name, addresses)
        self.lookups: list[tuple[str, int]] = []

    def set(self, name: str, addresses: str | Sequence[str]) -> None:
        """Point ``name`` at ``addresses`` for later lookups."""
        listed = [addresses] if isinstance(addresses, str) else list(addresses)
        self.names[name.lower().rstrip(".")] = listed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Answer from the table."""
        self.lookups.append((host, port))
        addresses = self.names.get(host.lower().rstrip("."))
        if not addresses:
            raise OSError(errno.ENOENT, f"test resolver has no address for {host}")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        """Nothing to release."""


class LoopbackOnlySockets:
    """A TCPConnector ``socket_factory`` that records attempts and refuses non-loopback."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []

    def __call__(
        self,
        addr_info: tuple[
            int | socket.AddressFamily, int | socket.SocketKind, int, str, tuple[Any, ...]
        ],
    ) -> socket.socket:
        """Record the address; create a socket only for loopback."""
        family, kind, proto, _canonical, sockaddr = addr_info
        host, port = str(sockaddr[0]), int(sockaddr[1])
        self.attempts.append((host, port))
        if not ip_address(host.split("%", 1)[0]).is_loopback:
            raise OSError(errno.EHOSTUNREACH, f"test network refuses non-loopback {host}")
        return socket.socket(family, kind, proto)

    @property
    def hosts(self) -> set[str]:
        """Every address a connection was attempted to."""
        return {host for host, _port in self.attempts}


@dataclass(frozen=True)
class LoopbackNet:
    """A fetcher wired to a StaticResolver and LoopbackOnlySockets."""

    fetcher: RemoteFetcher
    resolver: StaticResolver
    sockets: LoopbackOnlySockets


def loopback_fetcher(
    policy: AddressPolicy,
    *,
    names: Mapping[str, str | Sequence[str]] | None = None,
    sign: Signer | None = None,
    limits: FetchLimits | None = None,
) -> LoopbackNet:
    """A RemoteFetcher that can only ever reach loopback; close its ``fetcher``."""
    resolver = StaticResolver(names)
    sockets = LoopbackOnlySockets()
    fetcher = RemoteFetcher(
        policy,
        session=lambda: guarded_session(policy, base_resolver=resolver, socket_factory=sockets),
        sign=sign,
        limits=limits,
    )
    return LoopbackNet(fetcher=fetcher, resolver=resolver, sockets=sockets)
