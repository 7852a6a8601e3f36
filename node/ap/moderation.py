"""Moderation, the federation side: a report about a peer's item is a ``Flag`` to its origin."""

from __future__ import annotations

from federation.documents.actor import LocalActor
from node.ap.build import local_activity
from node.ap.outbox import Outbox
from node.domain.records import RemoteItem, Transaction


class ReportMessenger:
    """node/domain/moderation's ReportMessages as ActivityPub activities."""

    def __init__(self, me: LocalActor, outbox: Outbox) -> None:
        self._me = me
        self._outbox = outbox

    async def send_report(self, tx: Transaction, item: RemoteItem, content: str, inbox: str) -> str:
        reported = [item.actor_id, item.id]
        flag = local_activity(self._me, "Flag", reported, to=[item.actor_id], content=content)
        return await self._outbox.publish(tx, flag, inboxes=[inbox], public=False)
