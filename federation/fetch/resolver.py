"""A resolver that checks every address it hands to the connector.

aiohttp connects to exactly the addresses its resolver returns, so checking
them here judges the address actually connected to, on every request and every
redirect hop: a name that resolves once to a public address and then to a
private one (DNS rebinding) is refused on the lookup that would connect.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from ipaddress import IPv4Address, ip_address
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from federation.errors import FetchError
from federation.fetch.addresses import parse_host_address
from federation.fetch.policy import AddressPolicy

SocketFactory = Callable[
    [tuple[int | socket.AddressFamily, int | socket.SocketKind, int, str, tuple[Any, ...]]],
    socket.socket,
]


class GuardedResolver(AbstractResolver):
    """Resolve through ``base``, then refuse any address ``policy`` forbids."""

    def __init__(self, policy: AddressPolicy, base: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._base = base if base is not None else aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the checked addresses of ``host``; raise FetchError if any is refused."""
        try:
            literal = parse_host_address(host)
        except ValueError as exc:
            raise FetchError(str(exc), reason="url-invalid") from exc
        if literal is not None:
            results = [_literal_result(host, str(literal), port, isinstance(literal, IPv4Address))]
        else:
            results = await self._base.resolve(host, port, family)
        for result in results:
            try:
                address = ip_address(result["host"])
            except ValueError as exc:
                raise FetchError(
                    f"resolver returned a non-address {result['host']!r} for {host}",
                    reason="address-refused",
                ) from exc
            self._policy.check_address(address, port, host=host)
        return results

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._base.close()


def guarded_connector(
    policy: AddressPolicy,
    *,
    base_resolver: AbstractResolver | None = None,
    socket_factory: SocketFactory | None = None,
    limit_per_host: int = 4,
) -> aiohttp.TCPConnector:
    """A connector whose every lookup goes through a GuardedResolver."""
    return aiohttp.TCPConnector(
        resolver=GuardedResolver(policy, base_resolver),
        socket_factory=socket_factory,
        limit_per_host=limit_per_host,
    )


def guarded_session(
    policy: AddressPolicy,
    *,
    base_resolver: AbstractResolver | None = None,
    socket_factory: SocketFactory | None = None,
) -> aiohttp.ClientSession:
    """A session for remote fetches: guarded lookups, no cookies, no proxy from env."""
    connector = guarded_connector(
        policy, base_resolver=base_resolver, socket_factory=socket_factory
    )
    return aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False
    )


def _literal_result(hostname: str, address: str, port: int, is_ipv4: bool) -> ResolveResult:
    return ResolveResult(
        hostname=hostname,
        host=address,
        port=port,
        family=socket.AF_INET if is_ipv4 else socket.AF_INET6,
        proto=0,
        flags=socket.AI_NUMERICHOST,
    )
