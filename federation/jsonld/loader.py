"""A pyld document loader that serves only the bundled contexts and never touches the network.

URLs are matched after light normalisation (scheme and host case, ``http`` for
``https``, a trailing slash, a ``#fragment``), plus the aliases the manifest
lists. Anything else raises ``UnknownContextError``, a pyld ``JsonLdError``
with code ``loading document failed``, naming the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pyld.jsonld import JsonLdError

from schemas.contexts import (
    SOLIDARITY_CONTEXT_URL,
    bundled_contexts,
    load_context,
    solidarity_context,
)

CONTENT_TYPE = "application/ld+json"


class UnknownContextError(JsonLdError):  # type: ignore[misc]  # pyld is untyped
    """A document loader request for a URL we do not bundle."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"JSON-LD document {url!r} is not bundled with this node, and contexts are "
            "never fetched from the network; strip it with strip_unknown_contexts() first",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
        self.url = url


def normalize_url(url: str) -> str:
    """The lookup key of a context URL: https, lower-case host, no fragment or trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    return urlunsplit((scheme, parts.netloc.lower(), parts.path.rstrip("/"), parts.query, ""))


def _index() -> dict[str, tuple[str, Callable[[], dict[str, Any]]]]:
    """Normalised URL -> (canonical URL, factory of a fresh copy of the document)."""
    index: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
        normalize_url(SOLIDARITY_CONTEXT_URL): (SOLIDARITY_CONTEXT_URL, solidarity_context)
    }
    for entry in bundled_contexts().values():

        def factory(filename: str = entry.file) -> dict[str, Any]:
            return load_context(filename)

        for url in (entry.url, *entry.aliases):
            index[normalize_url(url)] = (entry.url, factory)
    return index


class OfflineDocumentLoader:
    """pyld ``documentLoader``: ``loader(url, options) -> RemoteDocument``, bundled files only."""

    def __init__(self) -> None:
        self._index = _index()

    def resolve(self, url: str) -> str | None:
        """The canonical URL of a bundled context, or None if ``url`` is not bundled."""
        found = self._index.get(normalize_url(url))
        return found[0] if found else None

    def canonical_urls(self) -> frozenset[str]:
        """The canonical URL of every document this loader serves."""
        return frozenset(canonical for canonical, _ in self._index.values())

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        found = self._index.get(normalize_url(url))
        if found is None:
            raise UnknownContextError(url)
        canonical, factory = found
        return {
            "contentType": CONTENT_TYPE,
            "contextUrl": None,
            "documentUrl": canonical,
            "document": factory(),
        }


load_document = OfflineDocumentLoader()
"""The node's one document loader."""


def is_bundled(url: str) -> bool:
    """Whether ``url`` names a context the loader serves."""
    return load_document.resolve(url) is not None
