"""Offline JSON-LD: bundled contexts only, unknown ones stripped, canonicalisation under a budget.

Importing this package also makes the offline loader pyld's default, so even
a pyld call elsewhere that forgets ``documentLoader`` cannot reach the network.

Typical use on a peer's document::

    document, unknown = strip_unknown_contexts(document)   # log ``unknown``
    expanded = expand(document)
"""

from __future__ import annotations

from pyld import jsonld as _pyld

from federation.jsonld.loader import (
    OfflineDocumentLoader,
    UnknownContextError,
    is_bundled,
    load_document,
    normalize_url,
)
from federation.jsonld.processing import compact, expand, normalize
from federation.jsonld.strip import strip_unknown_contexts
from federation.jsonld.worker import (
    DEFAULT_BUDGET_SECONDS,
    CanonicalizationFailure,
    CanonicalizationTimeout,
    WorkerUnavailable,
    canonicalize_in_worker,
    canonicalize_with_budget,
)

_pyld.set_document_loader(load_document)

__all__ = [
    "DEFAULT_BUDGET_SECONDS",
    "CanonicalizationFailure",
    "CanonicalizationTimeout",
    "OfflineDocumentLoader",
    "UnknownContextError",
    "WorkerUnavailable",
    "canonicalize_in_worker",
    "canonicalize_with_budget",
    "compact",
    "expand",
    "is_bundled",
    "load_document",
    "normalize",
    "normalize_url",
    "strip_unknown_contexts",
]
