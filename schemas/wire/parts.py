"""The small values inside objects: quantities, places, tags, links and proofs."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, BeforeValidator, Field

from schemas.wire.base import Amount, Latitude, Longitude, Number, TypeValue, WireModel
from schemas.wire.terms import canonical_action, canonical_unit

ActionName = Annotated[str, BeforeValidator(canonical_action)]
"""A ValueFlows action's local name (``transfer``), from any accepted spelling."""
UnitName = Annotated[str, BeforeValidator(canonical_unit)]
"""An OM2 unit's local name (``kilogram``), from any accepted spelling."""


class Measure(WireModel):
    """``{hasUnit, hasNumericalValue}`` (OM2). FEP-0837 makes the value optional."""

    type: TypeValue | None = None
    has_unit: UnitName | None = None
    has_numerical_value: Amount | None = None


class Place(WireModel):
    """An AS2 ``Place``: coarse coordinates, a radius and an area name, never an address."""

    type: TypeValue = "Place"
    name: str | None = None
    latitude: Latitude | None = Field(
        default=None,
        validation_alias=AliasChoices("latitude", "lat"),
        serialization_alias="latitude",
    )
    longitude: Longitude | None = Field(
        default=None,
        validation_alias=AliasChoices("longitude", "long"),
        serialization_alias="longitude",
    )
    radius: Amount | None = None
    units: str | None = None
    accuracy: Number | None = None


class Tag(WireModel):
    """A ``tag`` entry: our ``Hashtag``s, or a peer's ``Mention`` / ``Emoji``."""

    type: TypeValue = "Hashtag"
    name: str | None = None
    href: str | None = None


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


class Link(WireModel):
    """An AS2 ``Link`` (also a peer's ``Document`` attachment, read leniently)."""

    type: TypeValue = "Link"
    href: str | None = None
    rel: Annotated[list[str], BeforeValidator(_as_list)] | None = None
    media_type: str | None = None
    name: str | None = None


UrlValue = str | Link | list[str | Link]


class Proof(WireModel):
    """A FEP-8b32 ``DataIntegrityProof`` (``eddsa-jcs-2022``), or a peer's other proof type.

    Kept as the strings sent: verification runs on the raw document.
    """

    type: str = "DataIntegrityProof"
    cryptosuite: str | None = None
    verification_method: str
    proof_purpose: str
    created: str | None = None
    proof_value: str


ProofValue = Proof | list[Proof]
