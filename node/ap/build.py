"""Direct activities (Follow, Accept, Offer, Undo …) built through their schemas.wire models.

The inbox reads what peers send with the same models, so a term cannot be
written one way and read another. A document embedded as ``object`` (our
signed Proposal in a referral, a peer's signed object in an Announce, our actor
document) is checked against the model and then sent exactly as it is: a
proof covers its exact values, which a model's re-serialisation may respell.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from federation.documents.activities import new_activity_id
from federation.documents.actor import DOCUMENT_CONTEXT, LocalActor
from schemas.wire import ACTIVITY_MODELS
from schemas.wire.claims import Agreement, Commitment
from schemas.wire.parts import Measure

_MODELS = {model.kind: model for model in ACTIVITY_MODELS}


def local_activity(
    actor: LocalActor, type_: str, obj: Any, to: list[str], **terms: Any
) -> dict[str, Any]:
    """A direct activity of ``type_`` to specific actors; ``terms`` are the model's
    other fields by their Python names (``content``, ``result``, ``end_time`` …)."""
    document = {
        "@context": DOCUMENT_CONTEXT,
        "id": new_activity_id(actor),
        "type": type_,
        "actor": actor.id,
        "object": obj,
        "to": to,
    }
    built = _MODELS[type_].model_validate(document | terms).to_json()
    if isinstance(obj, Mapping):
        built["object"] = obj
    return built


def measure(unit: str, value: float) -> Measure:
    return Measure(has_unit=unit, has_numerical_value=value)


def agreement(
    agreement_id: str,
    commitment_id: str,
    intent_id: str,
    unit: str,
    quantity: float,
    **parties: str,
) -> Agreement:
    """An Agreement stipulating one Commitment that satisfies ``intent_id``; ``parties``
    names its ``provider`` or ``receiver``."""
    commitment = Commitment(
        id=commitment_id,
        satisfies=intent_id,
        resource_quantity=measure(unit, quantity),
        **parties,
    )
    return Agreement(id=agreement_id, stipulates=commitment)
