"""Signed tokens for links that work without signing in (unsubscribe).

A token is ``<account id>.<purpose>.<mac>``: an HMAC-SHA256 over the purpose and
the account, keyed by a random secret the node keeps in its database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

UNSUBSCRIBE = "unsubscribe"


def _mac(secret: bytes, purpose: str, account_id: int) -> str:
    digest = hmac.new(secret, f"{purpose}:{account_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def sign(secret: bytes, purpose: str, account_id: int) -> str:
    return f"{account_id}.{purpose}.{_mac(secret, purpose, account_id)}"


def verify(secret: bytes, purpose: str, token: str) -> int | None:
    """The account the token was made for, or None when it is not a valid one."""
    parts = token.split(".")
    if len(parts) != 3 or parts[1] != purpose or not parts[0].isdigit() or len(parts[0]) > 12:
        return None
    account_id = int(parts[0])
    if not hmac.compare_digest(parts[2], _mac(secret, purpose, account_id)):
        return None
    return account_id
