"""Activities we send and accept, with their ``object`` shapes as we accept them.

An ``object`` is an IRI or an embedded object. Embedded objects are read
into the model their type names (a Proposal also when it is a ``Note``
carrying ``purpose``); types we do not interpret stay a :class:`WireObject`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, TypeAlias, Union

from pydantic import BaseModel, Discriminator, Tag, TypeAdapter, ValidationError, model_validator

from schemas.wire.base import IdList, IdRef, Timestamp, TypeValue, WireModel, id_of, type_set
from schemas.wire.claims import Agreement, Commitment, EconomicEvent
from schemas.wire.errors import Reason, WireError
from schemas.wire.objects import (
    Intent,
    Note,
    Proposal,
    Tombstone,
    WireObject,
    is_proposal_shaped,
)
from schemas.wire.parts import ProofValue
from schemas.wire.terms import canonical_keys, type_names

_REF = "ref"
_OTHER = "object"


def _kind_of(value: Any, tags: frozenset[str]) -> str:
    """The union member for an ``object`` value: ``ref``, a model's type, or ``object``."""
    if isinstance(value, str):
        return _REF
    if isinstance(value, BaseModel):
        name = type(value).__name__
        return name if name in tags else _OTHER
    if not isinstance(value, Mapping):
        return _OTHER
    document = canonical_keys(value)
    if "Proposal" in tags and is_proposal_shaped(document):
        return "Proposal"
    names = type_names(document.get("type")) - {"Proposal"}
    return next((name for name in sorted(tags) if name in names), _OTHER)


def _by_type(*tags: str) -> Discriminator:
    """Chooses among ``ref``, ``object`` and the models named ``tags``."""
    known = frozenset(tags)
    return Discriminator(lambda value: _kind_of(value, known))


Ref = Annotated[str, Tag(_REF)]
Other = Annotated[WireObject, Tag(_OTHER)]


class Activity(WireModel):
    """What every activity has. ``id`` is optional in AS2; the inbox requires one."""

    kind: ClassVar[str] = "Activity"

    id: str | None = None
    type: TypeValue
    actor: IdRef
    to: IdList | None = None
    cc: IdList | None = None
    bto: IdList | None = None
    bcc: IdList | None = None
    audience: IdList | None = None
    published: Timestamp | None = None
    summary: str | None = None
    content: str | None = None
    proof: ProofValue | None = None

    @model_validator(mode="after")
    def _has_own_type(self) -> Activity:
        if self.kind not in type_set(self.type):
            raise ValueError(f"type must include {self.kind!r}")
        return self


class Follow(Activity):
    kind: ClassVar[str] = "Follow"
    type: TypeValue = "Follow"
    object: IdRef


def _offered(value: Any) -> str:
    return "Proposal" if _kind_of(value, frozenset({"Proposal"})) == "Proposal" else "Agreement"


class Offer(Activity):
    """A claim on a Proposal's Intent (FEP-0837): the object is an Agreement. A referral
    offers a Proposal (our signed request, passed on to another group)."""

    kind: ClassVar[str] = "Offer"
    type: TypeValue = "Offer"
    object: Annotated[
        Annotated[Agreement, Tag("Agreement")] | Annotated[Proposal, Tag("Proposal")],
        Discriminator(_offered),
    ]


CreatedObject: TypeAlias = Annotated[
    Ref
    | Other
    | Annotated[Proposal, Tag("Proposal")]
    | Annotated[Intent, Tag("Intent")]
    | Annotated[Note, Tag("Note")]
    | Annotated[EconomicEvent, Tag("EconomicEvent")],
    _by_type("Proposal", "Intent", "Note", "EconomicEvent"),
]


class Create(Activity):
    kind: ClassVar[str] = "Create"
    type: TypeValue = "Create"
    object: CreatedObject


class Update(Activity):
    """An updated Proposal (e.g. a lower ``availableQuantity``), Note, or a peer's actor."""

    kind: ClassVar[str] = "Update"
    type: TypeValue = "Update"
    object: CreatedObject


class Delete(Activity):
    kind: ClassVar[str] = "Delete"
    type: TypeValue = "Delete"
    object: Annotated[Ref | Other | Annotated[Tombstone, Tag("Tombstone")], _by_type("Tombstone")]


AnsweredObject: TypeAlias = Annotated[
    Ref | Other | Annotated[Follow, Tag("Follow")] | Annotated[Offer, Tag("Offer")],
    _by_type("Follow", "Offer"),
]


class Accept(Activity):
    """Accepts a Follow, or a claim ``Offer`` with ``result`` = the finalised Agreement."""

    kind: ClassVar[str] = "Accept"
    type: TypeValue = "Accept"
    object: AnsweredObject
    result: Agreement | None = None


class TentativeAccept(Activity):
    """A hold on a claim until ``endTime`` (our extension; AS2 makes it a kind of Accept)."""

    kind: ClassVar[str] = "TentativeAccept"
    type: TypeValue = "TentativeAccept"
    object: AnsweredObject
    end_time: Timestamp | None = None
    result: Agreement | None = None


class Reject(Activity):
    """Rejects a Follow or a claim; ``content`` may say why."""

    kind: ClassVar[str] = "Reject"
    type: TypeValue = "Reject"
    object: AnsweredObject


class Announce(Activity):
    """A relay (FEP-1b12): an IRI, an embedded object, or the original activity."""

    kind: ClassVar[str] = "Announce"
    type: TypeValue = "Announce"
    object: Annotated[
        Ref
        | Other
        | Annotated[Create, Tag("Create")]
        | Annotated[Update, Tag("Update")]
        | Annotated[Delete, Tag("Delete")]
        | Annotated[Proposal, Tag("Proposal")]
        | Annotated[Note, Tag("Note")],
        _by_type("Create", "Update", "Delete", "Proposal", "Note"),
    ]


class Undo(Activity):
    kind: ClassVar[str] = "Undo"
    type: TypeValue = "Undo"
    object: Annotated[
        Ref
        | Other
        | Annotated[Follow, Tag("Follow")]
        | Annotated[Announce, Tag("Announce")]
        | Annotated[Offer, Tag("Offer")],
        _by_type("Follow", "Announce", "Offer"),
    ]


class Flag(Activity):
    """A report: the reported actor and objects, with ``content`` as the reason."""

    kind: ClassVar[str] = "Flag"
    type: TypeValue = "Flag"
    object: IdList


ACTIVITY_MODELS: tuple[type[Activity], ...] = (
    Create,
    Update,
    Delete,
    Follow,
    Accept,
    TentativeAccept,
    Reject,
    Undo,
    Announce,
    Flag,
    Offer,
)
_BY_KIND: Mapping[str, type[Activity]] = {model.kind: model for model in ACTIVITY_MODELS}

CLAIM_MODELS: tuple[type[WireModel], ...] = (Agreement, Commitment, EconomicEvent)


_DOCUMENT_MODELS: tuple[type[WireModel], ...] = (
    Proposal,
    Intent,
    Note,
    Tombstone,
    Agreement,
    Commitment,
    EconomicEvent,
    *ACTIVITY_MODELS,
)
AnyDocument: Any = Annotated[
    Union[(*(Annotated[m, Tag(m.__name__)] for m in _DOCUMENT_MODELS), Ref, Other)],
    _by_type(*(m.__name__ for m in _DOCUMENT_MODELS)),
]
"""Any activity or object we model, by its type; others as :class:`WireObject`."""
_ANY_DOCUMENT: TypeAdapter[Any] = TypeAdapter(AnyDocument)


def parse_document(document: Mapping[str, Any]) -> WireModel:
    """Read any embedded activity or object into the model its type names.

    Raises ``pydantic.ValidationError`` when a modelled type has the wrong shape.
    """
    parsed = _ANY_DOCUMENT.validate_python(document)
    assert isinstance(parsed, WireModel)
    return parsed


def activity_model(document: Mapping[str, Any]) -> type[Activity] | None:
    """The model for a raw activity's type, or ``None`` for types we do not accept."""
    names = type_names(canonical_keys(document).get("type"))
    return next((_BY_KIND[name] for name in sorted(names) if name in _BY_KIND), None)


def parse_activity(document: Any) -> Activity:
    """Read an inbound activity into its model.

    Raises :class:`WireError` with ``activity-unsupported`` for other types,
    ``activity-malformed`` when the shape is wrong.
    """
    if not isinstance(document, Mapping):
        raise WireError(Reason.ACTIVITY_MALFORMED, "an activity is a JSON object")
    model = activity_model(document)
    if model is None:
        kind = document.get("type")
        raise WireError(Reason.ACTIVITY_UNSUPPORTED, f"type {kind!r} is not one we accept")
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise _malformed(error) from None


def _malformed(error: ValidationError) -> WireError:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(document)"
    return WireError(Reason.ACTIVITY_MALFORMED, f"{where}: {first['msg']}")


_IDENTITY = frozenset({"type", "actor", "object"})


def read_activity(document: Any) -> Activity:
    """:func:`parse_activity` for the inbox, whose handlers refuse each part with its own reason.

    A modelled ``object`` of the wrong shape (a Proposal without ``publishes``, an
    embedded Follow without ``actor``) is read as a :class:`WireObject`, or else as its
    id; any other term of the wrong shape (a ``published`` that is not a date, a
    ``result`` that is not an Agreement) is left out, as the handlers ignore it. Raises
    :class:`WireError` as ``parse_activity`` does when the activity still does not
    read (no usable ``object``, or an ``Offer`` of something that is not an Agreement).
    """
    model = activity_model(document) if isinstance(document, Mapping) else None
    if model is None:
        return parse_activity(document)  # raises: not an activity we accept
    try:
        return model.model_validate(document)
    except ValidationError as first:
        error = first
    patched = canonical_keys(document)
    given = patched.get("object")
    for fallback in (_as_other, id_of):
        failed = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        if not failed or failed & {"type", "actor"}:
            break
        for term in failed - _IDENTITY:
            patched.pop(term, None)
        if "object" in failed:
            patched["object"] = fallback(given)
        try:
            return model.model_validate(patched)
        except ValidationError as again:
            error = again
    raise _malformed(error)


def _as_other(value: Any) -> Any:
    try:
        return WireObject.model_validate(value) if isinstance(value, Mapping) else value
    except ValidationError:
        return value
