"""Webhooks per the Standard Webhooks specification.

Each POST carries ``webhook-id`` (the same on every retry, so receivers can
drop duplicates), ``webhook-timestamp`` (integer seconds, at send time) and
``webhook-signature``: ``v1,`` + base64 of HMAC-SHA256, keyed by the base64
secret after its ``whsec_`` prefix, over ``{id}.{timestamp}.{body}``.
Requests go through the node's SSRF-guarded session and address policy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from yarl import URL

from federation.errors import FederationError
from federation.fetch import AddressPolicy

SECRET_PREFIX = "whsec_"  # noqa: S105 (the spec's prefix)
# Refusals by the SSRF guard: retrying cannot help.
PERMANENT_ERRORS = frozenset({"address-refused", "scheme-refused", "url-invalid"})


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def payload(kind: str, data: dict[str, Any], created_at: str) -> bytes:
    """The body: ``type``, ``timestamp`` (when the event was noticed) and ``data``."""
    body = {"type": kind, "timestamp": created_at, "data": data}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def signed_headers(secret: str, message_id: str, now: datetime, body: bytes) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


@dataclass(frozen=True)
class PostResult:
    status: int | None
    retry_after: str | None = None
    error: str = ""


@dataclass
class WebhookPoster:
    session: aiohttp.ClientSession
    addresses: AddressPolicy
    user_agent: str = "solidarity-node"
    timeout: float = 10.0
    connect_timeout: float = 5.0

    def check(self, url: str) -> None:
        """Raise FederationError when the SSRF guard would refuse ``url``."""
        self.addresses.check_url(URL(url))

    async def post(
        self, url: str, secret: str, message_id: str, now: datetime, body: bytes
    ) -> PostResult:
        headers = {**signed_headers(secret, message_id, now, body), "User-Agent": self.user_agent}
        timeout = aiohttp.ClientTimeout(total=self.timeout, connect=self.connect_timeout)
        try:
            self.check(url)
            async with self.session.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                await response.content.readany()
                return PostResult(response.status, response.headers.get("Retry-After"))
        except FederationError as error:
            return PostResult(None, error=error.reason)
        except TimeoutError:
            return PostResult(None, error="timeout")
        except aiohttp.ClientError as error:
            return PostResult(None, error=f"network-error: {type(error).__name__}")
