"""Verification of ``eddsa-rdfc-2022`` proofs (W3C vc-di-eddsa, section 3.2).

Hash data is SHA-256(RDFC-1.0(proof configuration)) || SHA-256(RDFC-1.0(document
without proof)), the proof configuration being the proof without
``proofValue`` and with the document's ``@context``. Canonicalisation is done
by pyld with the bundled-only loader, in a worker process killed at a time
budget (dataset poisoning). We only verify: everything we publish is signed
with ``eddsa-jcs-2022``.

A document naming a context we do not bundle is refused (``context-unknown``)
rather than stripped: with the context's terms dropped we would verify
something other than what was signed.

pyld (and what it pulls in: requests, lxml, about 20 MB) is imported on the
first rdfc proof, not when the node starts: most nodes never meet one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from federation.errors import SignatureError
from federation.proofs import eddsa_jcs
from federation.proofs.integrity import (
    ASSERTION_METHOD,
    KeyResolver,
    VerifiedProof,
    proof_parts,
    signed_by_key,
)

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


async def verify_rdfc_proof(
    document: Mapping[str, Any],
    resolve_key: KeyResolver,
    *,
    budget_seconds: float | None = None,
    proof_purpose: str = ASSERTION_METHOD,
    now: datetime | None = None,
) -> VerifiedProof:
    """Verify the document's first ``eddsa-rdfc-2022`` proof or raise ``SignatureError``.

    Reasons: proof-missing, proof-malformed, cryptosuite-unsupported,
    proof-purpose-mismatch, proof-expired (only when ``now`` is given),
    context-unknown, canonicalization-timeout (after ``budget_seconds``, by default
    the JSON-LD worker's ``DEFAULT_BUDGET_SECONDS``),
    canonicalization-unavailable (no worker process; status 503),
    document-malformed, key-unavailable, proof-invalid. Every local check,
    canonicalisation included, runs before ``resolve_key`` is awaited.
    """
    parts = proof_parts(document, proof_purpose, now, CRYPTOSUITE)
    unsecured = parts.unsecured
    config = eddsa_jcs.proof_configuration(parts.options, unsecured)
    _refuse_unknown_contexts(unsecured)

    proof_nquads, document_nquads = await _canonicalize(config, unsecured, budget_seconds)
    data = (
        hashlib.sha256(proof_nquads.encode("utf-8")).digest()
        + hashlib.sha256(document_nquads.encode("utf-8")).digest()
    )
    return await signed_by_key(parts, data, resolve_key, CRYPTOSUITE)


def _refuse_unknown_contexts(unsecured: Mapping[str, Any]) -> None:
    from federation.jsonld import strip_unknown_contexts  # pyld on first use (see above)

    _, unknown = strip_unknown_contexts(dict(unsecured))
    if unknown:
        raise SignatureError(
            f"document uses JSON-LD contexts this node does not bundle: {', '.join(unknown)}",
            reason="context-unknown",
        )


async def _canonicalize(
    config: Mapping[str, Any], unsecured: Mapping[str, Any], budget_seconds: float | None
) -> tuple[str, str]:
    """RDFC-1.0 N-Quads of the proof configuration and of the document, under one budget."""
    from federation.jsonld import (  # pyld on first use (see above)
        DEFAULT_BUDGET_SECONDS,
        CanonicalizationFailure,
        CanonicalizationTimeout,
        WorkerUnavailable,
    )

    budget = DEFAULT_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    try:
        proof_nquads, document_nquads = await canonicalize_with_budget(
            [dict(config), dict(unsecured)], budget_seconds=budget
        )
    except CanonicalizationTimeout as exc:
        raise SignatureError(str(exc), reason="canonicalization-timeout") from exc
    except WorkerUnavailable as exc:
        raise SignatureError(
            f"cannot canonicalize: {exc}", reason="canonicalization-unavailable", status=503
        ) from exc
    except CanonicalizationFailure as exc:
        raise SignatureError(f"cannot canonicalize: {exc}", reason="document-malformed") from exc
    return proof_nquads, document_nquads


async def canonicalize_with_budget(documents: list[Any], *, budget_seconds: float) -> list[str]:
    """The JSON-LD worker's ``canonicalize_with_budget``, imported on first use."""
    from federation.jsonld import canonicalize_with_budget as canonicalize

    return await canonicalize(documents, budget_seconds=budget_seconds)
