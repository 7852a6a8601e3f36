"""What the claims API and the pages read about claims, ours and peers'.

Reads only; claims are made and answered through the claim service.
"""

from __future__ import annotations

from collections.abc import Iterable

from node.storage import Store
from node.storage.claims import Claim


class ClaimViews:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def find(self, direction: str | None = None, state: str | None = None) -> list[Claim]:
        """Claims in one direction (incoming on our items, outgoing on peers') and state,
        or all of them."""
        return await self._store.reader.claims.find(direction, state)

    async def get(self, claim_id: str) -> Claim | None:
        return await self._store.reader.claims.get(claim_id)

    async def waiting_for_us(self) -> list[Claim]:
        """Claims on our items that wait for our answer: pending, then held."""
        reader = self._store.reader.claims
        return await reader.find("incoming", "pending") + await reader.find("incoming", "tentative")

    async def on_our_item(self, item_id: str) -> list[Claim]:
        """Claims from peers on one of our items, in any state."""
        return [c for c in await self._store.reader.claims.find("incoming") if c.item_id == item_id]

    async def ours_on(self, item_id: str) -> list[Claim]:
        """Our claims on a peer's item (its Proposal IRI), in any state."""
        return [c for c in await self._store.reader.claims.find("outgoing") if c.item_id == item_id]

    async def ours_in(self, states: Iterable[str]) -> list[Claim]:
        """Our claims on peers' items in any of ``states``."""
        reader = self._store.reader.claims
        return [c for state in sorted(states) for c in await reader.find("outgoing", state)]
