"""The stored records that domain services hand to handlers, named in one place.

Handlers render these records but never import ``node.storage`` (the import
contract in pyproject.toml); they take the names from here. ``Transaction`` is the
handle of one write transaction: node/ap passes it from the worker that opened it
to domain services and port adapters without reading through it itself.
"""

from __future__ import annotations

from node.storage import Repositories as Transaction
from node.storage.backfills import Backfill
from node.storage.claims import Claim
from node.storage.events import EventKind
from node.storage.follows import Followee, Follower
from node.storage.inbox import QueuedActivity
from node.storage.notification_rows import AttemptRow, DeliveryRow, EndpointRow, NotificationRow
from node.storage.outbox import HostDeliveries
from node.storage.peers import RemoteActor
from node.storage.remote_items import RemoteItem
from node.storage.trust import AuditEntry, PeerRow, Report

__all__ = [
    "AttemptRow",
    "AuditEntry",
    "Backfill",
    "Claim",
    "DeliveryRow",
    "EndpointRow",
    "EventKind",
    "Followee",
    "Follower",
    "HostDeliveries",
    "NotificationRow",
    "PeerRow",
    "QueuedActivity",
    "RemoteActor",
    "RemoteItem",
    "Report",
    "Transaction",
]
