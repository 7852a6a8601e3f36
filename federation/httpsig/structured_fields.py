"""The subset of RFC 8941 Structured Field Values that HTTP signatures need: types.

Items and inner lists with parameters, and their canonical serialisation
(RFC 8941 section 4.1) so a signature base can be rebuilt. The parser is in
``structured_fields_parser``.
"""

from __future__ import annotations

import base64
import string
from dataclasses import dataclass
from decimal import Decimal

DIGITS = frozenset(string.digits)
ALPHA = frozenset(string.ascii_letters)
LCALPHA = frozenset(string.ascii_lowercase)
KEY_CHARS = LCALPHA | DIGITS | frozenset("_-.*")
TCHAR = ALPHA | DIGITS | frozenset("!#$%&'*+-.^_`|~")
TOKEN_CHARS = TCHAR | frozenset(":/")


class StructuredFieldError(ValueError):
    """The text is not a valid structured field of the expected shape."""


@dataclass(frozen=True)
class Token:
    """An RFC 8941 token (distinct from a string)."""

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


def serialize_bare_item(value: BareItem) -> str:
    """Serialise one bare item canonically."""
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        if abs(value) > 999_999_999_999_999:
            raise StructuredFieldError("integer out of range")
        return str(value)
    if isinstance(value, Decimal):
        return _serialize_decimal(value)
    if isinstance(value, Token):
        if not is_token(value.value):
            raise StructuredFieldError(f"invalid token {value.value!r}")
        return value.value
    if isinstance(value, bytes):
        return ":" + base64.b64encode(value).decode("ascii") + ":"
    if any(not 0x20 <= ord(char) <= 0x7E for char in value):
        raise StructuredFieldError("string contains a character outside printable ASCII")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def serialize_params(params: Params) -> str:
    """Serialise parameters in their order."""
    parts = []
    for key, value in params:
        if not is_key(key):
            raise StructuredFieldError(f"invalid parameter name {key!r}")
        parts.append(";" + key if value is True else f";{key}={serialize_bare_item(value)}")
    return "".join(parts)


def serialize_item(item: Item) -> str:
    """Serialise an item with its parameters."""
    return serialize_bare_item(item.value) + serialize_params(item.params)


def serialize_inner_list(inner: InnerList) -> str:
    """Serialise an inner list with its parameters."""
    body = " ".join(serialize_item(item) for item in inner.items)
    return f"({body}){serialize_params(inner.params)}"


def _serialize_decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise StructuredFieldError("decimal is not finite")
    rounded = value.quantize(Decimal("0.001"))
    sign = "-" if rounded < 0 else ""
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    if len(integer) > 12:
        raise StructuredFieldError("decimal out of range")
    return f"{sign}{integer}.{fraction.rstrip('0') or '0'}"


def is_key(text: str) -> bool:
    """Whether ``text`` is a valid dictionary key or parameter name."""
    return bool(text) and (text[0] in LCALPHA or text[0] == "*") and set(text) <= KEY_CHARS


def is_token(text: str) -> bool:
    """Whether ``text`` is a valid token."""
    return bool(text) and (text[0] in ALPHA or text[0] == "*") and set(text) <= TOKEN_CHARS
