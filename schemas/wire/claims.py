"""The claim vocabulary (design brief §3, FEP-0837 "Responding to a proposal").

A claim is ``Offer{Agreement{stipulates: Commitment{satisfies: <intent>,
resourceQuantity}}}``; the origin answers ``Accept`` (``result``: the finalised
Agreement), ``TentativeAccept`` (a hold) or ``Reject``; after the handover it
publishes an ``EconomicEvent`` that ``fulfills`` the Commitment, with
``context`` = the Agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import model_validator

from schemas.wire.base import IdRef, Timestamp, TypeValue, WireModel
from schemas.wire.parts import ActionName, Measure, UrlValue

MISSPELT_STIPULATES = "stiplulates"
"""How FEP-0837's Accept example spells ``stipulates`` (context and body): read, never written."""


class Commitment(WireModel):
    """A promised transfer that ``satisfies`` a Proposal's Intent."""

    id: str | None = None
    type: TypeValue = "Commitment"
    satisfies: IdRef
    resource_quantity: Measure
    action: ActionName | None = None
    provider: IdRef | None = None
    receiver: IdRef | None = None
    due: Timestamp | None = None


class Agreement(WireModel):
    """What a claim proposes (no ``id`` yet) and an ``Accept`` finalises (with ids)."""

    id: str | None = None
    type: TypeValue = "Agreement"
    stipulates: Commitment
    stipulates_reciprocal: Commitment | None = None
    url: UrlValue | None = None

    @model_validator(mode="before")
    @classmethod
    def _fep_typo(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "stipulates" not in data and MISSPELT_STIPULATES in data:
            fixed = {k: v for k, v in data.items() if k != MISSPELT_STIPULATES}
            fixed["stipulates"] = data[MISSPELT_STIPULATES]
            return fixed
        return data


class EconomicEvent(WireModel):
    """The confirmation of a handover: ``fulfills`` the Commitment, ``context`` = the Agreement.

    ``action`` is optional: a node's confirmation names the Commitment, which has it.
    """

    id: str | None = None
    type: TypeValue = "EconomicEvent"
    name: str | None = None
    action: ActionName | None = None
    provider: IdRef | None = None
    receiver: IdRef | None = None
    resource_quantity: Measure | None = None
    fulfills: IdRef
    context: IdRef
    has_point_in_time: Timestamp | None = None
