"""What the node notifies about: event kinds, who may hear of each, and default choices.

An :class:`Event` is derived by the scanner from the database. Its ``key`` is
unique per event (a claim, an answer, a match pair, an item's end), so storing
it once per recipient and channel makes notifying idempotent. ``data`` holds
only what every recipient may already see in the node; ``private`` holds the
contact details that only an opted-in webhook endpoint receives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from schemas.vocab import Role


class Kind(StrEnum):
    CLAIM_RECEIVED = "claim.received"
    CLAIM_ANSWERED = "claim.answered"
    MATCH_SUGGESTED = "match.suggested"
    ITEM_EXPIRING = "item.expiring"
    FOLLOW_REQUESTED = "follow.requested"
    KEY_CHANGED = "key.changed"
    DELIVERY_FAILING = "delivery.failing"
    NOTICE_FAILED = "notice.failed"
    WEBHOOK_TEST = "webhook.test"


# Coordinators see items, claims and matches; admins see those and the node's health.
COORDINATOR_KINDS = frozenset(
    {Kind.CLAIM_RECEIVED, Kind.CLAIM_ANSWERED, Kind.MATCH_SUGGESTED, Kind.ITEM_EXPIRING}
)
ADMIN_KINDS = COORDINATOR_KINDS | {
    Kind.FOLLOW_REQUESTED,
    Kind.KEY_CHANGED,
    Kind.DELIVERY_FAILING,
    Kind.NOTICE_FAILED,
}
# What a webhook endpoint may subscribe to (the test ping always goes).
WEBHOOK_KINDS = ADMIN_KINDS - {Kind.NOTICE_FAILED}

DEFAULT_EVENTS: dict[Role, tuple[Kind, ...]] = {
    Role.COORDINATOR: (
        Kind.CLAIM_RECEIVED,
        Kind.CLAIM_ANSWERED,
        Kind.MATCH_SUGGESTED,
        Kind.ITEM_EXPIRING,
    ),
    Role.ADMIN: (
        Kind.CLAIM_RECEIVED,
        Kind.FOLLOW_REQUESTED,
        Kind.KEY_CHANGED,
        Kind.DELIVERY_FAILING,
        Kind.NOTICE_FAILED,
    ),
}


def allowed_kinds(role: Role) -> frozenset[Kind]:
    return ADMIN_KINDS if role is Role.ADMIN else COORDINATOR_KINDS


@dataclass(frozen=True)
class Event:
    key: str
    kind: Kind
    data: dict[str, Any]
    private: dict[str, Any] = field(default_factory=dict)

    def for_webhook(self, include_contact: bool) -> dict[str, Any]:
        """The event's data, plus contact details only for an opted-in endpoint."""
        if include_contact and self.private:
            return {**self.data, "contact": dict(self.private)}
        return dict(self.data)
