"""Creating and verifying eddsa-jcs-2022 proofs with our own keys."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

from federation.errors import FetchError, SignatureError
from federation.proofs import (
    DATA_INTEGRITY_V1,
    DATA_INTEGRITY_V2,
    KeyResolver,
    create_proof,
    verify_proof,
)
from federation.proofs.base58 import b58encode
from federation.proofs.eddsa_jcs import hash_data, proof_configuration, sign_hash

ACTOR = "https://food.example/actor"
KEY_ID = f"{ACTOR}#ed25519-key"
OTHER_ACTOR = "https://water.example/actor"
OTHER_KEY_ID = f"{OTHER_ACTOR}#ed25519-key"
NOW = datetime(2025, 3, 1, 12, 30, 15, tzinfo=UTC)
AS2 = "https://www.w3.org/ns/activitystreams"
INLINE_TERMS = {"sn": "https://w3id.org/solidarity-node/ns#", "urgency": "sn:urgency"}

KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()


def offer(context: Any = None) -> dict[str, Any]:
    """A small FEP-0837 offer with the shapes we publish: inline terms, floats, other scripts."""
    return {
        "@context": context if context is not None else [AS2, DATA_INTEGRITY_V2, INLINE_TERMS],
        "id": "https://food.example/offers/7",
        "type": "Proposal",
        "purpose": "offer",
        "attributedTo": ACTOR,
        "name": "Rice, 20 kg",
        "nameMap": {"ar": "أرز، ٢٠ كغ", "uk": "Рис, 20 кг"},
        "urgency": "within-3-5-days",
        "location": {"type": "Place", "latitude": 52.52003, "longitude": 13.40495, "radius": 0.71},
        "publishes": {
            "id": "https://food.example/offers/7#primary",
            "type": "Intent",
            "action": "transfer",
            "availableQuantity": {"hasUnit": "kilogram", "hasNumericalValue": 20.5},
        },
    }


def resolver(keys: dict[str, tuple[str, Ed25519PublicKey]]) -> KeyResolver:
    async def resolve(method: str) -> tuple[str, Ed25519PublicKey] | None:
        return keys.get(method)

    return resolve


RESOLVE = resolver(
    {
        KEY_ID: (ACTOR, KEY.public_key()),
        OTHER_KEY_ID: (OTHER_ACTOR, OTHER_KEY.public_key()),
    }
)


def signed(document: dict[str, Any] | None = None, key: Ed25519PrivateKey = KEY) -> dict[str, Any]:
    return create_proof(document or offer(), key, KEY_ID, NOW)


async def reason_of(document: dict[str, Any], resolve: KeyResolver = RESOLVE, **kw: Any) -> str:
    with pytest.raises(SignatureError) as caught:
        await verify_proof(document, resolve, **kw)
    return caught.value.reason


async def test_round_trip() -> None:
    document = signed()
    proof = document["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["created"] == "2025-03-01T12:30:15Z"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["@context"] == document["@context"]
    assert proof["proofValue"].startswith("z")
    verified = await verify_proof(document, RESOLVE)
    assert verified.verification_method == KEY_ID
    assert verified.controller == ACTOR
    assert verified.created == NOW
    assert verified.cryptosuite == "eddsa-jcs-2022"


async def test_verification_ignores_member_order() -> None:
    document = signed()
    reordered = dict(reversed(list(document.items())))
    reordered["proof"] = dict(reversed(list(document["proof"].items())))
    assert (await verify_proof(reordered, RESOLVE)).controller == ACTOR


def test_create_does_not_touch_its_input() -> None:
    original = offer()
    snapshot = copy.deepcopy(original)
    result = signed(original)
    assert original == snapshot
    result["publishes"]["action"] = "use"
    assert original == snapshot


def test_created_is_utc_whole_seconds() -> None:
    local = datetime(2025, 3, 1, 14, 30, 15, 987654, tzinfo=timezone(timedelta(hours=2)))
    assert create_proof(offer(), KEY, KEY_ID, local)["proof"]["created"] == "2025-03-01T12:30:15Z"
    with pytest.raises(ValueError, match="timezone"):
        create_proof(offer(), KEY, KEY_ID, datetime(2025, 3, 1))


def test_create_refuses_a_document_that_already_has_a_proof() -> None:
    with pytest.raises(ValueError, match="already"):
        create_proof(signed(), KEY, KEY_ID, NOW)


def test_create_adds_data_integrity_v2_when_the_context_lacks_proof_terms() -> None:
    document = create_proof(offer([AS2, INLINE_TERMS]), KEY, KEY_ID, NOW)
    assert document["@context"] == [AS2, INLINE_TERMS, DATA_INTEGRITY_V2]
    assert document["proof"]["@context"] == document["@context"]
    single = create_proof(offer(AS2), KEY, KEY_ID, NOW)
    assert single["@context"] == [AS2, DATA_INTEGRITY_V2]


def test_create_keeps_a_context_that_has_v1() -> None:
    document = create_proof(offer([AS2, DATA_INTEGRITY_V1]), KEY, KEY_ID, NOW)
    assert document["@context"] == [AS2, DATA_INTEGRITY_V1]


async def test_data_integrity_v1_context_is_accepted() -> None:
    document = signed(offer([AS2, DATA_INTEGRITY_V1, INLINE_TERMS]))
    assert (await verify_proof(document, RESOLVE)).controller == ACTOR


async def test_proof_without_its_own_context_verifies() -> None:
    """Older FEP-8b32 drafts and some peers put no @context in the proof."""
    document = signed()
    del document["proof"]["@context"]
    document["proof"]["proofValue"] = create_proof(
        {k: v for k, v in document.items() if k != "proof"}, KEY, KEY_ID, NOW
    )["proof"]["proofValue"]
    assert (await verify_proof(document, RESOLVE)).controller == ACTOR


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.__setitem__("name", "Rice, 200 kg"),
        lambda d: d["publishes"]["availableQuantity"].__setitem__("hasNumericalValue", 205),
        lambda d: d["location"].__setitem__("latitude", 52.52004),
        lambda d: d.__setitem__("extra", True),
        lambda d: d["nameMap"].pop("uk"),
        lambda d: d["proof"].__setitem__("created", "2025-03-01T12:30:16Z"),
        lambda d: d["proof"].__setitem__("nonce", "abc"),
        lambda d: d["@context"].append("https://w3id.org/security/multikey/v1"),
    ],
    ids=["name", "quantity", "latitude", "added", "removed", "created", "proof-field", "context"],
)
async def test_tampered_document_fails(tamper: Any) -> None:
    document = signed()
    tamper(document)
    assert await reason_of(document) == "proof-invalid"


@pytest.mark.parametrize(
    "context",
    [
        [AS2, INLINE_TERMS],
        [DATA_INTEGRITY_V2, AS2, INLINE_TERMS],
        [
            AS2,
            DATA_INTEGRITY_V2,
            INLINE_TERMS,
            {"name": "https://www.w3.org/ns/activitystreams#content"},
        ],
    ],
    ids=["removed", "reordered", "appended"],
)
async def test_document_context_must_equal_the_proof_context(context: list[Any]) -> None:
    document = signed()
    document["@context"] = context
    assert await reason_of(document) == "proof-invalid"


async def test_proof_from_another_key_fails() -> None:
    # Signed by OTHER_KEY but naming our key id: the resolver hands back our key.
    assert await reason_of(signed(key=OTHER_KEY)) == "proof-invalid"


async def test_proof_moved_onto_another_document_fails() -> None:
    donor = signed()
    target = offer()
    target["id"] = "https://food.example/offers/8"
    target["proof"] = donor["proof"]
    assert await reason_of(target) == "proof-invalid"


@pytest.mark.parametrize("proof", [None, []], ids=["absent", "empty-list"])
async def test_missing_proof(proof: Any) -> None:
    document = offer()
    if proof is not None:
        document["proof"] = proof
    assert await reason_of(document) == "proof-missing"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cryptosuite", "eddsa-rdfc-2022"),
        ("cryptosuite", "ecdsa-jcs-2019"),
        ("type", "Ed25519Signature2020"),
        ("type", "RsaSignature2017"),
    ],
)
async def test_wrong_cryptosuite_or_type(field: str, value: str) -> None:
    document = signed()
    document["proof"][field] = value
    assert await reason_of(document) == "cryptosuite-unsupported"


@pytest.mark.parametrize(
    "proof_value",
    [
        None,
        42,
        "",
        "z",
        "uAAAA",  # base64url multibase, not base58btc
        "z0OIl",  # not base58
        "z" + b58encode(bytes(63)),  # too short
        "z" + b58encode(bytes(65)),  # too long
        "z" + "2" * 600,  # absurdly long
    ],
    ids=["absent", "int", "empty", "z-only", "base64", "bad-char", "short", "long", "huge"],
)
async def test_malformed_proof_value(proof_value: Any) -> None:
    document = signed()
    if proof_value is None:
        del document["proof"]["proofValue"]
    else:
        document["proof"]["proofValue"] = proof_value
    assert await reason_of(document) == "proof-malformed"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("verificationMethod", None),
        ("verificationMethod", ["https://food.example/actor#ed25519-key"]),
        ("proofPurpose", None),
        ("created", "2025-03-01 12:30:15"),
        ("created", "2025-03-01T12:30:15"),  # no time zone
        ("created", "20250301T123015Z"),
        ("created", "2025-02-30T12:30:15Z"),
        ("expires", 1740000000),
    ],
)
async def test_malformed_proof_fields(field: str, value: Any) -> None:
    document = signed()
    if value is None:
        del document["proof"][field]
    else:
        document["proof"][field] = value
    assert await reason_of(document) == "proof-malformed"


@pytest.mark.parametrize("proof", ["zabc", ["zabc"], [{"type": "DataIntegrityProof"}, 7]])
async def test_proof_that_is_not_an_object(proof: Any) -> None:
    document = offer()
    document["proof"] = proof
    assert await reason_of(document) == "proof-malformed"


async def test_other_purpose_is_refused() -> None:
    document = create_proof(offer(), KEY, KEY_ID, NOW, proof_purpose="authentication")
    assert await reason_of(document) == "proof-purpose-mismatch"
    verified = await verify_proof(document, RESOLVE, proof_purpose="authentication")
    assert verified.controller == ACTOR


async def test_list_of_proofs_uses_the_first_supported_one() -> None:
    document = signed()
    foreign = {"type": "Ed25519Signature2020", "proofValue": "zxyz", "verificationMethod": "x"}
    other = create_proof(offer(), OTHER_KEY, OTHER_KEY_ID, NOW)["proof"]
    document["proof"] = [foreign, document["proof"], other]
    verified = await verify_proof(document, RESOLVE)
    assert verified.verification_method == KEY_ID


async def test_list_without_a_supported_proof() -> None:
    document = signed()
    document["proof"] = [{"type": "Ed25519Signature2020", "proofValue": "zxyz"}]
    assert await reason_of(document) == "cryptosuite-unsupported"


async def test_unknown_key_is_unavailable() -> None:
    assert await reason_of(signed(), resolver({})) == "key-unavailable"


async def test_fetch_failure_is_unavailable() -> None:
    async def failing(method: str) -> tuple[str, Ed25519PublicKey] | None:
        raise FetchError(f"connection refused for {method}")

    assert await reason_of(signed(), failing) == "key-unavailable"


async def test_non_ed25519_key_is_unavailable() -> None:
    rsa_public = generate_private_key(public_exponent=65537, key_size=2048).public_key()

    async def wrong_type(method: str) -> Any:
        return ACTOR, rsa_public

    assert await reason_of(signed(), wrong_type) == "key-unavailable"


async def test_resolver_is_not_called_for_a_malformed_proof() -> None:
    calls: list[str] = []

    async def recording(method: str) -> tuple[str, Ed25519PublicKey] | None:
        calls.append(method)
        return ACTOR, KEY.public_key()

    document = signed()
    document["proof"]["proofValue"] = "z0OIl"
    assert await reason_of(document, recording) == "proof-malformed"
    document = signed()
    document["big"] = 2**60
    assert await reason_of(document, recording) == "document-malformed"
    assert calls == []


async def test_expired_proof_only_with_a_clock() -> None:
    document = signed()
    document["proof"]["expires"] = "2025-03-02T00:00:00Z"
    # The signature covers expires, so re-sign with it set.
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in document["proof"].items() if k != "proofValue"}
    data = hash_data(proof_configuration(options, unsecured), unsecured)
    document["proof"]["proofValue"] = sign_hash(data, KEY)
    assert (await verify_proof(document, RESOLVE)).controller == ACTOR
    assert (await verify_proof(document, RESOLVE, now=NOW)).controller == ACTOR
    later = datetime(2025, 3, 2, tzinfo=UTC)
    assert await reason_of(document, now=later) == "proof-expired"
