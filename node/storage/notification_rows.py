"""The records of notifications: recipients, preferences, in-app rows, webhook
endpoints, outbound deliveries and their attempts, and how a database row becomes one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from node.storage.database import Row


@dataclass(frozen=True)
class Recipient:
    id: int
    username: str
    role: str


@dataclass(frozen=True)
class PreferencesRow:
    account_id: int
    email: str
    events: list[str]
    channels: list[str]
    digest: bool
    quiet_start: str | None
    quiet_end: str | None
    timezone: str
    language: str
    updated_at: str


@dataclass(frozen=True)
class NotificationRow:
    id: int
    account_id: int
    event_key: str
    kind: str
    data: dict[str, Any]
    created_at: str
    read_at: str | None


@dataclass(frozen=True)
class EndpointRow:
    id: int
    url: str
    secret: str
    events: list[str]
    include_contact: bool
    enabled: bool
    description: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    message_id: str
    channel: str
    target: str
    account_id: int | None
    endpoint_id: int | None
    event_key: str
    kind: str
    data: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: str
    last_status: int | None
    last_error: str
    created_at: str
    updated_at: str
    sent_at: str | None


@dataclass(frozen=True)
class AttemptRow:
    delivery_id: int
    at: str
    status: int | None
    outcome: str
    error: str


def prefs_of(row: Row) -> PreferencesRow:
    values = dict(row)
    values.update(
        events=json.loads(values["events"]),
        channels=json.loads(values["channels"]),
        digest=bool(values["digest"]),
    )
    return PreferencesRow(**values)


def endpoint_of(row: Row) -> EndpointRow:
    values = dict(row)
    values.update(
        events=json.loads(values["events"]),
        enabled=bool(values["enabled"]),
        include_contact=bool(values["include_contact"]),
    )
    return EndpointRow(**values)


def delivery_of(row: Row) -> DeliveryRow:
    return DeliveryRow(**{**dict(row), "data": json.loads(row["data"])})
