"""Prometheus counters for federation traffic, served by the node at /metrics."""

from __future__ import annotations

from prometheus_client import Counter

INBOX_ACCEPTED = Counter(
    "solidarity_inbox_accepted_total", "Inbound activities accepted and persisted."
)
INBOX_REJECTED = Counter(
    "solidarity_inbox_rejected_total", "Inbound activities rejected, by reason.", ["reason"]
)
