"""The outbox: local changes become signed activities plus one delivery row per inbox.

Everything happens inside the caller's write transaction: the outbox publisher's
(``node.ap.publisher``) for our items' changes, read from the change feed with the
cursor it advances in the same transaction; the service's own for a Follow, an
Accept or a claim's answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from federation.documents.activities import activity, tombstone
from federation.documents.actor import LocalActor
from federation.hosts import peer_host
from federation.keys import KeyRing
from federation.proofs import create_proof
from node.ap.note import local_note_id, note_for
from node.ap.proposal import addressing, item_id, proposal
from node.ap.software import marketplace_aware
from node.clock import Clock, to_text
from node.domain.model import Item, ItemChange
from node.domain.trust import TrustService
from node.storage import Repositories
from node.storage.follows import Follower
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


class Outbox:
    def __init__(self, actor: LocalActor, keys: KeyRing, clock: Clock, trust: TrustService) -> None:
        self.actor = actor
        self._keys = keys
        self._clock = clock
        self._trust = trust
        # Wakes the delivery worker; it waits for the write lock, so it sees the rows.
        self.on_publish: Callable[[], None] = lambda: None

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        """Attach our eddsa-jcs-2022 proof, so relayed copies verify without asking us."""
        key_id = self.actor.key_id(self._keys.ed25519_fragment)
        return create_proof(document, self._keys.current().ed25519, key_id, self._clock.now())

    async def publish(
        self,
        repos: Repositories,
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
        seq = await repos.outbox.add_activity(
            signed["id"], signed["type"], object_id, public, json.dumps(signed), now
        )
        await repos.outbox.add_deliveries(
            seq, [(inbox, peer_host(inbox)) for inbox in inboxes], now
        )
        if inboxes:
            self.on_publish()
        return str(signed["id"])

    async def item_changed(self, repos: Repositories, item: Item, change: ItemChange) -> None:
        """Tell followers about a change of one of our offers and requests.

        Peers running marketplace-aware software get the Proposal; everyone else
        (Mastodon and friends, or software we could not identify) gets a Note.
        """
        if item.visibility is Visibility.PRIVATE or item.status is Status.DRAFT:
            return
        to, cc = addressing(self.actor, item.visibility)
        # Coalition-only items go to partner peers, which the trust policy names.
        followers = (
            []
            if item.visibility is Visibility.COALITION
            else (await repos.follows.accepted_followers())
        )
        inboxes = follower_inboxes(followers)
        by_host: dict[str, bool] = {}  # software is known per host: ask once per host
        for inbox in inboxes:
            host = peer_host(inbox)
            if host not in by_host:
                by_host[host] = await marketplace_aware(repos, inbox)
        aware = [inbox for inbox in inboxes if by_host[peer_host(inbox)]]
        others = [inbox for inbox in inboxes if not by_host[peer_host(inbox)]]
        type_ = CHANGE_TYPES[change]
        published = to_text(self._clock.now())
        object_id = item_id(self.actor, item)
        public = item.visibility is Visibility.PUBLIC
        document = self.sign(proposal(self.actor, item))
        obj: Any = tombstone(object_id, "Proposal", published) if type_ == "Delete" else document
        await self.publish(
            repos,
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
            repos,
            activity(self.actor, type_, note, to=to, cc=cc, published=published),
            inboxes=others,
            public=False,
            object_id=note["id"],
        )
