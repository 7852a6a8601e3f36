"""JSON-LD ``@context`` rules for proofs, done on the JSON without any JSON-LD processing."""

from __future__ import annotations

from typing import Any

DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"

# Contexts that define DataIntegrityProof and its terms; accepted as they are.
PROOF_CONTEXTS = frozenset({DATA_INTEGRITY_V1, DATA_INTEGRITY_V2, CREDENTIALS_V2})


def as_list(context: Any) -> list[Any]:
    """An ``@context`` value as a list of entries (a lone string or object becomes one entry)."""
    return list(context) if isinstance(context, list) else [context]


def with_proof_context(context: Any) -> Any:
    """``context`` unchanged if it defines the proof terms, else with data-integrity v2 appended."""
    entries = as_list(context)
    if any(isinstance(entry, str) and entry in PROOF_CONTEXTS for entry in entries):
        return context
    return [*entries, DATA_INTEGRITY_V2]


def matches(document_context: Any, proof_context: Any) -> bool:
    """Whether the document's ``@context`` is exactly the proof's.

    vc-di-eddsa only asks that the document's context *start with* the proof's
    and then verifies with the proof's; we refuse trailing additions too, since
    an appended context could redefine terms for a JSON-LD reader while the
    signature still verifies.
    """
    return bool(document_context == proof_context)
