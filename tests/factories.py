"""Records the tests build often, with plain defaults a test overrides where it matters."""

from __future__ import annotations

from typing import Any

from node.domain.records import RemoteItem


def peer_item(item_id: str, actor_id: str, **changes: Any) -> RemoteItem:
    """A peer's open offer of 10 litres of water, with no place or time."""
    values: dict[str, Any] = {
        "id": item_id,
        "actor_id": actor_id,
        "purpose": "offer",
        "title": "Water",
        "summary": "",
        "category": "water",
        "urgency": None,
        "unit": "litre",
        "quantity": 10.0,
        "available_quantity": 10.0,
        "latitude": None,
        "longitude": None,
        "radius_km": None,
        "area_name": None,
        "begins_at": None,
        "ends_at": None,
        "document": {},
    }
    return RemoteItem(**{**values, **changes})
