"""CSRF tokens: an itsdangerous HMAC-SHA256 signature bound to the session (or pre-session)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from node.web.security import csrf_token, csrf_valid


def test_a_token_is_a_sha256_signature_bound_to_its_session() -> None:
    token = csrf_token("session-a")
    assert len(base64.urlsafe_b64decode(token + "=")) == 32, "SHA-256, not SHA-1"
    assert token == csrf_token("session-a")
    assert csrf_valid("session-a", token)
    assert not csrf_valid("session-b", token)


def test_missing_foreign_and_odd_tokens_are_refused() -> None:
    token = csrf_token("session-a")
    for submitted in (None, "", "0" * 64, token + "!!!!", token[:-1], token + "é"):
        assert not csrf_valid("session-a", submitted)
    assert not csrf_valid(None, token) and not csrf_valid("", token)


def test_a_token_of_the_old_form_is_refused() -> None:
    """A bare HMAC of the session token (before itsdangerous) is refused: it only ever sat in
    a page open across the upgrade, which then says the form expired."""
    old = hmac.new(b"session-a", b"solidarity-node csrf", hashlib.sha256).hexdigest()
    assert not csrf_valid("session-a", old)
