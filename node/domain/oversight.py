"""What an admin reviews, read-only: peers, follows both ways, keys seen, audit log,
reports, delivery health.

The admin API, the admin pages and the command line read these through this
service rather than through the repositories; every change still goes through the
service that owns it (trust levels through ``TrustService``, follow answers
through the follow service).
"""

from __future__ import annotations

from dataclasses import dataclass

from node.domain.trust import TrustService
from node.storage import Store
from node.storage.backfills import Backfill
from node.storage.follows import Followee, Follower, on_host
from node.storage.outbox import HostDeliveries
from node.storage.trust import AuditEntry, PeerRow, Report


@dataclass(frozen=True)
class HostFollows:
    """The follows between us and one host (or its subdomains)."""

    followers: list[Follower]  # accepted followers of ours
    following: list[Followee]  # actors we follow, in any state


@dataclass(frozen=True)
class PeerDetail:
    """One peer: its trust setting, our follows both ways on its host, its key history."""

    peer: PeerRow
    followers: list[str]
    following: list[str]
    key_fingerprints: list[str]


@dataclass(frozen=True)
class AdminCounts:
    """The numbers the admin overview shows."""

    peers: int
    follow_requests: int
    open_reports: int


@dataclass(frozen=True)
class KeySeen:
    key_id: str
    fingerprint: str
    first_seen: str


class OversightService:
    def __init__(self, store: Store, trust: TrustService) -> None:
        self._store = store
        self._trust = trust

    async def peers(self) -> list[PeerRow]:
        """Every peer with a recorded level, by host."""
        return await self._store.reader.trust.all_peers()

    async def peers_and_known_hosts(self) -> list[PeerRow]:
        """Every peer with a trust setting, plus hosts we only know from their actors."""
        reader = self._store.reader
        known = {peer.host: peer for peer in await reader.trust.all_peers()}
        for host in await reader.peers.known_hosts():
            known.setdefault(host, PeerRow(host=host, level="unknown"))
        return sorted(known.values(), key=lambda p: p.host)

    async def peer(self, host: str) -> PeerDetail:
        """One peer (``host`` normalised), with the actors on it that follow us or that we
        follow, and the fingerprints of their keys as we have seen them."""
        peer = await self._trust.peer(host)
        follows = await self.follows_with(peer.host)
        followers = [f.actor_id for f in follows.followers]
        following = [f.actor_id for f in follows.following]
        history = []
        for actor in {*followers, *following}:
            history += [fp for _, fp, _ in await self._store.reader.trust.fingerprints(actor)]
        return PeerDetail(peer, followers, following, history)

    async def follow_requests(self) -> list[Follower]:
        """Follow requests waiting for an admin's approval, oldest first."""
        return await self._store.reader.follows.pending_followers()

    async def following(self) -> list[Followee]:
        """The actors we follow, in any state, oldest first."""
        return await self._store.reader.follows.following_list()

    async def follows_with(self, host: str) -> HostFollows:
        """Accepted followers and followees on ``host`` or one of its subdomains."""
        reader = self._store.reader.follows
        return HostFollows(
            followers=[f for f in await reader.accepted_followers() if on_host(f.actor_id, host)],
            following=[f for f in await reader.following_list() if on_host(f.actor_id, host)],
        )

    async def keys_seen(self, host: str, actors: set[str]) -> list[KeySeen]:
        """Key history of the host's own URLs, plus of ``actors`` (ours on its subdomains),
        first seen first."""
        reader = self._store.reader.trust
        prefixes = [f"https://{host}/", f"http://{host}/", *sorted(actors)]
        found: dict[tuple[str, str], str] = {}
        for prefix in prefixes:
            for key_id, fingerprint, first_seen in await reader.fingerprints(prefix):
                if key_id.startswith(prefix):  # LIKE also matches "_" and any case
                    found[(key_id, fingerprint)] = first_seen
        seen = [KeySeen(key_id, fp, first) for (key_id, fp), first in found.items()]
        return sorted(seen, key=lambda key: key.first_seen)

    async def audit(self, subject: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """The audit log, newest first, optionally only about one host or actor."""
        return await self._store.reader.trust.audit_entries(subject, limit)

    async def reports(self, state: str | None = None) -> list[Report]:
        """Reports (Flags) sent and received, newest first, in one state or all."""
        return await self._store.reader.trust.reports(state)

    async def counts(self) -> AdminCounts:
        reader = self._store.reader
        return AdminCounts(
            peers=len(await reader.trust.all_peers()),
            follow_requests=len(await reader.follows.pending_followers()),
            open_reports=len(await reader.trust.reports("open")),
        )

    async def deliveries_by_host(self) -> list[HostDeliveries]:
        """Per peer host: deliveries waiting, retrying, failed and delivered, and the
        latest error."""
        return await self._store.reader.outbox.delivery_health_by_host()

    async def catch_up(self, actor_id: str) -> Backfill | None:
        """How far catching up on a followee's open items has got, if it was started."""
        return await self._store.reader.backfills.get(actor_id)
