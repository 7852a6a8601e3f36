"""Unsubscribe tokens: itsdangerous with SHA-256 and a salt per purpose, and links mailed
before it (plain HMAC-SHA256, minted here by the old algorithm) that keep working."""

from __future__ import annotations

import base64
import hashlib
import hmac
import string

import pytest

from node.domain.notifications import tokens
from tests.notifications import seed
from tests.notifications.conftest import Mailbox, NoticeNode
from tests.notifications.test_mail import parts, unsubscribe_link

SECRET = b"s" * 32
URLSAFE = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


def old_token(secret: bytes, purpose: str, account_id: int) -> str:
    """The token exactly as the node minted it before itsdangerous."""
    digest = hmac.new(secret, f"{purpose}:{account_id}".encode(), hashlib.sha256).digest()
    mac = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return f"{account_id}.{purpose}.{mac}"


def test_a_token_is_account_purpose_and_a_sha256_signature() -> None:
    token = tokens.sign(SECRET, tokens.UNSUBSCRIBE, 7)
    account, purpose, signature = token.split(".")
    assert (account, purpose) == ("7", "unsubscribe")
    assert len(base64.urlsafe_b64decode(signature + "=")) == 32, "SHA-256, not SHA-1"
    assert token != old_token(SECRET, tokens.UNSUBSCRIBE, 7), "a new format"


def test_the_salt_binds_the_purpose() -> None:
    renew = tokens.sign(SECRET, "renew", 7)
    relabelled = renew.replace(".renew.", ".unsubscribe.")
    assert tokens.verify(SECRET, tokens.UNSUBSCRIBE, relabelled) is None


def test_only_the_exact_spelling_is_accepted() -> None:
    """itsdangerous's own check takes these (its base64 decoder skips stray characters and
    the unused low bits of the last one); the token is compared whole instead."""
    token = tokens.sign(SECRET, tokens.UNSUBSCRIBE, 7)
    # 32 bytes take 43 characters; the last one's two low bits are unused.
    spare = URLSAFE[URLSAFE.index(token[-1]) ^ 1]
    for spelling in (token[:-5] + "!!!!" + token[-5:], token[:-1] + spare):
        assert tokens.verify(SECRET, tokens.UNSUBSCRIBE, spelling) is None


@pytest.mark.parametrize("token", ["7.unsubscribe.é", "²7.unsubscribe.x", "7.unsubscribe.a.b"])
def test_odd_tokens_are_refused_not_raised(token: str) -> None:
    assert tokens.verify(SECRET, tokens.UNSUBSCRIBE, token) is None


def test_old_tokens_still_verify_and_only_for_their_secret_and_account() -> None:
    token = old_token(SECRET, tokens.UNSUBSCRIBE, 7)
    assert tokens.verify(SECRET, tokens.UNSUBSCRIBE, token) == 7
    assert tokens.verify(b"t" * 32, tokens.UNSUBSCRIBE, token) is None
    assert tokens.verify(SECRET, tokens.UNSUBSCRIBE, "8" + token[1:]) is None
    assert tokens.verify(SECRET, "renew", token.replace("unsubscribe", "renew")) is None


async def test_a_link_mailed_before_the_change_still_unsubscribes(
    notice_node: NoticeNode, mailbox: Mailbox
) -> None:
    ana = await notice_node.user("ana", email="ana@example.org")
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node)
    await seed.incoming_claim(notice_node, offer["id"])
    await notice_node.step()
    mailed = unsubscribe_link(parts(mailbox.messages[0])[0]).split("token=", 1)[1]
    account_id = int(mailed.split(".")[0])

    forged = old_token(b"t" * 32, tokens.UNSUBSCRIBE, account_id)
    assert (await notice_node.client.post("/unsubscribe", data={"token": forged})).status == 400
    prefs = await notice_node.as_user(ana, "GET", "/api/v1/notifications/preferences")
    assert "email" in prefs["channels"]

    secret = await notice_node.services.notifications.secret()
    old = old_token(secret, tokens.UNSUBSCRIBE, account_id)
    assert old != mailed
    assert (await notice_node.client.get(f"/unsubscribe?token={old}")).status == 200
    done = await notice_node.client.post("/unsubscribe", data={"token": old})
    assert done.status == 200
    prefs = await notice_node.as_user(ana, "GET", "/api/v1/notifications/preferences")
    assert "email" not in prefs["channels"] and prefs["digest"] is False
