"""Raw-shape steps of ingest: recognising a proposal and reading refusals from errors.

These work on plain JSON before (and on pydantic's errors after) model
validation, so each refusal gets its own reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core import ErrorDetails

from schemas.wire.base import id_of
from schemas.wire.errors import Reason
from schemas.wire.terms import is_vf_term, local_name, type_names

_SHARED_TERMS = (
    "@context",
    "id",
    "attributedTo",
    "name",
    "summary",
    "note",
    "content",
    "nameMap",
    "summaryMap",
    "contentMap",
    "published",
    "updated",
    "url",
    "hasBeginning",
    "hasEnd",
    "endTime",
    "to",
    "cc",
    "audience",
    "tag",
    "proof",
)
"""Terms a bare Intent shares with the Proposal it stands for."""


def looks_like_proposal(document: Mapping[str, Any]) -> bool:
    """A Proposal by type, or any object carrying FEP-0837's ``purpose`` or ``publishes``."""
    return (
        "Proposal" in type_names(document.get("type"))
        or "purpose" in document
        or "publishes" in document
    )


def is_bare_intent(document: Mapping[str, Any]) -> bool:
    return "Intent" in type_names(document.get("type"))


def _intent_purpose(intent: Mapping[str, Any]) -> str | None:
    """Direction of a bare Intent: Bonfire's ``Offer``/``Need`` type, else provider/receiver.

    ValueFlows: ``provider`` "implies offer", ``receiver`` "implies request".
    """
    raw_types = intent.get("type")
    for raw in raw_types if isinstance(raw_types, list) else [raw_types]:
        if isinstance(raw, str) and is_vf_term(raw):
            name = local_name(raw)
            if name in ("Offer", "Need"):
                return "offer" if name == "Offer" else "request"
    provider, receiver = intent.get("provider"), intent.get("receiver")
    if provider and not receiver:
        return "offer"
    if receiver and not provider:
        return "request"
    return None


def proposal_from_intent(intent: Mapping[str, Any]) -> dict[str, Any]:
    """The Proposal a bare (Bonfire) Intent stands for: same id, the Intent as ``publishes``."""
    proposal = {term: intent[term] for term in _SHARED_TERMS if term in intent}
    proposal["type"] = "Proposal"
    purpose = _intent_purpose(intent)
    if purpose is not None:
        proposal["purpose"] = purpose
    if "attributedTo" not in proposal:
        agent = id_of(intent.get("provider") or intent.get("receiver"))
        if isinstance(agent, str):
            proposal["attributedTo"] = agent
    place = intent.get("location") or intent.get("atLocation")
    if place is not None:
        proposal["location"] = place
    proposal["publishes"] = dict(intent)
    return proposal


_BY_TERM: tuple[tuple[str, Reason], ...] = (
    ("purpose", Reason.PURPOSE_UNKNOWN),
    ("action", Reason.ACTION_UNKNOWN),
    ("hasUnit", Reason.UNIT_UNKNOWN),
    ("has_unit", Reason.UNIT_UNKNOWN),
    ("hasNumericalValue", Reason.QUANTITY_INVALID),
    ("has_numerical_value", Reason.QUANTITY_INVALID),
)


def _reason(error: ErrorDetails) -> Reason:
    loc = error["loc"]
    if loc and loc[0] == "publishes" and (len(loc) == 1 or error["type"] == "model_type"):
        return Reason.INTENT_MISSING
    for term, reason in _BY_TERM:
        if term in loc:
            return reason
    return Reason.PROPOSAL_MALFORMED


def refusal(errors: Sequence[ErrorDetails]) -> tuple[Reason, str]:
    """The most specific reason among a Proposal's validation errors, with its detail."""
    ranked = sorted(errors, key=lambda e: _reason(e) is Reason.PROPOSAL_MALFORMED)
    first = ranked[0]
    where = ".".join(str(part) for part in first["loc"]) or "(document)"
    return _reason(first), f"{where}: {first['msg']}"
