"""Relaying: a coalition re-shares a peer's offer or request to its own followers.

Marketplace-aware followers get an ``Announce`` of the origin's object,
unchanged and with its original proof (FEP-1b12 style); everyone else gets our
own Note linking to the Proposal.
"""

from __future__ import annotations

from federation.documents.actor import LocalActor
from node.ap.build import local_activity
from node.ap.note import note_for, relay_note_id
from node.ap.outbox import Outbox, follower_inboxes
from node.ap.software import marketplace_aware
from node.domain.trust import TrustService
from node.errors import Conflict, NotFound
from node.storage import Store
from schemas.context import PUBLIC


class RelayService:
    def __init__(self, store: Store, me: LocalActor, outbox: Outbox, trust: TrustService) -> None:
        self._store = store
        self._me = me
        self._outbox = outbox
        self._trust = trust

    async def announce(self, item_id: str, *, who: str) -> str:
        """Relay a peer's item to our followers; returns the Announce's id."""
        item = await self._store.reader.remote_items.get(item_id)
        if item is None or item.deleted_at is not None or item.hidden_at is not None:
            raise NotFound(f"No visible item {item_id} from a peer here.", reason="item-not-found")
        if "proof" not in item.document:
            raise Conflict(
                "Only items with an origin proof can be relayed unchanged.",
                reason="item-without-proof",
            )
        to, cc = [PUBLIC], [self._me.followers]
        async with self._store.transaction() as repos:
            inboxes = follower_inboxes(await repos.follows.accepted_followers())
            aware = [inbox for inbox in inboxes if await marketplace_aware(repos, inbox)]
            others = [inbox for inbox in inboxes if inbox not in aware]
            announce = local_activity(self._me, "Announce", item.document, to=to, cc=cc)
            announce_id = await self._outbox.publish(
                repos, announce, inboxes=aware, public=True, object_id=item_id
            )
            if others:
                note = note_for(self._me, item.document, relay_note_id(self._me, item_id))
                note.update(to=to, cc=cc)
                create = local_activity(self._me, "Create", note, to=to)
                await self._outbox.publish(
                    repos, create, inboxes=others, public=False, object_id=note["id"]
                )
            await self._trust.audit(repos, who, "item.relayed", item_id)
        return announce_id
