"""Relaying: a coalition passes a peer's offer or request on to its own followers.

Only a visible item that carries its origin's proof is relayed, so followers
can check it came from its origin without asking it.
"""

from __future__ import annotations

from node.domain.peers import RelayMessages
from node.domain.trust import TrustService
from node.errors import Conflict, NotFound
from node.storage import Store


class RelayService:
    def __init__(self, store: Store, messages: RelayMessages, trust: TrustService) -> None:
        self._store = store
        self._messages = messages
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
        async with self._store.transaction() as repos:
            announce_id = await self._messages.send_relay(repos, item)
            await self._trust.audit(repos, who, "item.relayed", item_id)
        return announce_id
