"""Structured field values (RFC 9651, formerly RFC 8941) as HTTP signatures use them.

Parsing and canonical serialisation are done by ``http-sf`` (Mark Nottingham's
implementation, tested against the shared structured-field-tests suite). This
module keeps the small typed values the signature code works with (``Item``,
``InnerList``, ``Token``) and converts to and from the library's tuples and
dicts. Two deliberate differences from RFC 9651:

- A repeated dictionary key or parameter name is refused. RFC 9651 lets the
  last one win; we refuse so that a ``Signature-Input``, ``Signature`` or
  ``Content-Digest`` header can never mean one thing to us and another to a
  proxy or a peer that keeps the first.
- RFC 9651's Date (``@…``) and Display String (``%"…"``) items are refused:
  HTTP signatures and digests are defined over the RFC 8941 subset.

Every refusal, parsing or serialising, is a ``StructuredFieldError`` (a
``ValueError``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import http_sf
from http_sf import StructuredFieldError
from http_sf.types import BareItemType, ItemType, ParamsType

__all__ = [
    "BareItem",
    "InnerList",
    "Item",
    "Member",
    "Params",
    "StructuredFieldError",
    "Token",
    "is_key",
    "param",
    "parse_dictionary",
    "serialize_bare_item",
    "serialize_inner_list",
    "serialize_item",
]


@dataclass(frozen=True)
class Token:
    """A token (distinct from a string).

    Not ``http_sf.Token``: that is a ``UserString``, equal to (and hashing as)
    the string of the same text, so ``keyid=k`` would pass where ``keyid="k"``
    is required.
    """

    value: str


BareItem = bool | int | Decimal | str | Token | bytes
Params = tuple[tuple[str, BareItem], ...]


@dataclass(frozen=True)
class Item:
    """A bare item with its parameters."""

    value: BareItem
    params: Params = ()


@dataclass(frozen=True)
class InnerList:
    """A parenthesised list of items with its parameters."""

    items: tuple[Item, ...]
    params: Params = ()


Member = Item | InnerList


def param(params: Params, name: str) -> BareItem | None:
    """Return the value of parameter ``name``, or None when absent."""
    for key, value in params:
        if key == name:
            return value
    return None


def parse_dictionary(text: str) -> list[tuple[str, Member]]:
    """Parse a dictionary field value in order, refusing repeated keys and parameters."""
    try:
        data = text.encode("ascii")
    except UnicodeEncodeError as error:
        raise StructuredFieldError("structured field contains non-ASCII characters") from error
    parsed = http_sf.parse(data, tltype="dictionary", on_duplicate_key=_refuse_duplicate)
    if not isinstance(parsed, dict):  # pragma: no cover - tltype="dictionary" gives a dict
        raise StructuredFieldError("not a dictionary")
    return [(key, _member(value)) for key, value in parsed.items()]


def _refuse_duplicate(key: str, context: str) -> None:
    """http-sf's duplicate hook: our refusal where RFC 9651 would keep the last value."""
    raise StructuredFieldError(f"repeated {context} key {key!r}")


def _member(value: object) -> Member:
    bare, params = _pair(value)
    if isinstance(bare, list):
        return InnerList(tuple(_item(each) for each in bare), params)
    return Item(_bare(bare), params)


def _item(value: object) -> Item:
    bare, params = _pair(value)
    return Item(_bare(bare), params)


def _pair(value: object) -> tuple[object, Params]:
    """Split a parsed member, always a (value, parameters) pair from http-sf."""
    if not isinstance(value, tuple) or len(value) != 2 or not isinstance(value[1], dict):
        raise StructuredFieldError("unexpected structure from the parser")
    return value[0], tuple((key, _bare(each)) for key, each in value[1].items())


def _bare(value: object) -> BareItem:
    if isinstance(value, bool | int | Decimal | str | bytes):
        return value
    if isinstance(value, http_sf.Token):
        return Token(str(value))
    raise StructuredFieldError(f"{type(value).__name__} items are not used by HTTP signatures")


def _to_sf(value: BareItem) -> BareItemType:
    return http_sf.Token(value.value) if isinstance(value, Token) else value


def _params_to_sf(params: Params) -> ParamsType:
    out: ParamsType = {}
    for key, value in params:
        if key in out:
            raise StructuredFieldError(f"repeated parameter key {key!r}")
        out[key] = _to_sf(value)
    return out


def _serialize(structure: http_sf.StructuredType) -> str:
    try:
        return http_sf.ser(structure)
    except StructuredFieldError:
        raise
    except (ValueError, TypeError) as error:
        raise StructuredFieldError(str(error)) from error


def serialize_bare_item(value: BareItem) -> str:
    """Serialise one bare item canonically."""
    return _serialize(_to_sf(value))


def serialize_item(item: Item) -> str:
    """Serialise an item with its parameters, in their order."""
    return _serialize((_to_sf(item.value), _params_to_sf(item.params)))


def serialize_inner_list(inner: InnerList) -> str:
    """Serialise an inner list with its parameters (as the one member of a List)."""
    items: list[ItemType] = [
        (_to_sf(item.value), _params_to_sf(item.params)) for item in inner.items
    ]
    return _serialize([(items, _params_to_sf(inner.params))])


def is_key(text: str) -> bool:
    """Whether ``text`` is a valid dictionary key or parameter name."""
    try:
        _serialize({text: True})
    except StructuredFieldError:
        return False
    return True
