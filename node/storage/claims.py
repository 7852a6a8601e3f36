"""Repository for claims across nodes (FEP-0837 Offer → Accept / TentativeAccept / Reject)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import aiosqlite

from node.storage.database import fetch_all, fetch_one
from node.storage.events import EventKind, EventRepository


@dataclass(frozen=True)
class Claim:
    id: str
    direction: str  # incoming: on our item; outgoing: ours on a peer's item
    offer_activity_id: str
    intent_id: str
    item_id: str  # our item's id (incoming) or the peer's Proposal IRI (outgoing)
    counterparty: str
    quantity: float
    unit: str
    state: str
    commitment_id: str
    hold_until: str | None = None
    agreement_id: str | None = None
    note: str = ""
    reason: str = ""
    created_at: str = ""
    updated_at: str = ""


_COLUMNS = [f.name for f in fields(Claim)]
ANSWERS = frozenset({"accepted", "tentative", "rejected"})


class ClaimRepository:
    """Writes append ``claim.received`` for a peer's claim on our item and
    ``claim.answered`` for our claim in an answered state (the notifications need them)."""

    def __init__(self, conn: aiosqlite.Connection, events: EventRepository) -> None:
        self._conn = conn
        self._events = events

    async def _record(self, claim: Claim, *, added: bool) -> None:
        if claim.direction == "incoming" and added:
            await self._events.append(EventKind.CLAIM_RECEIVED, claim.id)
        elif claim.direction == "outgoing" and claim.state in ANSWERS:
            await self._events.append(EventKind.CLAIM_ANSWERED, claim.id, {"state": claim.state})

    async def add(self, claim: Claim) -> None:
        names = ", ".join(_COLUMNS)
        marks = ", ".join(f":{name}" for name in _COLUMNS)
        await self._conn.execute(
            f"INSERT INTO claims ({names}) VALUES ({marks})",  # noqa: S608
            {name: getattr(claim, name) for name in _COLUMNS},
        )
        await self._record(claim, added=True)

    async def save(self, claim: Claim) -> None:
        sets = ", ".join(f"{name} = :{name}" for name in _COLUMNS if name != "id")
        await self._conn.execute(
            f"UPDATE claims SET {sets} WHERE id = :id",  # noqa: S608
            {name: getattr(claim, name) for name in _COLUMNS},
        )
        await self._record(claim, added=False)

    async def get(self, claim_id: str) -> Claim | None:
        row = await fetch_one(
            self._conn,
            f"SELECT {', '.join(_COLUMNS)} FROM claims WHERE id = ?",  # noqa: S608
            (claim_id,),
        )
        return Claim(**dict(row)) if row else None

    async def by_offer(self, offer_activity_id: str) -> Claim | None:
        row = await fetch_one(
            self._conn,
            f"SELECT {', '.join(_COLUMNS)} FROM claims WHERE offer_activity_id = ?",  # noqa: S608
            (offer_activity_id,),
        )
        return Claim(**dict(row)) if row else None

    async def find(self, direction: str | None = None, state: str | None = None) -> list[Claim]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_COLUMNS)} FROM claims"  # noqa: S608
            " WHERE (:direction IS NULL OR direction = :direction)"
            " AND (:state IS NULL OR state = :state) ORDER BY created_at DESC, id",
            {"direction": direction, "state": state},
        )
        return [Claim(**dict(row)) for row in rows]

    async def holds_expired(self, now: str) -> list[Claim]:
        rows = await fetch_all(
            self._conn,
            f"SELECT {', '.join(_COLUMNS)} FROM claims"  # noqa: S608
            " WHERE direction = 'incoming' AND state = 'tentative' AND hold_until <= ?",
            (now,),
        )
        return [Claim(**dict(row)) for row in rows]
