"""What a subscription keeps: purposes, categories and a region, or everything."""

from __future__ import annotations

import json
from dataclasses import dataclass

from node.domain.location import haversine_km
from node.storage.remote_items import RemoteItem


@dataclass(frozen=True)
class SubscriptionFilter:
    purposes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    centre: tuple[float, float] | None = None
    radius_km: float | None = None

    def to_json(self) -> str:
        region = None
        if self.centre is not None and self.radius_km is not None:
            region = {
                "latitude": self.centre[0],
                "longitude": self.centre[1],
                "radius_km": self.radius_km,
            }
        return json.dumps(
            {"purposes": list(self.purposes), "categories": list(self.categories), "region": region}
        )

    @classmethod
    def from_json(cls, text: str) -> SubscriptionFilter:
        data = json.loads(text or "{}")
        region = data.get("region") or None
        return cls(
            purposes=tuple(data.get("purposes") or ()),
            categories=tuple(data.get("categories") or ()),
            centre=(region["latitude"], region["longitude"]) if region else None,
            radius_km=region["radius_km"] if region else None,
        )

    def keeps(self, item: RemoteItem) -> bool:
        if self.purposes and item.purpose not in self.purposes:
            return False
        if self.categories and item.category not in self.categories:
            return False
        if self.centre is not None and self.radius_km is not None:
            if item.latitude is None or item.longitude is None:
                return False
            distance = haversine_km(*self.centre, item.latitude, item.longitude)
            return distance <= self.radius_km + (item.radius_km or 0)
        return True
