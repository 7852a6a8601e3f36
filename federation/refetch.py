"""Refetch the key once on failure: one rule for HTTP signatures and object proofs.

A verification that fails in a way a rotated key could cure is tried once more
with a key looked up afresh, bypassing caches. The lookup itself stays an
injected callable (a ``KeyDirectory``'s ``resolve`` in the node), which owns
what is cached, what is refetched and what is remembered as missing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

from federation.errors import SignatureError

T = TypeVar("T")


async def refetch_once(attempt: Callable[[bool], Awaitable[T]], cured_by: Collection[str]) -> T:
    """``attempt(False)``; if it raises a ``SignatureError`` whose reason is in
    ``cured_by``, ``attempt(True)``, whose answer or error is final. ``attempt``'s
    argument is ``refresh``: look the key up again rather than from a cache."""
    try:
        return await attempt(False)
    except SignatureError as error:
        if error.reason not in cured_by:
            raise
    return await attempt(True)
