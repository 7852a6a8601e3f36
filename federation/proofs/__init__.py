"""Object integrity proofs (FEP-8b32, ``eddsa-jcs-2022``) and FEP-521a Multikey encoding.

``verify_rdfc_proof`` also verifies ``eddsa-rdfc-2022`` proofs (JSON-LD canonicalisation
with bundled contexts only, in a worker process under a time budget).
"""

from __future__ import annotations

from federation.proofs.contexts import DATA_INTEGRITY_V1, DATA_INTEGRITY_V2
from federation.proofs.eddsa_jcs import CRYPTOSUITE, PROOF_TYPE
from federation.proofs.eddsa_rdfc import CRYPTOSUITE as RDFC_CRYPTOSUITE
from federation.proofs.eddsa_rdfc import verify_rdfc_proof
from federation.proofs.integrity import (
    ASSERTION_METHOD,
    KeyResolver,
    VerifiedProof,
    create_proof,
    verify_proof,
)
from federation.proofs.jcs import CanonicalizationError, canonicalize
from federation.proofs.multikey import (
    MULTIKEY_CONTEXT,
    decode_private_key,
    decode_public_key,
    encode_private_key,
    encode_public_key,
    multikey_document,
    parse_multikey_document,
)

__all__ = [
    "ASSERTION_METHOD",
    "CRYPTOSUITE",
    "DATA_INTEGRITY_V1",
    "DATA_INTEGRITY_V2",
    "MULTIKEY_CONTEXT",
    "PROOF_TYPE",
    "RDFC_CRYPTOSUITE",
    "CanonicalizationError",
    "KeyResolver",
    "VerifiedProof",
    "canonicalize",
    "create_proof",
    "decode_private_key",
    "decode_public_key",
    "encode_private_key",
    "encode_public_key",
    "multikey_document",
    "parse_multikey_document",
    "verify_proof",
    "verify_rdfc_proof",
]
