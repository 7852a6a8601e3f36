"""RFC 8785 JSON Canonicalization Scheme, through Trail of Bits' ``rfc8785`` package.

It sorts keys by UTF-16 code units and writes numbers the way ECMAScript's
``Number.prototype.toString`` does; it refuses what I-JSON forbids (NaN,
infinities, integers beyond 2**53, lone surrogates).
"""

from __future__ import annotations

from typing import Any

import rfc8785


class CanonicalizationError(ValueError):
    """The value cannot be canonicalized (not I-JSON, or nested too deeply)."""


def canonicalize(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value (dicts, lists, str, int, float, bool, None)."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise CanonicalizationError(str(exc)) from exc
    except RecursionError as exc:
        raise CanonicalizationError("JSON value nested too deeply") from exc
