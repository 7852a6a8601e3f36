"""The closed vocabularies every node and peer relies on (design brief, section 3a).

These values travel on the wire and are stored by peers: never rename them.
"""

from __future__ import annotations

from enum import StrEnum

PROJECT_NS = "https://w3id.org/solidarity-node/ns#"
TAXONOMY_NS = "https://w3id.org/solidarity-node/taxonomy#"


class Purpose(StrEnum):
    OFFER = "offer"
    REQUEST = "request"


class Category(StrEnum):
    FOOD = "food"
    WATER = "water"
    HYGIENE = "hygiene"
    SHELTER = "shelter"
    HOUSEHOLD = "household"
    MEDICAL = "medical"
    TRANSPORT = "transport"
    ENERGY_COMMS = "energy-comms"
    CARE = "care"
    SKILLS = "skills"
    TIME = "time"
    CASH = "cash"
    OTHER = "other"


class Action(StrEnum):
    """ValueFlows actions: give away, provide a service, lend, or work."""

    TRANSFER = "transfer"
    DELIVER_SERVICE = "deliverService"
    USE = "use"
    WORK = "work"


class Unit(StrEnum):
    """OM2 unit names."""

    ONE = "one"
    GRAM = "gram"
    KILOGRAM = "kilogram"
    MILLILITRE = "millilitre"
    LITRE = "litre"
    METRE = "metre"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"


class Urgency(StrEnum):
    WITHIN_1_2_DAYS = "within-1-2-days"
    WITHIN_3_5_DAYS = "within-3-5-days"
    WITHIN_A_WEEK = "within-a-week"
    ANYTIME = "anytime"


class LocationPrecision(StrEnum):
    GRID_1KM = "grid-1km"
    GRID_5KM = "grid-5km"
    ADMIN_AREA = "admin-area"


class Visibility(StrEnum):
    PUBLIC = "public"
    FOLLOWERS = "followers"
    COALITION = "coalition"
    PRIVATE = "private"


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PARTLY_COMMITTED = "partly-committed"
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    EXPIRED = "expired"


class CloseReason(StrEnum):
    FULFILLED = "fulfilled"
    FULFILLED_ELSEWHERE = "fulfilled-elsewhere"
    REFERRED = "referred"
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
