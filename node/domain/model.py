"""The group's own offers and requests, as plain records.

An :class:`Item` is the shared record: it carries no personal data and its
location is already coarse. Contact details live apart, in :class:`PrivateDetails`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from schemas.vocab import (
    Action,
    Category,
    CloseReason,
    LocationPrecision,
    Purpose,
    Status,
    Unit,
    Urgency,
    Visibility,
)


class ItemChange(StrEnum):
    """What a change did to an item (the storage layer records it in the change feed)."""

    CREATED = "created"
    UPDATED = "updated"
    CLOSED = "closed"
    EXPIRED = "expired"
    RENEWED = "renewed"
    DELETED = "deleted"


@dataclass(frozen=True)
class Place:
    """A coarse location: a grid cell's centre or a declared admin area."""

    precision: LocationPrecision
    latitude: float
    longitude: float
    radius_km: float
    area: str | None = None


@dataclass(frozen=True)
class Text:
    title: str
    description: str = ""


@dataclass
class Item:
    id: str
    purpose: Purpose
    title: str
    description: str
    language: str
    category: Category
    action: Action
    unit: Unit
    quantity: float
    available_quantity: float
    urgency: Urgency
    visibility: Visibility
    status: Status
    begins_at: datetime
    created_at: datetime
    updated_at: datetime
    ends_at: datetime | None = None
    minimum_quantity: float | None = None
    unit_based: bool = False
    recurring: bool = False
    item_spec: str = ""
    translations: dict[str, Text] = field(default_factory=dict)
    place: Place | None = None
    close_reason: CloseReason | None = None
    closed_at: datetime | None = None
    version: int = 1
    referred_from: str | None = None

    @property
    def committed_quantity(self) -> float:
        return self.quantity - self.available_quantity


@dataclass(frozen=True)
class PrivateDetails:
    """Local-only details of an item: never federated, deleted after retention."""

    contact: str = ""
    notes: str = ""
    purge_after: datetime | None = None


@dataclass(frozen=True)
class ItemFilter:
    purpose: Purpose
    statuses: tuple[Status, ...] = ()
    categories: tuple[Category, ...] = ()
    urgencies: tuple[Urgency, ...] = ()
    text: str | None = None
    public_only: bool = True
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    limit: int = 50
    after_seq: int | None = None
