"""Webhook signing per the Standard Webhooks specification, by its own library.

Each call carries ``webhook-id`` (the same on every retry, so receivers can
drop duplicates), ``webhook-timestamp`` (integer seconds, at send time) and
``webhook-signature``: ``v1,`` + base64 of HMAC-SHA256, keyed by the base64
secret after its ``whsec_`` prefix, over ``{id}.{timestamp}.{body}``. The
signature is computed by ``standardwebhooks``, the Standard Webhooks team's
package; like every other signature the node makes, it is made here in
``federation/``, and ``node/`` asks for signed headers instead of signing.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 (the spec's prefix)


def new_secret() -> str:
    """A fresh endpoint secret: ``whsec_`` and 24 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def signed_headers(secret: str, message_id: str, now: datetime, body: bytes) -> dict[str, str]:
    """The headers of one call: its content type, id, timestamp and signature."""
    timestamp = int(now.timestamp())
    # The library formats the time itself: hand it the whole second the header names.
    signed_at = datetime.fromtimestamp(timestamp, tz=UTC)
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": Webhook(secret).sign(message_id, signed_at, body),
    }
