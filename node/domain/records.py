"""The stored records that domain services hand to handlers, named in one place.

Handlers render these records but never import ``node.storage`` (the import
contract in pyproject.toml); they take the names from here.
"""

from __future__ import annotations

from node.storage.claims import Claim
from node.storage.follows import Followee, Follower
from node.storage.notifications import AttemptRow, DeliveryRow, EndpointRow, NotificationRow
from node.storage.outbox import HostDeliveries
from node.storage.peers import RemoteActor
from node.storage.remote_items import RemoteItem
from node.storage.trust import AuditEntry, PeerRow, Report

__all__ = [
    "AttemptRow",
    "AuditEntry",
    "Claim",
    "DeliveryRow",
    "EndpointRow",
    "Followee",
    "Follower",
    "HostDeliveries",
    "NotificationRow",
    "PeerRow",
    "RemoteActor",
    "RemoteItem",
    "Report",
]
