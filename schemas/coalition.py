"""API bodies for coalition work: claims across nodes, the regional feed, matches, referral."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.api import Amount, ClaimState, _Body
from schemas.vocab import Category, Purpose, Urgency


class ClaimCreate(_Body):
    item: str = Field(min_length=1, max_length=2000, description="the peer's Proposal id")
    quantity: Amount
    note: str = Field(default="", max_length=1000, description="kept on this node only")


class ClaimAnswer(_Body):
    reason: str = Field(default="", max_length=500)
    hold_hours: float = Field(default=24, gt=0, le=24 * 14)


class ClaimQuery(_Body):
    direction: Literal["incoming", "outgoing"] | None = None
    state: ClaimState | None = None


class ClaimOut(BaseModel):
    id: str
    direction: Literal["incoming", "outgoing"]
    item: str
    counterparty: str
    quantity: float
    unit: str
    state: ClaimState
    hold_until: str | None
    agreement: str | None
    reason: str
    note: str
    created_at: str
    updated_at: str


class ClaimList(BaseModel):
    claims: list[ClaimOut]


class FeedQueryIn(_Body):
    purpose: list[Purpose] = Field(default_factory=list)
    category: list[Category] = Field(default_factory=list)
    urgency: list[Urgency] = Field(default_factory=list)
    near: str | None = Field(default=None, pattern=r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?$")
    radius_km: float | None = Field(default=None, gt=0, le=2000)
    expiring_within_hours: float | None = Field(default=None, gt=0, le=24 * 365)
    text: str | None = Field(default=None, max_length=200)
    sort: Literal["newest", "urgency", "distance", "ends"] = "newest"
    limit: int = Field(default=100, ge=1, le=500)


class OriginOut(BaseModel):
    actor: str
    name: str
    local: bool


class FeedEntryOut(BaseModel):
    id: str
    purpose: Purpose
    title: str
    summary: str
    category: Category | None
    urgency: Urgency | None
    quantity: float | None
    available: float | None
    minimum: float | None
    unit: str | None
    unit_based: bool
    latitude: float | None
    longitude: float | None
    radius_km: float | None
    area: str | None
    begins_at: datetime | None
    ends_at: datetime | None
    updated_at: datetime
    origin: OriginOut
    relayed_by: str | None
    distance_km: float | None
    possible_duplicates: list[str]


class FeedPage(BaseModel):
    entries: list[FeedEntryOut]


class MatchOut(BaseModel):
    ours: str
    theirs: str
    theirs_title: str
    theirs_origin: OriginOut
    score: float
    factors: dict[str, float]
    explanations: dict[str, str]
    distance_km: float | None


class MatchList(BaseModel):
    matches: list[MatchOut]


class NotifyMatch(_Body):
    ours: str = Field(min_length=1, max_length=2000)
    theirs: str = Field(min_length=1, max_length=2000)


class ReferIn(_Body):
    target: str = Field(min_length=3, max_length=2000, description="group@host or an actor URL")


class ReferOut(BaseModel):
    activity_id: str
