"""The ``eddsa-jcs-2022`` cryptosuite (W3C vc-di-eddsa, section 3.3).

Hash data is SHA-256(JCS(proof configuration)) || SHA-256(JCS(document without
proof)); the proof configuration is the proof without ``proofValue`` and with
the document's ``@context``. The Ed25519 signature over those 64 bytes is the
``proofValue``, multibase base58btc.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from federation.proofs.jcs import canonicalize
from federation.proofs.multikey import multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
SIGNATURE_LENGTH = 64


def proof_configuration(
    options: Mapping[str, Any], unsecured_document: Mapping[str, Any]
) -> dict[str, Any]:
    """The proof options without ``proofValue``, carrying the document's ``@context`` if any."""
    config = {key: value for key, value in options.items() if key != "proofValue"}
    if "@context" in unsecured_document:
        config["@context"] = unsecured_document["@context"]
    else:
        config.pop("@context", None)
    return config


def hash_data(proof_config: Mapping[str, Any], unsecured_document: Mapping[str, Any]) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical document.

    Raises ``jcs.CanonicalizationError`` when either is not I-JSON.
    """
    config_hash = hashlib.sha256(canonicalize(proof_config)).digest()
    document_hash = hashlib.sha256(canonicalize(unsecured_document)).digest()
    return config_hash + document_hash


def sign_hash(data: bytes, private_key: Ed25519PrivateKey) -> str:
    """The ``proofValue`` for ``data``: base58btc multibase of the Ed25519 signature."""
    return multibase_encode(private_key.sign(data))


def signature_matches(data: bytes, signature: bytes, public_key: Ed25519PublicKey) -> bool:
    """Whether ``signature`` is ``public_key``'s Ed25519 signature over ``data``."""
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
