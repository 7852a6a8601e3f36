"""What the admin API and the admin pages read: peers, follows, audit, reports, queues.

Reads only; changes go through the trust, block and federation services.
"""

from __future__ import annotations

from dataclasses import dataclass

from node.domain.trust import TrustService
from node.storage import Store
from node.storage.follows import Followee, Follower, on_host
from node.storage.outbox import HostDeliveries
from node.storage.trust import AuditEntry, PeerRow, Report


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


class AdminViews:
    def __init__(self, store: Store, trust: TrustService) -> None:
        self._store = store
        self._trust = trust

    async def peers(self) -> list[PeerRow]:
        """Peers with a trust setting, by host."""
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
        reader = self._store.reader
        peer = await self._trust.peer(host)
        followers = [
            f.actor_id
            for f in await reader.follows.accepted_followers()
            if on_host(f.actor_id, peer.host)
        ]
        following = [
            f.actor_id
            for f in await reader.follows.following_list()
            if on_host(f.actor_id, peer.host)
        ]
        history = []
        for actor in {*followers, *following}:
            history += [fp for _, fp, _ in await reader.trust.fingerprints(actor)]
        return PeerDetail(peer, followers, following, history)

    async def follow_requests(self) -> list[Follower]:
        """Follow requests waiting for an admin's answer."""
        return await self._store.reader.follows.pending_followers()

    async def following(self) -> list[Followee]:
        """The peers we follow or asked to follow, with the state of each request."""
        return await self._store.reader.follows.following_list()

    async def audit(self, subject: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """The audit log, newest first, for one subject or all."""
        return await self._store.reader.trust.audit_entries(subject, limit)

    async def reports(self, state: str | None = None) -> list[Report]:
        """Reports received and sent, newest first, in one state or all."""
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
