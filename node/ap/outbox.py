"""The outbox: local changes become signed activities plus one delivery row per inbox.

Everything happens inside the caller's write transaction: the outbox publisher's
(``node.ap.publisher``) for our items' changes, read from the change feed with the
cursor it advances in the same transaction; the service's own for a Follow, an
Accept or a claim's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from federation.documents.activities import activity, tombstone
from federation.documents.actor import LocalActor
from federation.hosts import peer_host
from federation.keys import KeyRing
from federation.proofs import create_proof
from node.ap.note import local_note_id, note_for
from node.ap.proposal import addressing, item_id, proposal
from node.ap.software import MARKETPLACE_AWARE
from node.clock import Clock, to_text
from node.domain.model import Item, ItemChange
from node.domain.records import Follower, Transaction
from node.domain.trust import TrustService
from schemas.vocab import Status, Visibility

CHANGE_TYPES = {
    ItemChange.CREATED: "Create",
    ItemChange.UPDATED: "Update",
    ItemChange.CLOSED: "Update",
    ItemChange.EXPIRED: "Update",
    ItemChange.RENEWED: "Update",
    ItemChange.DELETED: "Delete",
}


def follower_inboxes(followers: list[Follower]) -> list[str]:
    """One inbox per follower, shared inboxes deduplicated, in a stable order."""
    seen: dict[str, None] = {}
    for follower in followers:
        seen[follower.shared_inbox or follower.inbox] = None
    return list(seen)


class OutboxRows(Protocol):
    """Writes in the caller's transaction (node.ap.ports.outbox_rows.StoreOutboxRows)."""

    async def add(
        self,
        tx: Transaction,
        signed: dict[str, Any],
        *,
        object_id: str | None,
        public: bool,
        deliveries: list[tuple[str, str]],
        now: str,
    ) -> None: ...


class Audience(Protocol):
    """Reads in the caller's transaction (node.ap.ports.directories.StoreAudience)."""

    async def accepted_followers(self, tx: Transaction) -> list[Follower]: ...

    async def software(self, tx: Transaction, host: str) -> str | None: ...

    async def actor_inbox(self, tx: Transaction, actor_id: str) -> str | None: ...


class Outbox:
    def __init__(
        self,
        actor: LocalActor,
        keys: KeyRing,
        clock: Clock,
        trust: TrustService,
        rows: OutboxRows,
        audience: Audience,
    ) -> None:
        self.actor = actor
        self._keys = keys
        self._clock = clock
        self._trust = trust
        self._rows = rows
        self._audience = audience
        # Wakes the delivery worker; it waits for the write lock, so it sees the rows.
        self.on_publish: Callable[[], None] = lambda: None

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        """Attach our eddsa-jcs-2022 proof, so relayed copies verify without asking us."""
        key_id = self.actor.key_id(self._keys.ed25519_fragment)
        return create_proof(document, self._keys.current().ed25519, key_id, self._clock.now())

    async def publish(
        self,
        tx: Transaction,
        document: dict[str, Any],
        *,
        inboxes: list[str],
        public: bool,
        object_id: str | None = None,
    ) -> str:
        """Record a signed activity and queue its deliveries; returns its id."""
        signed = self.sign(document)
        now = to_text(self._clock.now())
        # Nothing goes out to peers the policy cuts off (blocked, or not allowlisted).
        hosts = {inbox: peer_host(inbox) for inbox in inboxes}
        allowed = await self._trust.exchangeable(list(hosts.values())) if inboxes else set()
        inboxes = [inbox for inbox in inboxes if hosts[inbox] in allowed]
        deliveries = [(inbox, peer_host(inbox)) for inbox in inboxes]
        await self._rows.add(
            tx, signed, object_id=object_id, public=public, deliveries=deliveries, now=now
        )
        if inboxes:
            self.on_publish()
        return str(signed["id"])

    async def followers(self, tx: Transaction) -> list[str]:
        """Our accepted followers' inboxes (see ``follower_inboxes``)."""
        return follower_inboxes(await self._audience.accepted_followers(tx))

    async def inboxes_of(self, tx: Transaction, actor_id: str) -> list[str]:
        """The inbox of a peer's actor we have seen, or none."""
        inbox = await self._audience.actor_inbox(tx, actor_id)
        return [inbox] if inbox else []

    async def by_software(self, tx: Transaction, inboxes: list[str]) -> tuple[list[str], list[str]]:
        """``inboxes`` split into those on marketplace-aware software and the others."""
        by_host: dict[str, bool] = {}  # software is known per host: ask once per host
        for inbox in inboxes:
            host = peer_host(inbox)
            if host not in by_host:
                by_host[host] = await self._audience.software(tx, host) in MARKETPLACE_AWARE
        aware = [inbox for inbox in inboxes if by_host[peer_host(inbox)]]
        others = [inbox for inbox in inboxes if not by_host[peer_host(inbox)]]
        return aware, others

    async def item_changed(self, tx: Transaction, item: Item, change: ItemChange) -> None:
        """Tell followers about a change of one of our offers and requests.

        Peers running marketplace-aware software get the Proposal; everyone else
        (Mastodon and friends, or software we could not identify) gets a Note.
        """
        if item.visibility is Visibility.PRIVATE or item.status is Status.DRAFT:
            return
        to, cc = addressing(self.actor, item.visibility)
        # Coalition-only items go to partner peers, which the trust policy names.
        inboxes = [] if item.visibility is Visibility.COALITION else await self.followers(tx)
        aware, others = await self.by_software(tx, inboxes)
        type_ = CHANGE_TYPES[change]
        published = to_text(self._clock.now())
        object_id = item_id(self.actor, item)
        public = item.visibility is Visibility.PUBLIC
        document = self.sign(proposal(self.actor, item))
        obj: Any = tombstone(object_id, "Proposal", published) if type_ == "Delete" else document
        await self.publish(
            tx,
            activity(self.actor, type_, obj, to=to, cc=cc, published=published),
            inboxes=aware,
            public=public,
            object_id=object_id,
        )
        if not others:
            return
        note = note_for(self.actor, document, local_note_id(object_id))
        if type_ == "Delete":
            note = tombstone(note["id"], "Note", published)
        await self.publish(
            tx,
            activity(self.actor, type_, note, to=to, cc=cc, published=published),
            inboxes=others,
            public=False,
            object_id=note["id"],
        )
