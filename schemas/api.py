"""The JSON API's request and response bodies (``/api/v1``).

The OpenAPI document is generated from these models, so they are the contract.
Request bodies forbid unknown fields: a typo is an error, not silently dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from schemas.vocab import (
    Action,
    Category,
    CloseReason,
    LocationPrecision,
    Purpose,
    Role,
    Status,
    Unit,
    Urgency,
    Visibility,
)

LanguageTag = Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=5000)]
Amount = Annotated[float, Field(gt=0, le=1_000_000_000)]


def _plausible(moment: datetime) -> datetime:
    # Far-off years overflow when converted to UTC (year 1 at +01:00) or leave a
    # stored date the node cannot read back: 422, never a 500 or a poisoned item.
    if not 1970 <= moment.year <= 9998:
        raise ValueError("must be a date between the years 1970 and 9998")
    return moment


Moment = Annotated[datetime, AfterValidator(_plausible)]
"""A date-time given to the node: 1970 to 9998."""
ClaimState = Literal[
    "pending", "tentative", "accepted", "rejected", "withdrawn", "fulfilled", "expired"
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TranslationIn(_Body):
    title: Title
    description: Description = ""


class QuantityIn(_Body):
    amount: Amount = 1
    unit: Unit = Unit.ONE
    minimum: Amount | None = None

    @model_validator(mode="after")
    def _minimum_fits(self) -> QuantityIn:
        if self.minimum is not None and self.minimum > self.amount:
            raise ValueError("minimum cannot exceed amount")
        return self


class LocationIn(_Body):
    """A point (snapped to the node's precision before it is stored) or an area name."""

    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    area: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _point_or_area(self) -> LocationIn:
        has_point = self.latitude is not None and self.longitude is not None
        partial = (self.latitude is None) != (self.longitude is None)
        if partial or (has_point == (self.area is not None)):
            raise ValueError("give latitude and longitude, or area")
        return self


class PrivateIn(_Body):
    """Contact details and notes: kept on this node only, deleted after retention."""

    contact: str = Field(default="", max_length=500)
    notes: str = Field(default="", max_length=5000)


class ItemCreate(_Body):
    title: Title
    description: Description = ""
    language: LanguageTag | None = None
    translations: dict[LanguageTag, TranslationIn] = Field(default_factory=dict, max_length=20)
    category: Category
    item_spec: str = Field(default="", max_length=500)
    action: Action = Action.TRANSFER
    quantity: QuantityIn = Field(default_factory=QuantityIn)
    unit_based: bool = False
    urgency: Urgency = Urgency.ANYTIME
    location: LocationIn | None = None
    begins_at: Moment | None = None
    ends_at: Moment | None = None
    recurring: bool = False
    visibility: Visibility = Visibility.PUBLIC
    draft: bool = False
    private: PrivateIn | None = None


class ItemUpdate(_Body):
    """Only the fields given change."""

    title: Title | None = None
    description: Description | None = None
    translations: dict[LanguageTag, TranslationIn] | None = Field(default=None, max_length=20)
    category: Category | None = None
    item_spec: str | None = Field(default=None, max_length=500)
    action: Action | None = None
    quantity: QuantityIn | None = None
    unit_based: bool | None = None
    urgency: Urgency | None = None
    location: LocationIn | None = None
    begins_at: Moment | None = None
    ends_at: Moment | None = None
    recurring: bool | None = None
    visibility: Visibility | None = None
    private: PrivateIn | None = None


class CloseIn(_Body):
    reason: CloseReason


class RenewIn(_Body):
    ends_at: Moment | None = None


class TranslationOut(BaseModel):
    title: str
    description: str


class QuantityOut(BaseModel):
    amount: float
    available: float
    minimum: float | None
    unit: Unit


class LocationOut(BaseModel):
    precision: LocationPrecision
    latitude: float
    longitude: float
    radius_km: float
    area: str | None


class PrivateOut(BaseModel):
    contact: str
    notes: str
    purge_after: datetime | None


class ItemOut(BaseModel):
    id: str
    purpose: Purpose
    url: str
    title: str
    description: str
    language: str
    translations: dict[str, TranslationOut]
    category: Category
    item_spec: str
    action: Action
    quantity: QuantityOut
    unit_based: bool
    urgency: Urgency
    location: LocationOut | None
    begins_at: datetime
    ends_at: datetime | None
    recurring: bool
    visibility: Visibility
    status: Status
    close_reason: CloseReason | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    referred_from: str | None = Field(
        default=None, description="the request another group passed on to us"
    )
    private: PrivateOut | None = Field(
        default=None, description="Only shown to signed-in coordinators of this node."
    )


class ItemPage(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None


class ItemQuery(_Body):
    status: list[Status] = Field(default_factory=list)
    category: list[Category] = Field(default_factory=list)
    urgency: list[Urgency] = Field(default_factory=list)
    near: str | None = Field(default=None, pattern=r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?$")
    radius_km: float = Field(default=25, gt=0, le=2000)
    text: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, pattern=r"^\d{1,18}$")


class CategoryOut(BaseModel):
    code: Category
    label: str
    iri: str
    includes: str
    cluster: str
    hxl: str
    related: list[Category]


class CategoryList(BaseModel):
    categories: list[CategoryOut]


class SoftwareOut(BaseModel):
    name: str
    version: str


class AreaOut(BaseModel):
    name: str
    latitude: float
    longitude: float
    radius_km: float


class NodeOut(BaseModel):
    name: str
    handle: str
    summary: str
    public_url: str
    actor: str
    software: SoftwareOut
    location_precision: LocationPrecision
    areas: list[AreaOut]
    open_offers: int
    open_requests: int


class TokenCreate(_Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    label: str = Field(default="", max_length=100)


class TokenOut(BaseModel):
    token: str
    role: Role


class AccountCreate(_Body):
    username: str = Field(pattern=r"^[a-zA-Z0-9_.-]{1,64}$")
    password: str = Field(min_length=12, max_length=1024)
    role: Role


class AccountOut(BaseModel):
    id: int
    username: str
    role: Role
    created_at: datetime


class FieldProblem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with our reason code and field errors."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    reason: str
    errors: list[FieldProblem] = Field(default_factory=list)


class RelayIn(_Body):
    id: str = Field(min_length=1, max_length=2000, description="the peer's Proposal id")


class RelayOut(BaseModel):
    activity_id: str
