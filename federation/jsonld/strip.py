"""Drop context URLs we do not bundle, so their terms are simply undefined (as takahē does).

Run this before any pyld processing of a peer's document: the loader refuses
unknown URLs, and a peer must never make us fetch one. The walk covers every
``@context`` in the document (embedded nodes too) and, inside context
definitions, scoped contexts and ``@import``. It returns a new document and
leaves the input untouched.
"""

from __future__ import annotations

from typing import Any

from federation.jsonld.loader import is_bundled

_DROP = object()


def strip_unknown_contexts(document: Any) -> tuple[Any, list[str]]:
    """``(copy of document without unknown context URLs, those URLs in first-seen order)``."""
    unknown: list[str] = []
    return _document(document, unknown), unknown


def _note(url: str, unknown: list[str]) -> None:
    if url not in unknown:
        unknown.append(url)


def _document(value: Any, unknown: list[str]) -> Any:
    """Copy a document value, cleaning every ``@context`` member on the way."""
    if isinstance(value, list):
        return [_document(item, unknown) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        if key == "@context":
            cleaned = _context(item, unknown)
            if cleaned is not _DROP:
                result[key] = cleaned
        else:
            result[key] = _document(item, unknown)
    return result


def _context(value: Any, unknown: list[str]) -> Any:
    """Clean an ``@context`` value: a URL, null, a definition object or a list of those."""
    if isinstance(value, str):
        if is_bundled(value):
            return value
        _note(value, unknown)
        return _DROP
    if isinstance(value, dict):
        return _definitions(value, unknown)
    if isinstance(value, list):
        kept = [
            entry for entry in (_context(item, unknown) for item in value) if entry is not _DROP
        ]
        return kept if kept else _DROP
    return value


def _definitions(context: dict[str, Any], unknown: list[str]) -> dict[str, Any]:
    """Clean a context definition object: its ``@import`` and its terms' scoped contexts."""
    result: dict[str, Any] = {}
    for key, item in context.items():
        if key == "@import":
            if isinstance(item, str) and not is_bundled(item):
                _note(item, unknown)
                continue
            result[key] = item
        elif isinstance(item, dict) and not key.startswith("@"):
            result[key] = _term(item, unknown)
        else:
            result[key] = item
    return result


def _term(definition: dict[str, Any], unknown: list[str]) -> dict[str, Any]:
    """Clean an expanded term definition's scoped ``@context``."""
    result = dict(definition)
    if "@context" in definition:
        cleaned = _context(definition["@context"], unknown)
        if cleaned is _DROP:
            del result["@context"]
        else:
            result["@context"] = cleaned
    return result
