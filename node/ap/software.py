"""What software a peer runs, from its NodeInfo, cached per host.

Marketplace-aware peers (our own software) get Proposals; everyone else, and
any peer whose software we could not learn, gets an ordinary Note.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from federation.errors import FederationError
from federation.fetch import RemoteFetcher
from federation.hosts import peer_host
from federation.uris import nodeinfo_links_url, origin_of
from node.clock import Clock
from node.version import SOFTWARE_NAME

MARKETPLACE_AWARE = frozenset({SOFTWARE_NAME})
UNKNOWN = "unknown"
NODEINFO_ACCEPT = "application/json"


class SoftwareCache(Protocol):
    """Where peers' software is kept, per host (node.ap.ports.directories.StoreSoftware)."""

    async def known(self, host: str) -> str | None: ...

    async def remember(self, host: str, name: str, version: str, now: datetime) -> None: ...


class SoftwareDirectory:
    def __init__(self, cache: SoftwareCache, fetcher: RemoteFetcher, clock: Clock) -> None:
        self._cache = cache
        self._fetcher = fetcher
        self._clock = clock

    async def learn(self, actor_id: str) -> str:
        """Fetch and cache the software of ``actor_id``'s host (once per host)."""
        host = peer_host(actor_id)
        known = await self._cache.known(host)
        if known is not None:
            return known
        name, version = UNKNOWN, ""
        well_known = nodeinfo_links_url(origin_of(actor_id))
        try:
            links = await self._fetcher.fetch_json(well_known, accept=NODEINFO_ACCEPT)
            hrefs = [
                link.get("href")
                for link in links.document.get("links", [])
                if isinstance(link, dict) and "nodeinfo" in str(link.get("rel", ""))
            ]
            if hrefs and isinstance(hrefs[0], str) and peer_host(hrefs[0]) == host:
                info = (await self._fetcher.fetch_json(hrefs[0], accept=NODEINFO_ACCEPT)).document
                software = info.get("software", {})
                name = str(software.get("name", UNKNOWN))[:100].lower()
                version = str(software.get("version", ""))[:50]
        except (FederationError, AttributeError, ValueError):
            pass  # unknown software gets Notes, the safe default
        await self._cache.remember(host, name, version, self._clock.now())
        return name
