"""Peers' Proposals, in whatever shape they arrive, as the record the node stores.

The wire normaliser (schemas.wire) reads FEP-0837's inline context, Bonfire's
older ValueFlows namespace and prefixed types, compact or full IRIs, and numbers
sent as strings, with plain alias tables: no JSON-LD processing on this path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from node.clock import to_text
from node.domain.records import RemoteItem
from schemas.vocab import Status
from schemas.wire import Proposal, WireError, normalise_parsed, normalise_proposal


class ProposalError(ValueError):
    """The object is not a Proposal we can read; ``reason`` says why."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


def _text(moment: datetime | None) -> str | None:
    return to_text(moment) if moment else None


def parse_proposal(
    document: dict[str, Any], actor_id: str, parsed: Proposal | None = None
) -> RemoteItem:
    """The record of ``document``; ``parsed`` is the same document already read as a
    Proposal (an activity's embedded object), which is then not validated again."""
    try:
        found = normalise_proposal(document) if parsed is None else normalise_parsed(parsed)
    except WireError as error:
        raise ProposalError(str(error.reason), error.detail) from error
    status = found.item_status
    if status is None:
        status = Status.CLOSED if found.finished else Status.OPEN
    place = found.location
    return RemoteItem(
        id=found.id,
        actor_id=actor_id,
        purpose=found.purpose.value,
        title=found.title,
        summary=found.summary,
        category=found.category.value if found.category else None,
        urgency=found.urgency.value if found.urgency else None,
        unit=found.unit.value if found.unit else None,
        quantity=found.quantity,
        available_quantity=found.available,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        radius_km=place.radius_km if place else None,
        area_name=place.area if place else None,
        begins_at=_text(found.begins_at),
        ends_at=_text(found.ends_at),
        document=document,
        status=status.value,
        minimum_quantity=found.minimum,
        unit_based=found.unit_based,
        intent_id=found.intent_id,
        referred_from=found.referred_from,
        location_precision=found.location_precision.value if found.location_precision else None,
    )
