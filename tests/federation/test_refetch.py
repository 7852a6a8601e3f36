"""Refetch the key once on failure: the rule itself, and the object verifier that uses it
(HTTP signatures use it too; tests/federation/test_httpsig_policy.py covers them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

from federation.errors import FetchError, SignatureError
from federation.fetch import FetchResult
from federation.httpsig import PublicKeyRecord
from federation.proofs import create_proof
from federation.proofs.provenance import Dropped, ObjectVerifier
from federation.refetch import refetch_once

ACTOR = "https://food.example/actor"
KEY_ID = f"{ACTOR}#ed25519-key"
NOW = datetime(2025, 3, 1, 12, 30, 15, tzinfo=UTC)
OLD, NEW = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()


async def test_a_cured_failure_is_tried_once_more_with_refresh() -> None:
    calls: list[bool] = []

    async def attempt(refresh: bool) -> str:
        calls.append(refresh)
        if not refresh:
            raise SignatureError("stale", reason="proof-invalid")
        return "fresh"

    assert await refetch_once(attempt, {"proof-invalid"}) == "fresh"
    assert calls == [False, True]


async def test_other_failures_and_the_second_failure_are_final() -> None:
    calls: list[bool] = []

    async def attempt(refresh: bool) -> str:
        calls.append(refresh)
        raise SignatureError("no", reason="proof-invalid" if refresh else "proof-expired")

    with pytest.raises(SignatureError, match="no"):
        await refetch_once(attempt, {"proof-invalid"})
    assert calls == [False]

    calls.clear()
    with pytest.raises(SignatureError) as raised:
        await refetch_once(attempt, {"proof-invalid", "proof-expired"})
    assert (calls, raised.value.reason) == ([False, True], "proof-invalid")


class Keys:
    """resolve_key double: the cached key unless refreshing, then the fresh one."""

    def __init__(self, cached: Any, fresh: Any) -> None:
        self.cached, self.fresh = cached, fresh
        self.calls: list[bool] = []

    async def __call__(self, key_id: str, refresh: bool) -> PublicKeyRecord:
        self.calls.append(refresh)
        key = self.fresh if refresh else self.cached
        if key is None:
            raise SignatureError("gone", reason="key-unavailable")
        return PublicKeyRecord(key_id, ACTOR, key.public_key())


async def no_fetch(url: str) -> FetchResult:
    raise AssertionError("an object with a proof is not fetched")


def offer(key: Ed25519PrivateKey, **fields: Any) -> dict[str, Any]:
    document = {
        "id": "https://food.example/offers/7",
        "type": "Proposal",
        "attributedTo": ACTOR,
        **fields,
    }
    return create_proof(document, key, KEY_ID, NOW)


async def test_a_rotated_key_is_fetched_once_more() -> None:
    keys = Keys(OLD, NEW)
    document = offer(NEW)
    assert await ObjectVerifier(keys, no_fetch).relayed(document) is document
    assert keys.calls == [False, True]


async def test_a_proof_that_fails_with_the_fresh_key_is_dropped() -> None:
    keys = Keys(OLD, OLD)
    with pytest.raises(Dropped) as raised:
        await ObjectVerifier(keys, no_fetch).check_proof(offer(NEW))
    assert (raised.value.reason, keys.calls) == ("proof-invalid", [False, True])


@pytest.mark.parametrize("cached", [None, generate_private_key(65537, 2048)], ids=["none", "rsa"])
async def test_a_missing_or_unusable_key_is_asked_for_once_more(cached: Any) -> None:
    keys = Keys(cached, None)
    with pytest.raises(Dropped) as raised:
        await ObjectVerifier(keys, no_fetch).check_proof(offer(NEW))
    assert (raised.value.reason, keys.calls) == ("key-unavailable", [False, True])


async def test_a_proof_by_another_hosts_object_is_refused_before_any_lookup() -> None:
    keys = Keys(NEW, NEW)
    document = offer(NEW, attributedTo="https://water.example/actor")
    with pytest.raises(Dropped, match="object-origin-mismatch"):
        await ObjectVerifier(keys, no_fetch).check_proof(document)
    assert keys.calls == []


async def test_without_a_proof_the_origins_copy_is_fetched() -> None:
    fetched: list[str] = []

    async def fetch(url: str) -> FetchResult:
        fetched.append(url)
        if url.endswith("/gone"):
            raise FetchError("404", reason="fetch-status-404")
        return FetchResult(url, {"id": url, "type": "Proposal"}, 200)

    verifier = ObjectVerifier(Keys(NEW, NEW), fetch)
    copy = await verifier.relayed("https://food.example/offers/7")
    assert copy == {"id": "https://food.example/offers/7", "type": "Proposal"}
    with pytest.raises(Dropped, match="fetch-status-404"):
        await verifier.relayed({"id": "https://food.example/offers/gone"})
    with pytest.raises(Dropped, match="object-missing"):
        await verifier.relayed({"type": "Proposal"})
    assert fetched == ["https://food.example/offers/7", "https://food.example/offers/gone"]
