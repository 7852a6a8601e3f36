"""Objects we send and accept: FEP-0837 ``Proposal`` and ``Intent``, ``Note``, ``Tombstone``.

Proposals follow FEP-0837 with the design brief's terms (design brief §3);
ValueFlows actions and OM2 units are kept as local names here (peers use
others, such as Mitra's ``second``) and checked against our closed lists
when a Proposal is normalised (:func:`schemas.wire.normalise.normalise_proposal`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AliasChoices, BeforeValidator, Field, model_validator

from schemas.vocab import CloseReason, LocationPrecision, Purpose, Status, Urgency
from schemas.wire.base import (
    FirstObject,
    IdList,
    IdRef,
    LanguageMap,
    Timestamp,
    TypeValue,
    WireModel,
    lenient,
)
from schemas.wire.parts import ActionName, Link, Measure, Place, ProofValue, Tag, UrlValue
from schemas.wire.terms import VF_NAMESPACES, local_name, type_names


def _summary() -> Any:
    """``summary``, also read from ValueFlows' ``note`` (Bonfire maps it, older peers don't)."""
    return Field(
        default=None,
        validation_alias=AliasChoices("summary", "note"),
        serialization_alias="summary",
    )


def _term(value: Any) -> Any:
    """``vf:offer`` or a full VF IRI as the plain value ``offer``."""
    return local_name(value) if isinstance(value, str) else value


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, Mapping) else value


class Intent(WireModel):
    """A ValueFlows ``Intent``: the ``publishes`` (primary) or ``reciprocal`` of a Proposal.

    Also accepted bare, as Bonfire federates ``ValueFlows:Intent`` objects.
    """

    id: str | None = None
    type: TypeValue = "Intent"
    action: ActionName
    provider: IdRef | None = None
    receiver: IdRef | None = None
    resource_conforms_to: IdRef | None = None
    resource_classified_as: IdList | None = None
    resource_quantity: Measure | None = None
    available_quantity: Measure | None = None
    minimum_quantity: Measure | None = None
    effort_quantity: Measure | None = None
    due: Timestamp | None = None
    finished: bool | None = None
    name: str | None = None
    summary: str | None = _summary()
    attributed_to: IdRef | None = None
    location: Annotated[Place | None, FirstObject] = Field(
        default=None,
        validation_alias=AliasChoices("location", "atLocation"),
        serialization_alias="location",
    )


def _is_reciprocal(entry: Mapping[str, Any]) -> bool:
    return entry.get("reciprocal") is True


def _intent_of(entry: Any) -> Any:
    """Bonfire wraps each Intent in ``ValueFlows:ProposedIntent{reciprocal, publishes}``."""
    if isinstance(entry, Mapping) and "ProposedIntent" in type_names(entry.get("type")):
        return entry.get("publishes")
    return entry


def split_publishes(document: Mapping[str, Any]) -> dict[str, Any]:
    """FEP-0837's ``publishes``/``reciprocal`` from a VF list of (proposed) intents.

    The primary Intent is the first entry not marked reciprocal; the first
    marked one becomes ``reciprocal`` unless the document already has one.
    """
    published = document.get("publishes")
    if isinstance(published, list):
        listed: list[Any] = published
    elif isinstance(published, Mapping) and "ProposedIntent" in type_names(published.get("type")):
        listed = [published]
    else:
        return dict(document)
    entries: list[Mapping[str, Any]] = [e for e in listed if isinstance(e, Mapping)]
    primary = next((e for e in entries if not _is_reciprocal(e)), None)
    reciprocal = next((e for e in entries if _is_reciprocal(e)), None)
    result = dict(document)
    result["publishes"] = _intent_of(primary) if primary is not None else None
    if reciprocal is not None and not isinstance(document.get("reciprocal"), Mapping):
        result["reciprocal"] = _intent_of(reciprocal)
    return result


class Proposal(WireModel):
    """An FEP-0837 ``Proposal``: an offer or request, with one primary Intent.

    ``type`` may also be ``Note`` (or ``["Proposal", "Note"]``): FEP-0837
    lets implementers use AS2 object types for interoperability.
    """

    id: str
    type: TypeValue = "Proposal"
    purpose: Annotated[Purpose, BeforeValidator(_term)]
    attributed_to: IdRef
    name: str | None = None
    summary: str | None = _summary()
    content: str | None = None
    name_map: LanguageMap | None = None
    summary_map: LanguageMap | None = None
    content_map: LanguageMap | None = None
    published: Timestamp | None = None
    updated: Timestamp | None = None
    url: UrlValue | None = None
    has_beginning: Timestamp | None = None
    has_end: Timestamp | None = None
    end_time: Timestamp | None = None
    unit_based: bool | None = None
    urgency: Annotated[Urgency | None, lenient(Urgency)] = None
    location_precision: Annotated[LocationPrecision | None, lenient(LocationPrecision)] = None
    referred_from: IdRef | None = None
    item_status: Annotated[Status | None, lenient(Status)] = None
    close_reason: Annotated[CloseReason | None, lenient(CloseReason)] = None
    location: Annotated[Place | None, FirstObject] = Field(
        default=None,
        validation_alias=AliasChoices("location", "eligibleLocation"),
        serialization_alias="location",
    )
    tag: Annotated[list[Tag], BeforeValidator(_listed)] | None = None
    to: IdList | None = None
    cc: IdList | None = None
    audience: IdList | None = None
    publishes: Intent
    reciprocal: Intent | None = None
    proof: ProofValue | None = None

    @model_validator(mode="before")
    @classmethod
    def _vf_publishes(cls, data: Any) -> Any:
        return split_publishes(data) if isinstance(data, Mapping) else data


PROPOSAL_LINK_RELS = frozenset(namespace + "Proposal" for namespace in VF_NAMESPACES)


class Note(WireModel):
    """A plain-fediverse ``Note``; ours is a Proposal's companion, linking to it."""

    id: str
    type: TypeValue = "Note"
    attributed_to: IdRef | None = None
    name: str | None = None
    summary: str | None = None
    content: str | None = None
    content_map: LanguageMap | None = None
    published: Timestamp | None = None
    updated: Timestamp | None = None
    end_time: Timestamp | None = None
    in_reply_to: IdRef | None = None
    url: UrlValue | None = None
    attachment: Annotated[list[Link], BeforeValidator(_listed)] | None = None
    tag: Annotated[list[Tag], BeforeValidator(_listed)] | None = None
    to: IdList | None = None
    cc: IdList | None = None
    audience: IdList | None = None
    proof: ProofValue | None = None

    def proposal_link(self) -> str | None:
        """The Proposal this Note stands for: a Link whose ``rel`` is ``vf#Proposal``."""
        links = list(self.attachment or [])
        urls = self.url if isinstance(self.url, list) else [self.url]
        links += [u for u in urls if isinstance(u, Link)]
        for link in links:
            if link.href and PROPOSAL_LINK_RELS.intersection(link.rel or ()):
                return link.href
        return None


class Tombstone(WireModel):
    """What a deleted object becomes."""

    id: str
    type: TypeValue = "Tombstone"
    former_type: str | None = None
    deleted: Timestamp | None = None


class WireObject(WireModel):
    """Any other object (an actor, a ``Document`` receipt, a ``Like``): kept, not interpreted."""

    id: str | None = None
    type: TypeValue | None = None


def is_proposal_shaped(document: Mapping[str, Any]) -> bool:
    """Readable as a :class:`Proposal`: it has FEP-0837's ``purpose``, and is typed
    ``Proposal`` or (a ``Note``…) carries ``publishes``.

    A Proposal without ``purpose`` (Bonfire's) is left to the generic object
    model, so the activity around it still parses; normalisation refuses it.
    """
    return "purpose" in document and (
        "publishes" in document or "Proposal" in type_names(document.get("type"))
    )
