"""Published eddsa-jcs-2022 vectors: W3C vc-di-eddsa Appendix A and the FEP-8b32 feature file."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from federation.errors import SignatureError
from federation.proofs import (
    canonicalize,
    create_proof,
    decode_private_key,
    decode_public_key,
    verify_proof,
)
from federation.proofs.eddsa_jcs import hash_data, proof_configuration
from federation.proofs.multikey import multibase_decode

VECTORS = json.loads(
    (Path(__file__).parents[1] / "vectors" / "vc-di-eddsa.json").read_text(encoding="utf-8")
)
JCS = VECTORS["eddsa-jcs-2022"]
RDFC = VECTORS["eddsa-rdfc-2022"]
UNSIGNED = VECTORS["unsigned_document"]
PRIVATE_KEY = decode_private_key(VECTORS["keyPair"]["privateKeyMultibase"])
PUBLIC_KEY = decode_public_key(VECTORS["keyPair"]["publicKeyMultibase"])
DID_KEY = "did:key:" + VECTORS["keyPair"]["publicKeyMultibase"]
CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)


async def resolve_did_key(method: str) -> tuple[str, Ed25519PublicKey] | None:
    """did:key resolution for the vector's key: the controller is the DID itself."""
    controller, _, fragment = method.partition("#")
    if controller != DID_KEY or fragment != VECTORS["keyPair"]["publicKeyMultibase"]:
        return None
    return controller, PUBLIC_KEY


def test_canonical_document_and_hash() -> None:
    canonical = canonicalize(UNSIGNED)
    assert canonical == JCS["canonical_document"].encode()
    assert hashlib.sha256(canonical).hexdigest() == JCS["document_hash_hex"]


def test_canonical_proof_configuration_and_hash() -> None:
    options = {k: v for k, v in JCS["proof_options"].items() if k != "@context"}
    config = proof_configuration(options, UNSIGNED)
    assert config == JCS["proof_options"]
    canonical = canonicalize(config)
    assert canonical == JCS["canonical_proof_config"].encode()
    assert hashlib.sha256(canonical).hexdigest() == JCS["proof_config_hash_hex"]


def test_combined_hash_is_proof_hash_then_document_hash() -> None:
    assert hash_data(JCS["proof_options"], UNSIGNED).hex() == JCS["combined_hash_hex"]


def test_create_proof_reproduces_the_signed_vector() -> None:
    verification_method = JCS["proof_options"]["verificationMethod"]
    signed = create_proof(UNSIGNED, PRIVATE_KEY, verification_method, CREATED)
    assert multibase_decode(signed["proof"]["proofValue"]).hex() == JCS["signature_hex"]
    assert signed["proof"]["proofValue"] == JCS["proofValue"]
    assert signed == JCS["signed_document"]
    # Same member order too, so the serialised document matches the published file.
    assert json.dumps(signed) == json.dumps(JCS["signed_document"])
    assert "proof" not in UNSIGNED


async def test_signed_vector_verifies() -> None:
    verified = await verify_proof(JCS["signed_document"], resolve_did_key)
    assert verified.verification_method == JCS["proof_options"]["verificationMethod"]
    assert verified.controller == DID_KEY
    assert verified.created == CREATED
    assert verified.cryptosuite == "eddsa-jcs-2022"


async def test_signed_vector_with_a_changed_claim_fails() -> None:
    tampered = copy.deepcopy(JCS["signed_document"])
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    with pytest.raises(SignatureError) as caught:
        await verify_proof(tampered, resolve_did_key)
    assert caught.value.reason == "proof-invalid"


async def test_rdfc_vector_is_refused_as_unsupported() -> None:
    # verify_proof is the JCS suite only; eddsa-rdfc-2022 goes through
    # verify_rdfc_proof (RDF canonicalisation in a worker under a time budget),
    # tested in test_jsonld_*.
    with pytest.raises(SignatureError) as caught:
        await verify_proof(RDFC["signed_document"], resolve_did_key)
    assert caught.value.reason == "cryptosuite-unsupported"


def test_rdfc_signature_over_published_nquads_verifies_with_our_multikey() -> None:
    """Exercises only our key decoding and hash layout, over the published N-Quads."""
    data = hashlib.sha256(RDFC["canonical_proof_config"].encode()).digest()
    data += hashlib.sha256(RDFC["canonical_document"].encode()).digest()
    assert data.hex() == RDFC["combined_hash_hex"]
    PUBLIC_KEY.verify(multibase_decode(RDFC["proofValue"]), data)


# FEP-8b32 "Signing document" / "Verifying a signature" scenarios, fep/8b32/fep-8b32.feature
# in the FEP repository (mirror julianlam/feps at commit 029288dcd11daf97695e45db600b28ea8c8fce26).
# The key is the vc-di-eddsa vector key; the document is ActivityPub, with floats.
FEP_CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/data-integrity/v2",
]
FEP_ACTOR = "https://server.example/users/alice"
FEP_KEY_ID = "https://server.example/users/alice#ed25519-key"
FEP_DOCUMENT: dict[str, Any] = {
    "@context": FEP_CONTEXT,
    "id": "https://server.example/activities/1",
    "type": "Create",
    "actor": FEP_ACTOR,
    "object": {
        "id": "https://server.example/objects/1",
        "type": "Note",
        "attributedTo": FEP_ACTOR,
        "content": "Hello world",
        "location": {"type": "Place", "longitude": -71.184902, "latitude": 25.273962},
    },
}
FEP_PROOF = {
    "@context": FEP_CONTEXT,
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-jcs-2022",
    "verificationMethod": FEP_KEY_ID,
    "proofPurpose": "assertionMethod",
    "proofValue": (
        "z42ffGu6AUKPCFcFPiabmUvnGLPJzC7e4DGWC52NUasSSH37UMa9c58tdgVszUcZfytxa4fQ5TYHaJENCxUDe9SdL"
    ),
    "created": "2023-02-24T23:36:38Z",
}


async def resolve_fep_actor(method: str) -> tuple[str, Ed25519PublicKey] | None:
    return (FEP_ACTOR, PUBLIC_KEY) if method == FEP_KEY_ID else None


def test_fep_8b32_signing_scenario() -> None:
    signed = create_proof(FEP_DOCUMENT, PRIVATE_KEY, FEP_KEY_ID, CREATED)
    assert signed == {**FEP_DOCUMENT, "proof": FEP_PROOF}


async def test_fep_8b32_verifying_scenario() -> None:
    verified = await verify_proof({**FEP_DOCUMENT, "proof": FEP_PROOF}, resolve_fep_actor)
    assert (verified.controller, verified.verification_method) == (FEP_ACTOR, FEP_KEY_ID)
