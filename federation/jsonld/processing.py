"""JSON-LD expansion, compaction and RDFC-1.0 canonicalisation, offline.

Every call uses the bundled-only loader and a context cache of its own (pyld's
global cache could hold contexts some other loader fetched). A context URL we
do not bundle raises ``UnknownContextError``; call ``strip_unknown_contexts``
first to process such a document the way takahē does. pyld is synchronous and
canonicalisation can be made very slow on purpose: run ``normalize`` on
untrusted input only through ``federation.jsonld.worker``.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError

from federation.jsonld.loader import UnknownContextError, load_document

NQUADS = "application/n-quads"
RDFC_ALGORITHM = "URDNA2015"
"""pyld's name for RDFC-1.0 (RDFC-1.0 is URDNA2015 renamed, with the same output)."""

_CACHE_SIZE = 64


class _ContextCache:
    """The small LRU mapping pyld's ContextResolver shares between operations."""

    def __init__(self, maxsize: int) -> None:
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._maxsize = maxsize

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self._items:
            return default
        self._items.move_to_end(key)
        return self._items[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._maxsize:
            self._items.popitem(last=False)


_contexts = _ContextCache(_CACHE_SIZE)


def _options(base: str | None) -> dict[str, Any]:
    options: dict[str, Any] = {
        "documentLoader": load_document,
        "contextResolver": ContextResolver(_contexts, load_document),
    }
    if base is not None:
        options["base"] = base
    return options


def _unknown_context(error: BaseException) -> UnknownContextError | None:
    """The UnknownContextError behind a pyld error, which pyld wraps once or twice."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, UnknownContextError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__
    return None


def _reraise(error: JsonLdError) -> None:
    unknown = _unknown_context(error)
    if unknown is not None and unknown is not error:
        raise unknown from None


def expand(document: Any, *, base: str | None = None) -> list[Any]:
    """JSON-LD expansion of a parsed document (never a URL: documents are not fetched)."""
    if isinstance(document, str):
        raise TypeError("expand() takes a parsed document, not a URL")
    try:
        result: list[Any] = jsonld.expand(document, _options(base))
    except JsonLdError as error:
        _reraise(error)
        raise
    return result


def compact(document: Any, context: Any, *, base: str | None = None) -> dict[str, Any]:
    """JSON-LD compaction of a parsed document against ``context`` (URLs must be bundled)."""
    if isinstance(document, str):
        raise TypeError("compact() takes a parsed document, not a URL")
    try:
        result: dict[str, Any] = jsonld.compact(document, context, _options(base))
    except JsonLdError as error:
        _reraise(error)
        raise
    return result


def normalize(document: Any, *, base: str | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of a parsed document. Unbounded time: see module doc."""
    if isinstance(document, str):
        raise TypeError("normalize() takes a parsed document, not a URL")
    options = _options(base)
    options.update(algorithm=RDFC_ALGORITHM, format=NQUADS)
    try:
        result: str = jsonld.normalize(document, options)
    except JsonLdError as error:
        _reraise(error)
        raise
    return result
