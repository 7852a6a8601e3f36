"""Signed tokens for links that work without signing in (unsubscribe).

A token is ``<account id>.<purpose>.<signature>``: itsdangerous signs
``<account id>.<purpose>`` with HMAC-SHA256 under a key derived from a random
secret the node keeps in its database and a salt naming the purpose, so a token
made for one purpose is worthless for another. Tokens do not expire: a link in
an old email keeps working for as long as the secret is kept.

Links mailed before itsdangerous signed them carry the same three parts with a
plain HMAC-SHA256 over ``<purpose>:<account id>``; :func:`verify` still accepts
those (the legacy check below), so no link already sent stops working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from itsdangerous import Signer

UNSUBSCRIBE = "unsubscribe"


def _signer(secret: bytes, purpose: str) -> Signer:
    return Signer(
        secret,
        salt=f"solidarity-node {purpose}",
        key_derivation="hmac",
        digest_method=hashlib.sha256,  # not itsdangerous's SHA-1 default
    )


def sign(secret: bytes, purpose: str, account_id: int) -> str:
    return _signer(secret, purpose).sign(f"{account_id}.{purpose}").decode("ascii")


def verify(secret: bytes, purpose: str, token: str) -> int | None:
    """The account the token was made for, or None when it is not a valid one.

    Only the exact spelling we would mint is accepted: itsdangerous's own check
    would also take a signature with stray characters, or with other values in
    the unused low bits of its last character, which its base64 decoder allows.
    """
    parts = token.split(".")
    if not token.isascii() or len(parts) != 3 or parts[1] != purpose:
        return None
    if not parts[0].isdigit() or len(parts[0]) > 12:
        return None
    account_id = int(parts[0])
    if hmac.compare_digest(token, sign(secret, purpose, account_id)):
        return account_id
    if hmac.compare_digest(parts[2], _legacy_mac(secret, purpose, account_id)):
        return account_id
    return None


def _legacy_mac(secret: bytes, purpose: str, account_id: int) -> str:
    """The third part of a token as minted before itsdangerous, for links already mailed."""
    digest = hmac.new(secret, f"{purpose}:{account_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
