"""What an admin reviews, read-only: peers, follows both ways, keys seen, audit log, reports.

The admin command line (and any admin page) reads these through this service
rather than through the repositories; every change still goes through the
service that owns it (trust levels through ``TrustService``, follow answers
through the follow service).
"""

from __future__ import annotations

from dataclasses import dataclass

from node.storage import Store
from node.storage.backfills import Backfill
from node.storage.follows import Followee, Follower, on_host
from node.storage.trust import AuditEntry, PeerRow, Report


@dataclass(frozen=True)
class HostFollows:
    """The follows between us and one host (or its subdomains)."""

    followers: list[Follower]  # accepted followers of ours
    following: list[Followee]  # actors we follow, in any state


@dataclass(frozen=True)
class KeySeen:
    key_id: str
    fingerprint: str
    first_seen: str


class OversightService:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def peers(self) -> list[PeerRow]:
        """Every peer with a recorded level, by host."""
        return await self._store.reader.trust.all_peers()

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

    async def audit_entries(self, subject: str | None, limit: int) -> list[AuditEntry]:
        """The audit log, newest first, optionally only about one host or actor."""
        return await self._store.reader.trust.audit_entries(subject, limit)

    async def reports(self) -> list[Report]:
        """Reports (Flags) sent and received, newest first."""
        return await self._store.reader.trust.reports()

    async def catch_up(self, actor_id: str) -> Backfill | None:
        """How far catching up on a followee's open items has got, if it was started."""
        return await self._store.reader.backfills.get(actor_id)
