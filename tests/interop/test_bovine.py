"""Interop with bovine 0.5.19 (PyPI ``bovine``), an independent ActivityPub library.

1. bovine signs, we verify: bovine's actor (key from bovine's helper, document
   from bovine's ``Actor``) follows our node with a POST signed by bovine's
   ``SignedHttpClient``; our node answers 202, adds the follower and sends an
   Accept back to bovine's inbox.
2. we sign, bovine verifies: bovine's ``SignatureChecker`` checks the Accept our
   delivery worker POSTed and the GET our fetcher signed, fetching our key from
   our actor document on loopback; tampered copies must not verify.
3. bovine's digest helpers and ours agree byte for byte, and accept each other.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import pytest

from federation.httpsig import content_digest_header, digest_header
from federation.httpsig.digest import check_content_digest, check_digest
from tests.e2e.conftest import settle
from tests.interop.conftest import BovineDriver, Captured, Interop

# bovine's digest methods: the header each sends, and how its value starts.
DIGEST_SENT = {
    "digest": ("digest", "sha-256="),
    "digest-uppercase": ("digest", "SHA-256="),
    "content-digest": ("content-digest", "sha-256=:"),
}


async def _bovine_actor(interop: Interop) -> dict[str, Any]:
    made = await interop.bovine.run("actor", {"actor_id": interop.remote.actor_id})
    assert made["bovine"] == "0.5.19"
    interop.remote.actor = made["actor"]
    return made


async def _bovine_follows(
    interop: Interop, *, inbox: str = "/actor/inbox", digest: str = "digest", tamper: bool = False
) -> dict[str, Any]:
    made = await _bovine_actor(interop)
    return await interop.bovine.run(
        "follow",
        {
            "actor": made["actor"],
            "private_pem": made["private_pem"],
            "object": f"{interop.node.url}/actor",
            "inbox": f"{interop.node.url}{inbox}",
            "follow_id": f"{interop.remote.actor_id}/follows/1",
            "digest": digest,
            "tamper": tamper,
        },
    )


async def _followed(
    interop: Interop, inbox: str = "/actor/inbox", digest: str = "digest"
) -> tuple[dict[str, Any], Captured, Captured]:
    """bovine follows us; return its Follow, our Accept and our signed GET of its actor."""
    sent = await _bovine_follows(interop, inbox=inbox, digest=digest)
    header, prefix = DIGEST_SENT[digest]
    assert sent["sent"][header].startswith(prefix), sent["sent"]
    assert f" {header} " in sent["sent"]["signature"], "bovine signs its digest"
    assert sent["status"] == 202, sent["body"]
    await settle(interop.node)
    accepts = interop.remote.requests("POST", "/actor/inbox")
    key_fetches = interop.remote.requests("GET", "/actor")
    assert len(accepts) == 1, interop.remote.received
    assert key_fetches, "our node never fetched bovine's key"
    return sent["activity"], accepts[0], key_fetches[0]


@pytest.mark.parametrize(
    ("inbox", "digest"),
    [
        ("/actor/inbox", "digest"),
        ("/inbox", "digest-uppercase"),
        ("/actor/inbox", "content-digest"),
    ],
)
async def test_bovine_signed_follow_is_verified_and_accepted(
    interop: Interop, inbox: str, digest: str
) -> None:
    follow, accept, key_fetch = await _followed(interop, inbox, digest)
    node, remote = interop.node, interop.remote

    assert key_fetch.header("Accept").startswith("application/activity+json")
    follower = await node.services.store.reader.follows.follower(remote.actor_id)
    assert follower is not None
    assert (follower.state, follower.inbox) == ("accepted", f"{remote.actor_id}/inbox")
    assert follower.follow_activity_id == follow["id"]
    document = json.loads(accept.body)
    assert document["type"] == "Accept"
    assert document["actor"] == f"{node.url}/actor"
    assert document["object"]["id"] == follow["id"]
    assert "Signature" in dict(accept.headers)


async def test_bovine_follow_changed_after_signing_is_refused(interop: Interop) -> None:
    sent = await _bovine_follows(interop, tamper=True)
    assert sent["status"] == 401, sent["body"]
    assert json.loads(sent["body"])["reason"] == "digest-mismatch"
    await settle(interop.node)
    reader = interop.node.services.store.reader
    assert await reader.follows.follower(interop.remote.actor_id) is None
    assert interop.remote.requests("POST", "/actor/inbox") == []


def _key_id(message: Captured) -> str:
    found = re.search(r'keyId="([^"]+)"', message.header("Signature"))
    assert found is not None, message.header("Signature")
    return found.group(1)


def _flip_signature(message: Captured) -> Captured:
    header = message.header("Signature")
    start = header.index('signature="') + len('signature="')
    flipped = "A" if header[start] != "A" else "B"
    return message.with_header("Signature", header[:start] + flipped + header[start + 1 :])


def _later_date(message: Captured) -> Captured:
    """A Date one second later: still inside bovine's window, but not what we signed."""
    later = parsedate_to_datetime(message.header("Date")) + timedelta(seconds=1)
    return message.with_header("Date", format_datetime(later, usegmt=True))


def _other_body(message: Captured, *, new_digest: bool) -> Captured:
    """The Accept turned into a Reject, with a Digest that matches it or the original."""
    body = message.body.replace(b'"Accept"', b'"Reject"')
    assert body != message.body
    changed = replace(message, body=body)
    return changed.with_header("Digest", digest_header(body)) if new_digest else changed


async def test_bovine_verifies_our_signatures_and_refuses_tampered_copies(
    interop: Interop,
) -> None:
    _, accept, key_fetch = await _followed(interop)
    our_actor = f"{interop.node.url}/actor"
    # Our fetches may be signed by the group actor or by an instance actor: either
    # way the key and its owner's document must be ours.
    fetch_signer = _key_id(key_fetch).partition("#")[0]
    assert fetch_signer.startswith(f"{interop.node.url}/"), key_fetch.header("Signature")
    cases = {
        "accept": accept,
        "signed-get": key_fetch,
        "accept, body and its Digest changed": _other_body(accept, new_digest=True),
        "accept, body changed": _other_body(accept, new_digest=False),
        "accept, other path": replace(accept, url=accept.url.replace("/inbox", "/outbox")),
        "accept, Date a second later": _later_date(accept),
        "accept, signature flipped": _flip_signature(accept),
        "get, other path": replace(key_fetch, url=f"{key_fetch.url}/followers"),
        "get, signature flipped": _flip_signature(key_fetch),
    }
    result = await interop.bovine.run(
        "verify", {"requests": [case.for_driver() for case in cases.values()]}
    )
    owners = dict(zip(cases, result["owners"], strict=True))
    expected = {"accept": our_actor, "signed-get": fetch_signer}
    assert owners == {name: expected.get(name) for name in cases}
    assert set(result["fetched"]) == {our_actor, fetch_signer}


BODIES = {
    "empty": b"",
    "ascii": b'{"type":"Follow"}',
    "utf-8": json.dumps({"name": "Brot für alle — 20 kg"}, ensure_ascii=False).encode(),
    "large": json.dumps({"content": "x" * 200_000}).encode(),
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
async def test_digests_agree_byte_for_byte(bovine: BovineDriver, body: bytes) -> None:
    ours = {"digest": digest_header(body), "content-digest": content_digest_header(body)}
    request = {"cases": [{"body": base64.b64encode(body).decode(), "given": ours}]}
    (theirs,) = (await bovine.run("digest", request))["results"]

    assert theirs["digest"] == ours["digest"]
    assert theirs["content_digest"] == ours["content-digest"]
    assert theirs["accepts"] == {"digest": True, "content-digest": True}
    # and ours accepts bovine's default, lower-case form
    check_digest(theirs["digest_lowercase"], body)
    check_content_digest(theirs["content_digest"], body)
