"""Wire models (what we send and accept over ActivityPub) and ingest normalisation.

``normalise_proposal`` turns any accepted shape of a peer's FEP-0837
Proposal into one :class:`NormalisedProposal`; the models validate the
activities and objects around it. JSON Schemas generated from the models are
committed under ``schemas/jsonschema/`` (``python -m schemas.wire.generate``).
"""

from __future__ import annotations

from schemas.wire.activities import (
    ACTIVITY_MODELS,
    Accept,
    Activity,
    Announce,
    Create,
    Delete,
    Flag,
    Follow,
    Offer,
    Reject,
    TentativeAccept,
    Undo,
    Update,
    activity_model,
    parse_activity,
    parse_document,
    read_activity,
)
from schemas.wire.base import WireModel
from schemas.wire.claims import Agreement, Commitment, EconomicEvent
from schemas.wire.errors import Reason, WireError
from schemas.wire.normalise import normalise_parsed, normalise_proposal
from schemas.wire.objects import Intent, Note, Proposal, Tombstone, WireObject
from schemas.wire.parts import Link, Measure, Place, Proof, Tag
from schemas.wire.records import NormalisedPlace, NormalisedProposal

__all__ = [
    "ACTIVITY_MODELS",
    "Accept",
    "Activity",
    "Agreement",
    "Announce",
    "Commitment",
    "Create",
    "Delete",
    "EconomicEvent",
    "Flag",
    "Follow",
    "Intent",
    "Link",
    "Measure",
    "NormalisedPlace",
    "NormalisedProposal",
    "Note",
    "Offer",
    "Place",
    "Proof",
    "Proposal",
    "Reason",
    "Reject",
    "Tag",
    "TentativeAccept",
    "Tombstone",
    "Undo",
    "Update",
    "WireError",
    "WireModel",
    "WireObject",
    "activity_model",
    "normalise_parsed",
    "normalise_proposal",
    "parse_activity",
    "parse_document",
    "read_activity",
]
