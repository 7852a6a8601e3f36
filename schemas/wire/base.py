"""The base of every wire model, and the field types they share.

Every model accepts extra fields (peers add things) and keeps them, so a
document round-trips; it validates only what the node relies on. Keys
written as compact or full IRIs (``vf:purpose``) are read as their local term.
Field names are snake_case in Python and camelCase on the wire.

Signatures and proofs are checked on the raw JSON a peer sent, never on a
model's re-serialisation: a model normalises spellings (``"1"`` → ``1``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    PlainSerializer,
    model_validator,
)
from pydantic.alias_generators import to_camel

from schemas.wire.terms import canonical_keys, canonical_type, local_name, parse_number


class WireModel(BaseModel):
    """An ActivityStreams object or activity as JSON: extra fields kept."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=to_camel,
    )

    ld_context: JsonValue | None = Field(default=None, alias="@context")

    @model_validator(mode="before")
    @classmethod
    def _local_keys(cls, data: Any) -> Any:
        """Local terms for IRI keys; ``null`` values dropped (JSON-LD ignores them)."""
        if not isinstance(data, Mapping):
            return data
        return canonical_keys({key: value for key, value in data.items() if value is not None})

    def to_json(self) -> dict[str, Any]:
        """The wire form: camelCase keys, absent values left out, extras kept."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Self:
        return cls.model_validate(document)


def id_of(value: Any) -> Any:
    """An IRI from a reference: a string, an embedded object's ``id``, a Link's ``href``.

    A list gives its first usable reference (Peertube attributes videos to
    ``[Person, Group]``). Anything else is returned for the type check to refuse.
    """
    if isinstance(value, list):
        for entry in value:
            found = id_of(entry)
            if isinstance(found, str):
                return found
        return None
    if isinstance(value, Mapping):
        found = value.get("id") or value.get("@id") or value.get("href")
        return found if isinstance(found, str) else value
    return value


def strict_id_of(value: Any) -> str | None:
    """The IRI of a reference written as a string or as an object with a string ``id``;
    None for anything else: a list, a Link's ``href``, an ``@id``, a non-string id.

    The reading for code that compares a raw value with a known id: unlike ``id_of`` it
    never picks one entry of a list, so ``[our actor, another]`` is not our actor.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        found = value.get("id")
        return found if isinstance(found, str) else None
    return None


def ids_of(value: Any) -> list[Any]:
    """A list of references from one reference or a list; unusable entries dropped."""
    values = value if isinstance(value, list) else [value]
    return [found for found in (id_of(v) for v in values if v is not None) if found is not None]


def _nonempty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


IdRef = Annotated[str, BeforeValidator(id_of), AfterValidator(_nonempty)]
"""An IRI, also read from an embedded object or Link."""

IdList = Annotated[list[str], BeforeValidator(ids_of)]
"""One or more IRIs (``to``, ``cc``, ``audience``, ``resourceClassifiedAs``…), always a list."""


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


Timestamp = Annotated[datetime, AfterValidator(_utc)]
"""An xsd:dateTime; one without a zone is taken as UTC."""


def _compact(number: float) -> int | float:
    return int(number) if number.is_integer() else number


_READ = BeforeValidator(parse_number)
_WRITE = PlainSerializer(_compact)

Number = Annotated[float, _READ, _WRITE]
"""A finite number; numeric strings (``"1"``) accepted, integral values written as integers."""
Amount = Annotated[float, Field(ge=0), _READ, _WRITE]
"""A non-negative :data:`Number` (quantities, radii)."""
Latitude = Annotated[float, Field(ge=-90, le=90), _READ, _WRITE]
Longitude = Annotated[float, Field(ge=-180, le=180), _READ, _WRITE]


def _types(value: Any) -> Any:
    if isinstance(value, str):
        return canonical_type(value)
    if isinstance(value, list):
        names = [canonical_type(v) if isinstance(v, str) else v for v in value]
        return names[0] if len(names) == 1 else names
    return value


TypeValue = Annotated[str | list[str], BeforeValidator(_types)]
"""``type`` as a local name or a list of them (``["Proposal", "Note"]``)."""


def type_set(value: str | list[str]) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


def _language_map(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


LanguageMap = Annotated[dict[str, str], BeforeValidator(_language_map)]
"""``nameMap`` / ``summaryMap`` / ``contentMap``; non-text entries dropped."""


def _first_object(value: Any) -> Any:
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, Mapping | BaseModel)), None)
    return value if isinstance(value, Mapping | BaseModel) else None


FirstObject = BeforeValidator(_first_object)
"""For a term AS2 allows to repeat where we use one embedded object (``location``)."""


def lenient(enum: type[StrEnum]) -> BeforeValidator:
    """Our own closed vocabulary, read leniently: a value we don't know becomes ``None``.

    A newer peer's value is not a reason to refuse its whole item. Values may
    be prefixed (``sn:anytime``) or full project-namespace IRIs.
    """
    known = frozenset(member.value for member in enum)

    def read(value: Any) -> Any:
        if not isinstance(value, str):
            return None
        name = local_name(value)
        return name if name in known else None

    return BeforeValidator(read)
