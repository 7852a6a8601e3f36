"""The words: both languages have every string, every event renders in both, and the
signing matches the spec's algorithm written out here from its text."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

import pytest

from federation.webhooks import new_secret, signed_headers
from node.domain.notifications import tokens
from node.domain.notifications.events import ADMIN_KINDS, Kind
from node.domain.notifications.messages import STRINGS, render

ITEM = {
    "id": "i1",
    "purpose": "offer",
    "title": "Rice",
    "urgency": "anytime",
    "ends_at": "2026-03-02T06:00:00Z",
    "link": "http://node.test/items/offers/i1",
}
GROUP = {"actor": "http://w.test/actor", "name": "Westside"}
SAMPLES: dict[str, dict[str, Any]] = {
    "claim.received": {"item": ITEM, "quantity": 2, "unit": "litre", "group": GROUP},
    "claim.answered": {
        "item": ITEM,
        "quantity": 1,
        "unit": "one",
        "group": GROUP,
        "answer": "tentative",
        "hold_until": "2026-03-02T06:00:00Z",
        "reason": "r",
    },
    "match.suggested": {
        "ours": {**ITEM, "purpose": "request"},
        "theirs": ITEM,
        "group": GROUP,
        "score": 0.91,
    },
    "item.expiring": {"item": ITEM},
    "follow.requested": {"actor": "http://c.test/actor", "host": "c.test"},
    "key.changed": {"host": "w.test", "key_id": "k", "fingerprint": "ab" * 32},
    "delivery.failing": {
        "host": "w.test",
        "failing_since": "2026-03-01T00:00:00Z",
        "undelivered": 3,
        "last_error": "timeout",
    },
    "notice.failed": {"channel": "email", "recipient": "ana", "error": "smtp-550"},
    "webhook.test": {},
}


def test_both_languages_have_every_string() -> None:
    assert set(STRINGS["en"]) == set(STRINGS["es"])


@pytest.mark.parametrize("kind", sorted(ADMIN_KINDS | {Kind.WEBHOOK_TEST}))
def test_every_event_renders_in_both_languages(kind: str) -> None:
    english = render(kind, SAMPLES[kind], "en")
    spanish = render(kind, SAMPLES[kind], "es", "Europe/Madrid")
    assert english.subject and spanish.subject and english.subject != spanish.subject
    assert all(english.lines) and all(spanish.lines)


def test_the_signature_is_the_specs_hmac() -> None:
    """``v1,`` + base64(HMAC-SHA256(base64-decoded secret, "{id}.{timestamp}.{body}"))."""
    secret, body = new_secret(), b'{"type":"x"}'
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    headers = signed_headers(secret, "msg_1", now, body)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, b"msg_1.1772366400." + body, hashlib.sha256).digest()
    assert headers["webhook-timestamp"] == "1772366400"
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()


def test_tokens_name_one_account_and_one_purpose() -> None:
    secret = b"s" * 32
    token = tokens.sign(secret, tokens.UNSUBSCRIBE, 7)
    assert tokens.verify(secret, tokens.UNSUBSCRIBE, token) == 7
    assert tokens.verify(b"t" * 32, tokens.UNSUBSCRIBE, token) is None
    assert tokens.verify(secret, "renew", token.replace("unsubscribe", "renew")) is None
