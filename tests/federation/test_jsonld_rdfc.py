"""eddsa-rdfc-2022 verification: the W3C vc-di-eddsa vector, tampering, and dataset poisoning.

Canonicalisation runs in a worker process. Budgets here are either generous
(positive cases: nothing is timed) or tiny against a document that takes far
longer (poisoning); only reason codes are asserted, never durations.
"""

from __future__ import annotations

import copy
import hashlib
import json
import multiprocessing
import multiprocessing.process
import os
import socket
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from federation.errors import SignatureError
from federation.jsonld import (
    CanonicalizationFailure,
    CanonicalizationTimeout,
    canonicalize_in_worker,
    canonicalize_with_budget,
)
from federation.proofs import RDFC_CRYPTOSUITE, decode_public_key, verify_rdfc_proof
from federation.proofs.multikey import multibase_decode, multibase_encode

VECTORS = json.loads(
    (Path(__file__).parents[1] / "vectors" / "vc-di-eddsa.json").read_text(encoding="utf-8")
)
RDFC = VECTORS["eddsa-rdfc-2022"]
SIGNED: dict[str, Any] = RDFC["signed_document"]
PUBLIC_KEY = decode_public_key(VECTORS["keyPair"]["publicKeyMultibase"])
DID_KEY = "did:key:" + VECTORS["keyPair"]["publicKeyMultibase"]
METHOD = RDFC["proof_options"]["verificationMethod"]
GENEROUS = 60.0
TINY = 0.05
POISON_NODES = 10
"""A complete graph of 10 identical blank nodes: RDFC-1.0 explores 9! orderings per node.

Measured with pyld 3.3: 6 nodes take about 0.4 s, 7 about 4 s, each extra node ~10x.
"""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse IP connections and DNS in this process (the worker uses AF_UNIX pipes only)."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"network access attempted: {address!r}")
        real_connect(self, address)

    def getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"name lookup attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class Keys:
    """A did:key resolver for the vector's key that records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def __call__(self, method: str) -> tuple[str, Ed25519PublicKey] | None:
        self.asked.append(method)
        controller, _, fragment = method.partition("#")
        if controller != DID_KEY or fragment != VECTORS["keyPair"]["publicKeyMultibase"]:
            return None
        return controller, PUBLIC_KEY


def poisoned_document() -> dict[str, Any]:
    """Many blank nodes of one shape, each linked to all others, with a well-formed proof."""
    nodes = [
        {
            "@id": f"_:b{i}",
            "http://example.org/knows": [{"@id": f"_:b{j}"} for j in range(POISON_NODES) if j != i],
        }
        for i in range(POISON_NODES)
    ]
    return {"@graph": nodes, "proof": copy.deepcopy(SIGNED["proof"])}


def assert_gone(pid: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def verify(document: dict[str, Any], keys: Keys | None = None, **kwargs: Any) -> Any:
    return await verify_rdfc_proof(
        document, keys or Keys(), budget_seconds=kwargs.pop("budget_seconds", GENEROUS), **kwargs
    )


async def reason(document: dict[str, Any], keys: Keys | None = None, **kwargs: Any) -> str:
    with pytest.raises(SignatureError) as caught:
        await verify(document, keys, **kwargs)
    return caught.value.reason


def test_worker_reproduces_the_published_canonical_forms() -> None:
    unsecured = {key: value for key, value in SIGNED.items() if key != "proof"}
    config = {key: value for key, value in SIGNED["proof"].items() if key != "proofValue"}
    config["@context"] = unsecured["@context"]
    proof_nquads, document_nquads = canonicalize_in_worker(
        [config, unsecured], budget_seconds=GENEROUS
    )
    assert document_nquads == RDFC["canonical_document"]
    assert proof_nquads == RDFC["canonical_proof_config"]
    assert hashlib.sha256(document_nquads.encode()).hexdigest() == RDFC["document_hash_hex"]
    assert hashlib.sha256(proof_nquads.encode()).hexdigest() == RDFC["proof_config_hash_hex"]


async def test_the_signed_vector_verifies() -> None:
    keys = Keys()
    verified = await verify(SIGNED, keys)
    assert verified.verification_method == METHOD
    assert verified.controller == DID_KEY
    assert verified.cryptosuite == RDFC_CRYPTOSUITE == "eddsa-rdfc-2022"
    assert verified.created is not None
    assert verified.created.isoformat() == "2023-02-24T23:36:38+00:00"
    assert keys.asked == [METHOD]


async def test_the_vector_verifies_with_the_default_budget() -> None:
    verified = await verify_rdfc_proof(SIGNED, Keys())
    assert verified.controller == DID_KEY


async def test_the_vector_verifies_within_a_proof_set() -> None:
    jcs_proof = VECTORS["eddsa-jcs-2022"]["signed_document"]["proof"]
    document = {**SIGNED, "proof": [jcs_proof, SIGNED["proof"]]}
    assert (await verify(document)).cryptosuite == "eddsa-rdfc-2022"


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (lambda d: d["credentialSubject"].update(alumniOf="Another School"), "proof-invalid"),
        (lambda d: d.update(validFrom="2024-01-01T00:00:00Z"), "proof-invalid"),
        (lambda d: d["type"].append("UniversityDegreeCredential"), "proof-invalid"),
        (lambda d: d.update(nickname="Alumna"), "proof-invalid"),  # credentials v2 @vocab
        (lambda d: d["proof"].update(created="2023-02-24T23:36:39Z"), "proof-invalid"),
        (lambda d: d["proof"].update(verificationMethod=DID_KEY + "#other"), "key-unavailable"),
    ],
    ids=["claim", "validFrom", "type", "extra-member", "proof-created", "other-method"],
)
async def test_a_tampered_copy_fails(
    tamper: Callable[[dict[str, Any]], None], expected: str
) -> None:
    document = copy.deepcopy(SIGNED)
    tamper(document)
    assert await reason(document) == expected


async def test_a_flipped_signature_bit_is_proof_invalid() -> None:
    signature = bytearray(multibase_decode(SIGNED["proof"]["proofValue"]))
    signature[0] ^= 1
    document = copy.deepcopy(SIGNED)
    document["proof"]["proofValue"] = multibase_encode(bytes(signature))
    assert await reason(document) == "proof-invalid"


async def test_local_refusals_happen_before_any_key_lookup() -> None:
    keys = Keys()
    assert await reason({k: v for k, v in SIGNED.items() if k != "proof"}, keys) == "proof-missing"
    jcs_only = VECTORS["eddsa-jcs-2022"]["signed_document"]
    assert await reason(jcs_only, keys) == "cryptosuite-unsupported"
    bad_value = copy.deepcopy(SIGNED)
    bad_value["proof"]["proofValue"] = "not-multibase"
    assert await reason(bad_value, keys) == "proof-malformed"
    wrong_purpose = copy.deepcopy(SIGNED)
    wrong_purpose["proof"]["proofPurpose"] = "authentication"
    assert await reason(wrong_purpose, keys) == "proof-purpose-mismatch"
    other_context = copy.deepcopy(SIGNED)
    other_context["proof"]["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    assert await reason(other_context, keys) == "proof-invalid"
    assert keys.asked == []


async def test_an_unknown_context_is_refused_not_fetched() -> None:
    keys = Keys()
    document = copy.deepcopy(SIGNED)
    document["@context"] = [*document["@context"], "https://example.org/extra/v1"]
    assert await reason(document, keys) == "context-unknown"
    assert keys.asked == []


async def test_invalid_json_ld_is_document_malformed() -> None:
    document = copy.deepcopy(SIGNED)
    document["@context"] = [*document["@context"], {"@vocab": 5}]
    assert await reason(document) == "document-malformed"


def test_worker_reports_json_ld_errors() -> None:
    with pytest.raises(CanonicalizationFailure, match="@vocab"):
        canonicalize_in_worker([{"@context": {"@vocab": 5}, "a": 1}], budget_seconds=GENEROUS)


def test_poisoning_exceeds_a_tiny_budget_and_the_worker_is_killed() -> None:
    pids: list[int] = []
    with pytest.raises(CanonicalizationTimeout):
        canonicalize_in_worker(
            [{"@graph": poisoned_document()["@graph"]}], budget_seconds=TINY, on_start=pids.append
        )
    [pid] = pids
    assert_gone(pid)


async def test_poisoning_is_canonicalization_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    pids: list[int] = []

    async def observed(documents: Sequence[Any], *, budget_seconds: float) -> list[str]:
        return await canonicalize_with_budget(
            documents, budget_seconds=budget_seconds, on_start=pids.append
        )

    monkeypatch.setattr("federation.proofs.eddsa_rdfc.canonicalize_with_budget", observed)
    keys = Keys()
    assert await reason(poisoned_document(), keys, budget_seconds=TINY) == (
        "canonicalization-timeout"
    )
    assert keys.asked == []
    [pid] = pids
    assert_gone(pid)


async def test_no_worker_is_canonicalization_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse_to_start(self: multiprocessing.process.BaseProcess) -> None:
        raise OSError("fork refused")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse_to_start)
    keys = Keys()
    with pytest.raises(SignatureError) as caught:
        await verify(SIGNED, keys)
    assert caught.value.reason == "canonicalization-unavailable"
    assert caught.value.status == 503
    assert keys.asked == []


async def test_verification_works_again_after_a_timeout() -> None:
    assert await reason(poisoned_document(), budget_seconds=TINY) == "canonicalization-timeout"
    assert (await verify(SIGNED)).controller == DID_KEY
