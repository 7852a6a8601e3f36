"""FEP-8b32 object integrity proofs: attach and verify a ``DataIntegrityProof``.

Only ``eddsa-jcs-2022`` is supported. Key lookup is an injected async callable,
so this module knows nothing about HTTP or storage. Verification proves that
the key behind ``verificationMethod`` signed the document; the caller must
still check that the returned ``controller`` is the actor the document speaks
for (and the resolver that the key is in the controller's ``assertionMethod``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from federation.errors import FetchError, SignatureError
from federation.proofs import contexts, eddsa_jcs
from federation.proofs.jcs import CanonicalizationError
from federation.proofs.multikey import multibase_decode

ASSERTION_METHOD = "assertionMethod"

KeyResolver = Callable[[str], Awaitable[tuple[str, Ed25519PublicKey] | None]]
"""Maps a verificationMethod id to ``(controller id, public key)``, or None if unknown."""

# XML Schema dateTimeStamp: a date-time that must name its time zone.
_DATE_TIME_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


@dataclass(frozen=True)
class VerifiedProof:
    """What a verified proof establishes."""

    verification_method: str
    controller: str
    created: datetime | None
    cryptosuite: str


def format_datetime(moment: datetime) -> str:
    """A proof timestamp: UTC, whole seconds, ``Z`` suffix."""
    if moment.tzinfo is None:
        raise ValueError("proof timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def create_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """Return a copy of ``document`` with an ``eddsa-jcs-2022`` proof attached.

    If the document has an ``@context`` that does not define the proof terms,
    data-integrity v2 is appended to it first. The proof carries the document's
    ``@context``, as vc-di-eddsa requires. ``created`` is truncated to seconds.
    Raises ``ValueError`` if the document already has a proof or is not I-JSON.
    """
    if "proof" in document:
        raise ValueError("document already carries a proof")
    unsecured = copy.deepcopy(dict(document))
    if "@context" in unsecured:
        unsecured["@context"] = contexts.with_proof_context(unsecured["@context"])
    proof: dict[str, Any] = {
        "type": eddsa_jcs.PROOF_TYPE,
        "cryptosuite": eddsa_jcs.CRYPTOSUITE,
        "created": format_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in unsecured:
        proof["@context"] = copy.deepcopy(unsecured["@context"])
    config = eddsa_jcs.proof_configuration(proof, unsecured)
    proof["proofValue"] = eddsa_jcs.sign_hash(eddsa_jcs.hash_data(config, unsecured), private_key)
    return {**unsecured, "proof": proof}


@dataclass(frozen=True)
class ProofParts:
    """What every cryptosuite checks alike before hashing: the proof's options, its
    signature and key, and the document without its proof."""

    options: dict[str, Any]
    signature: bytes
    method: str
    created: datetime | None
    unsecured: dict[str, Any]


def proof_parts(
    document: Mapping[str, Any],
    proof_purpose: str,
    now: datetime | None,
    cryptosuite: str = eddsa_jcs.CRYPTOSUITE,
) -> ProofParts:
    """The suite-independent checks: purpose, expiry, and the proof's @context."""
    proof = _select_proof(document.get("proof"), cryptosuite)
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    signature = _signature(proof.get("proofValue"))
    method = _string(options, "verificationMethod")
    purpose = _string(options, "proofPurpose")
    if purpose != proof_purpose:
        raise SignatureError(
            f"proof purpose {purpose!r}, expected {proof_purpose!r}",
            reason="proof-purpose-mismatch",
        )
    created = _timestamp(options, "created")
    expires = _timestamp(options, "expires")
    if now is not None and expires is not None and expires <= now:
        raise SignatureError("proof has expired", reason="proof-expired")

    unsecured = {key: value for key, value in document.items() if key != "proof"}
    if "@context" in options and not contexts.matches(
        unsecured.get("@context"), options["@context"]
    ):
        raise SignatureError("proof @context differs from the document's", reason="proof-invalid")
    return ProofParts(options, signature, method, created, unsecured)


async def verify_proof(
    document: Mapping[str, Any],
    resolve_key: KeyResolver,
    *,
    proof_purpose: str = ASSERTION_METHOD,
    now: datetime | None = None,
) -> VerifiedProof:
    """Verify the document's first ``eddsa-jcs-2022`` proof or raise ``SignatureError``.

    Reasons: proof-missing, proof-malformed, cryptosuite-unsupported,
    proof-purpose-mismatch, proof-expired (only when ``now`` is given),
    document-malformed, key-unavailable, proof-invalid. Every local check runs
    before ``resolve_key`` is awaited.
    """
    parts = proof_parts(document, proof_purpose, now)
    options, unsecured = parts.options, parts.unsecured
    try:
        data = eddsa_jcs.hash_data(eddsa_jcs.proof_configuration(options, unsecured), unsecured)
    except CanonicalizationError as exc:
        raise SignatureError(f"cannot canonicalize: {exc}", reason="document-malformed") from exc
    return await signed_by_key(parts, data, resolve_key, eddsa_jcs.CRYPTOSUITE)


async def signed_by_key(
    parts: ProofParts, data: bytes, resolve_key: KeyResolver, cryptosuite: str
) -> VerifiedProof:
    """Every cryptosuite's last step, once ``data`` is hashed: the proof's key, then its
    Ed25519 signature over ``data``."""
    controller, public_key = await _resolve(resolve_key, parts.method)
    if not eddsa_jcs.signature_matches(data, parts.signature, public_key):
        raise SignatureError("proof signature does not verify", reason="proof-invalid")
    return VerifiedProof(
        verification_method=parts.method,
        controller=controller,
        created=parts.created,
        cryptosuite=cryptosuite,
    )


def _select_proof(value: object, cryptosuite: str = eddsa_jcs.CRYPTOSUITE) -> Mapping[str, Any]:
    """The first DataIntegrityProof using ``cryptosuite``, from one proof or a list."""
    if value is None or value == []:
        raise SignatureError("document carries no proof", reason="proof-missing")
    candidates: list[object] = value if isinstance(value, list) else [value]
    proofs = [candidate for candidate in candidates if isinstance(candidate, dict)]
    if len(proofs) != len(candidates):
        raise SignatureError("proof is not an object", reason="proof-malformed")
    for proof in proofs:
        if proof.get("type") == eddsa_jcs.PROOF_TYPE and proof.get("cryptosuite") == cryptosuite:
            return proof
    raise SignatureError(
        f"none of {len(proofs)} proof(s) is a {eddsa_jcs.PROOF_TYPE} using {cryptosuite}",
        reason="cryptosuite-unsupported",
    )


def _signature(value: object) -> bytes:
    if not isinstance(value, str):
        raise SignatureError("proofValue is missing or not a string", reason="proof-malformed")
    try:
        signature = multibase_decode(value)
    except ValueError as exc:
        raise SignatureError(f"proofValue: {exc}", reason="proof-malformed") from exc
    if len(signature) != eddsa_jcs.SIGNATURE_LENGTH:
        raise SignatureError(
            f"proofValue holds {len(signature)} bytes, expected {eddsa_jcs.SIGNATURE_LENGTH}",
            reason="proof-malformed",
        )
    return signature


def _string(options: Mapping[str, Any], name: str) -> str:
    value = options.get(name)
    if not isinstance(value, str) or not value:
        raise SignatureError(f"proof {name} is missing or not a string", reason="proof-malformed")
    return value


def _timestamp(options: Mapping[str, Any], name: str) -> datetime | None:
    """An optional XML Schema dateTimeStamp field, parsed."""
    if name not in options:
        return None
    value = options[name]
    if not isinstance(value, str) or not _DATE_TIME_STAMP.fullmatch(value):
        raise SignatureError(f"proof {name} is not a dateTimeStamp", reason="proof-malformed")
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise SignatureError(f"proof {name}: {exc}", reason="proof-malformed") from exc


async def _resolve(resolve_key: KeyResolver, method: str) -> tuple[str, Ed25519PublicKey]:
    try:
        resolved = await resolve_key(method)
    except FetchError as exc:
        raise SignatureError(
            f"cannot fetch key {method}: {exc.detail}", reason="key-unavailable"
        ) from exc
    if resolved is None:
        raise SignatureError(f"unknown verification method {method}", reason="key-unavailable")
    controller, public_key = resolved
    if not isinstance(public_key, Ed25519PublicKey):
        raise SignatureError(f"{method} is not an Ed25519 key", reason="key-unavailable")
    return controller, public_key
