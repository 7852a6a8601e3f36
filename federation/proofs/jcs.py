"""RFC 8785 JSON Canonicalization Scheme, through Trail of Bits' ``rfc8785`` package.

It sorts keys by UTF-16 code units and writes numbers the way ECMAScript's
``Number.prototype.toString`` does; it refuses what I-JSON forbids (NaN,
infinities, integers beyond 2**53, lone surrogates).

A fast path for the documents we meet every time (ASCII keys, safe integers,
floats whose Python ``repr`` is ECMAScript's form) lets the C JSON encoder write
the same bytes, several times faster than the pure-Python package; anything
else goes to the package.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

_MAX_SAFE = 2**53 - 1


class _NotPlain(Exception):
    """The value needs the full canonicalizer."""


def _plain(value: Any) -> Any:
    """``value`` with integral floats as ints, or _NotPlain when its bytes could differ."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if -_MAX_SAFE <= value <= _MAX_SAFE:
            return value
        raise _NotPlain
    if kind is float:
        if value.is_integer():
            if -_MAX_SAFE <= value <= _MAX_SAFE:
                return int(value)  # ECMAScript writes 20.0 as 20 (and -0.0 as 0)
            raise _NotPlain
        if 1e-4 <= abs(value) < 1e16:  # both write the shortest digits, without exponent
            return value
        raise _NotPlain
    if kind is dict:
        plain = {}
        for key, item in value.items():
            if type(key) is not str or not key.isascii():  # UTF-16 order = code point order
                raise _NotPlain
            plain[key] = _plain(item)
        return plain
    if kind is list:
        return [_plain(item) for item in value]
    raise _NotPlain


class CanonicalizationError(ValueError):
    """The value cannot be canonicalized (not I-JSON, or nested too deeply)."""


def canonicalize(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value (dicts, lists, str, int, float, bool, None)."""
    try:
        plain = _plain(value)
        text = json.dumps(
            plain, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
        )
        return text.encode("utf-8")  # a lone surrogate cannot be encoded: the package decides
    except (_NotPlain, RecursionError, UnicodeEncodeError):
        pass
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise CanonicalizationError(str(exc)) from exc
    except RecursionError as exc:
        raise CanonicalizationError("JSON value nested too deeply") from exc
    except UnicodeEncodeError as exc:  # a lone surrogate in a key
        raise CanonicalizationError("a string is not valid Unicode") from exc
