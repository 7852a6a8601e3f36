"""The shared shapes of inbound handlers: their context and their outcome."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from federation.documents.actor import LocalActor
from node.ap.outbox import Outbox
from node.domain.items import ItemService
from node.domain.trust import TrustService
from node.storage import Repositories
from node.storage.inbox import QueuedActivity
from node.storage.peers import RemoteActor


@dataclass(frozen=True)
class Outcome:
    state: str  # done | dropped
    reason: str

    def __str__(self) -> str:
        return f"{self.state}:{self.reason}"


def done(reason: str) -> Outcome:
    return Outcome("done", reason)


def dropped(reason: str) -> Outcome:
    return Outcome("dropped", reason)


@dataclass(frozen=True)
class Context:
    repos: Repositories
    me: LocalActor
    outbox: Outbox
    row: QueuedActivity
    activity: dict[str, Any]
    sender: RemoteActor | None
    now: str
    trust: TrustService
    items: ItemService
    verified: dict[str, Any] | None = None
    """A relayed or proof-carrying object, already checked against its origin."""


Handler = Callable[[Context], Awaitable[Outcome]]


def parse_body(row: QueuedActivity) -> dict[str, Any]:
    document = json.loads(row.body)
    assert isinstance(document, dict)
    return document
