"""Webhooks per the Standard Webhooks specification: the body and the poster.

The headers and their signature are made in ``federation.webhooks`` (signing
stays in federation/), and the call goes through federation's guarded poster,
so webhook URLs obey the node's SSRF guard and address policy, and a failed
call carries the same reason codes as a failed delivery.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from federation.fetch import AddressPolicy
from federation.poster import GuardedPoster


def payload(kind: str, data: dict[str, Any], created_at: str) -> bytes:
    """The body: ``type``, ``timestamp`` (when the event was noticed) and ``data``."""
    body = {"type": kind, "timestamp": created_at, "data": data}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def webhook_poster(
    session: aiohttp.ClientSession, addresses: AddressPolicy, user_agent: str
) -> GuardedPoster:
    """The poster for webhook calls: 10 s for a call, 5 s of it to connect."""
    return GuardedPoster(session, addresses, user_agent, timeout=10.0, connect_timeout=5.0)
