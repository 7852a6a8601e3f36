"""Bodies of the notification API: the in-app list, preferences, and (admins) webhook
endpoints with their delivery history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

EventName = Literal[
    "claim.received",
    "claim.answered",
    "match.suggested",
    "item.expiring",
    "follow.requested",
    "key.changed",
    "delivery.failing",
    "notice.failed",
]
WebhookEvent = Literal[
    "claim.received",
    "claim.answered",
    "match.suggested",
    "item.expiring",
    "follow.requested",
    "key.changed",
    "delivery.failing",
]
Channel = Literal["in-app", "email"]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
DeliveryState = Literal["pending", "sent", "failed", "cancelled"]
# A row id as SQLite stores it: larger integers overflowed into a 500.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NotificationOut(BaseModel):
    id: int
    kind: EventName
    title: str
    lines: list[str]
    link: str
    data: dict[str, Any]
    created_at: str
    read: bool
    read_at: str | None


class NotificationList(BaseModel):
    notifications: list[NotificationOut]
    unread: int
    next_before: int | None = Field(description="Pass as `before` for the next (older) page.")


class NotificationQuery(_Body):
    unread: bool = False
    before: RowId | None = None
    limit: int = Field(default=50, ge=1, le=200)


class MarkRead(_Body):
    ids: list[RowId] | None = Field(default=None, max_length=500)
    all: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> MarkRead:
        if (self.ids is None) == (not self.all):
            raise ValueError("give either ids or all: true")
        return self


class UnreadOut(BaseModel):
    unread: int


class QuietHours(_Body):
    start: ClockTime
    end: ClockTime


class PreferencesOut(BaseModel):
    email: str
    events: list[EventName]
    channels: list[Channel]
    digest: bool
    quiet_hours: QuietHours | None
    timezone: str
    language: Literal["en", "es"]
    available_events: list[EventName]


class PreferencesUpdate(_Body):
    email: str | None = Field(
        default=None, max_length=254, pattern=r"^$|^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$"
    )
    events: list[EventName] | None = None
    channels: list[Channel] | None = None
    digest: bool | None = None
    quiet_hours: QuietHours | None = None
    timezone: str | None = Field(default=None, max_length=64)
    language: Literal["en", "es"] | None = None


class WebhookCreate(_Body):
    url: str = Field(min_length=1, max_length=2000)
    events: list[WebhookEvent] = Field(min_length=1)
    include_contact: bool = Field(
        default=False, description="Send contact details of items and claims (off by default)."
    )
    enabled: bool = True
    description: str = Field(default="", max_length=500)


class WebhookUpdate(_Body):
    url: str | None = Field(default=None, min_length=1, max_length=2000)
    events: list[WebhookEvent] | None = Field(default=None, min_length=1)
    include_contact: bool | None = None
    enabled: bool | None = None
    description: str | None = Field(default=None, max_length=500)


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[WebhookEvent]
    include_contact: bool
    enabled: bool
    description: str
    created_at: str
    updated_at: str


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The whsec_ signing secret; shown only now.")


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]


class AttemptOut(BaseModel):
    at: str
    status: int | None
    outcome: str
    error: str


class NoticeDeliveryOut(BaseModel):
    id: int
    message_id: str
    channel: Literal["email", "digest", "webhook"]
    kind: str
    event_key: str
    recipient: str
    state: DeliveryState
    attempts: int
    next_attempt_at: str
    last_status: int | None
    last_error: str
    created_at: str
    sent_at: str | None
    history: list[AttemptOut]


class NoticeDeliveryList(BaseModel):
    deliveries: list[NoticeDeliveryOut]


class NoticeDeliveryQuery(_Body):
    channel: Literal["email", "digest", "webhook"] | None = None
    state: DeliveryState | None = None
    limit: int = Field(default=100, ge=1, le=500)
