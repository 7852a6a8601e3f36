"""Every signature failure mode is refused at the inbox, and nothing changes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.e2e.wire import activity as _activity
from tests.e2e.wire import post_inbox as _post
from tests.e2e.wire import sign as _sign


@pytest.fixture
async def pair(make_peer: PeerFactory) -> tuple[Peer, Peer]:
    sender = await make_peer("sender")
    target = await make_peer("target")
    # Warm the target's key cache with one good request, so refusals are compared
    # against a database that already knows the sender.
    body = json.dumps(_activity(sender)).encode()
    status, _ = await _post(target, _sign(sender, f"{target.url}/inbox", body), body)
    assert status == 202
    await settle(sender, target)
    return sender, target


async def test_duplicate_delivery_is_accepted_once(pair: tuple[Peer, Peer]) -> None:
    sender, target = pair
    body = json.dumps(_activity(sender, id=f"{sender.url}/activities/dup")).encode()
    headers = _sign(sender, f"{target.url}/inbox", body)
    assert (await _post(target, headers, body))[0] == 202
    before = target.dump()
    assert (await _post(target, headers, body))[0] == 202
    assert target.dump() == before, "the second copy has no effect"


def _resign_rsa(
    sender: Peer,
    headers: dict[str, str],
    names: str,
    signing_string: str,
    algorithm: str = "rsa-sha256",
) -> dict[str, str]:
    key = sender.services.keys.current().rsa
    raw = key.sign(signing_string.encode(), padding.PKCS1v15(), hashes.SHA256())
    signature = base64.b64encode(raw).decode()
    key_id = f"{sender.url}/actor#main-key"
    return {
        **headers,
        "Signature": f'keyId="{key_id}",algorithm="{algorithm}",'
        f'headers="{names}",signature="{signature}"',
    }


Tamper = Callable[[Peer, Peer, bytes, dict[str, str]], tuple[dict[str, str], bytes]]


def _bad_signature(
    s: Peer, t: Peer, body: bytes, h: dict[str, str]
) -> tuple[dict[str, str], bytes]:
    sig = h["Signature"]
    start = sig.index('signature="') + len('signature="')
    flipped = "A" if sig[start] != "A" else "B"
    return {**h, "Signature": sig[:start] + flipped + sig[start + 1 :]}, body


def _digest_mismatch(
    s: Peer, t: Peer, body: bytes, h: dict[str, str]
) -> tuple[dict[str, str], bytes]:
    return h, body.replace(b"Like", b"Flag")


def _digest_missing(
    s: Peer, t: Peer, body: bytes, h: dict[str, str]
) -> tuple[dict[str, str], bytes]:
    return {k: v for k, v in h.items() if k != "Digest"}, body


def _host_not_covered(
    s: Peer, t: Peer, body: bytes, h: dict[str, str]
) -> tuple[dict[str, str], bytes]:
    text = f"(request-target): post /inbox\ndate: {h['Date']}\ndigest: {h['Digest']}"
    return _resign_rsa(s, h, "(request-target) date digest", text), body


def _unknown_algorithm(
    s: Peer, t: Peer, body: bytes, h: dict[str, str]
) -> tuple[dict[str, str], bytes]:
    text = (
        f"(request-target): post /inbox\nhost: {h['Host']}\ndate: {h['Date']}\n"
        f"digest: {h['Digest']}"
    )
    return _resign_rsa(s, h, "(request-target) host date digest", text, "hmac-sha999"), body


def _unsigned(s: Peer, t: Peer, body: bytes, h: dict[str, str]) -> tuple[dict[str, str], bytes]:
    return {k: v for k, v in h.items() if k != "Signature"}, body


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (_bad_signature, "signature-invalid"),
        (_digest_mismatch, "digest-mismatch"),
        (_digest_missing, "digest-missing"),
        (_host_not_covered, "component-missing"),
        (_unknown_algorithm, "algorithm-unsupported"),
        (_unsigned, "signature-missing"),
    ],
)
async def test_signature_failures_are_401_and_change_nothing(
    pair: tuple[Peer, Peer], tamper: Tamper, reason: str
) -> None:
    sender, target = pair
    body = json.dumps(_activity(sender, id=f"{sender.url}/activities/{reason}")).encode()
    headers, sent = tamper(sender, target, body, _sign(sender, f"{target.url}/inbox", body))
    before = target.dump()
    status, problem = await _post(target, headers, sent)
    assert (status, problem["reason"]) == (401, reason)
    assert target.dump() == before


async def test_expired_and_future_dates_are_refused(pair: tuple[Peer, Peer]) -> None:
    sender, target = pair
    for shift in (timedelta(hours=-2), timedelta(hours=2)):
        body = json.dumps(_activity(sender, id=f"{sender.url}/activities/t{shift}")).encode()
        sender.clock.advance(shift)
        headers = _sign(sender, f"{target.url}/inbox", body)
        sender.clock.advance(-shift)
        before = target.dump()
        status, problem = await _post(target, headers, body)
        assert (status, problem["reason"]) == (401, "date-out-of-window")
        assert target.dump() == before


async def test_key_of_another_actor_is_refused(
    make_peer: PeerFactory, pair: tuple[Peer, Peer]
) -> None:
    sender, target = pair
    victim = await make_peer("victim")
    forged = _activity(sender, id=f"{victim.url}/activities/forged", actor=f"{victim.url}/actor")
    body = json.dumps(forged).encode()
    before = target.dump()
    status, problem = await _post(target, _sign(sender, f"{target.url}/inbox", body), body)
    assert (status, problem["reason"]) == (401, "key-owner-mismatch")
    assert [line for line in target.dump() if "victim" not in line] == before


async def test_activity_id_on_another_host_is_refused(
    make_peer: PeerFactory, pair: tuple[Peer, Peer]
) -> None:
    sender, target = pair
    other = await make_peer("other")
    body = json.dumps(_activity(sender, id=f"{other.url}/activities/x")).encode()
    before = target.dump()
    status, problem = await _post(target, _sign(sender, f"{target.url}/inbox", body), body)
    assert (status, problem["reason"]) == (403, "activity-origin-mismatch")
    assert target.dump() == before


async def test_rfc9421_signatures_are_accepted(pair: tuple[Peer, Peer]) -> None:
    sender, target = pair
    body = json.dumps(_activity(sender, id=f"{sender.url}/activities/rfc9421")).encode()
    headers = _sign(sender, f"{target.url}/inbox", body, scheme="rfc9421")
    assert "Signature-Input" in headers
    status, _ = await _post(target, headers, body)
    assert status == 202


async def test_oversized_and_malformed_bodies(pair: tuple[Peer, Peer]) -> None:
    sender, target = pair
    before = target.dump()
    huge = b'{"id": "' + b"x" * 300_000 + b'"}'
    assert (await _post(target, {}, huge))[0] == 413
    deep = b"[" * 5000 + b"]" * 5000
    status, _problem = await _post(target, _sign(sender, f"{target.url}/inbox", deep), deep)
    assert status == 400
    not_json = b"{nope"
    assert (await _post(target, _sign(sender, f"{target.url}/inbox", not_json), not_json))[0] == 400
    assert target.dump() == before


async def test_an_unknown_context_without_activitystreams_is_refused(
    pair: tuple[Peer, Peer],
) -> None:
    sender, target = pair
    strange = {
        **_activity(sender, id=f"{sender.url}/activities/ctx"),
        "@context": "https://contexts.example/only-ours.jsonld",
    }
    body = json.dumps(strange).encode()
    before = target.dump()
    status, problem = await _post(target, _sign(sender, f"{target.url}/inbox", body), body)
    assert (status, problem["reason"]) == (422, "context-unresolvable")
    assert target.dump() == before
    mixed = {
        **strange,
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://contexts.example/extra.jsonld",
        ],
    }
    body = json.dumps({**mixed, "id": f"{sender.url}/activities/ctx2"}).encode()
    status, _ = await _post(target, _sign(sender, f"{target.url}/inbox", body), body)
    assert status == 202, "extra unknown contexts are ignored, never fetched"
