"""Relaying: a coalition re-shares a peer's offer or request to its own followers.

Marketplace-aware followers get an ``Announce`` of the origin's object,
unchanged and with its original proof (FEP-1b12 style); everyone else gets our
own Note linking to the Proposal.
"""

from __future__ import annotations

from federation.documents.actor import LocalActor
from node.ap.build import local_activity
from node.ap.note import note_for, relay_note_id
from node.ap.outbox import Outbox
from node.domain.records import RemoteItem, Transaction
from schemas.context import PUBLIC


class RelayMessenger:
    """node/domain/relays' RelayMessages as ActivityPub activities."""

    def __init__(self, me: LocalActor, outbox: Outbox) -> None:
        self._me = me
        self._outbox = outbox

    async def send_relay(self, tx: Transaction, item: RemoteItem) -> str:
        to, cc = [PUBLIC], [self._me.followers]
        aware, others = await self._outbox.by_software(tx, await self._outbox.followers(tx))
        announce = local_activity(self._me, "Announce", item.document, to=to, cc=cc)
        announce_id = await self._outbox.publish(
            tx, announce, inboxes=aware, public=True, object_id=item.id
        )
        if others:
            note = note_for(self._me, item.document, relay_note_id(self._me, item.id))
            note.update(to=to, cc=cc)
            create = local_activity(self._me, "Create", note, to=to)
            await self._outbox.publish(
                tx, create, inboxes=others, public=False, object_id=note["id"]
            )
        return announce_id
