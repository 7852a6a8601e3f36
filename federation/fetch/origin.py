"""Origin rules for fetched documents (design brief, section 4).

An object's ``id`` must equal the final URL after redirects, so a peer cannot
serve a spoofed object from an upload or redirect it from elsewhere. A key's
document (its id without the fragment) must be same-origin with the final URL.
"""

from __future__ import annotations

from collections.abc import Mapping

from yarl import URL

from federation.errors import FetchError

Origin = tuple[str, str, int]


def url_origin(url: URL) -> Origin:
    """Scheme, normalised host and effective port of an absolute http(s) URL."""
    origin = _origin_or_none(url)
    if origin is None:
        raise FetchError(f"not an absolute http(s) URL: {url}", reason="url-invalid")
    return origin


def _origin_or_none(url: URL) -> Origin | None:
    host = (url.raw_host or "").lower().rstrip(".")
    if url.scheme not in ("http", "https") or not host or url.port is None:
        return None
    return url.scheme, host, url.port


def same_url(left: URL, right: URL) -> bool:
    """Compare two URLs exactly, up to host case, trailing dot and default port."""
    return url_origin(left) == url_origin(right) and (
        left.raw_path or "/",
        left.raw_query_string,
        left.raw_fragment,
    ) == (right.raw_path or "/", right.raw_query_string, right.raw_fragment)


def check_object_origin(document: Mapping[str, object], final_url: str) -> None:
    """Refuse an object whose ``id`` is not the URL it was finally served from."""
    object_id = _document_id(document, final_url)
    if not same_url(object_id, URL(final_url)):
        raise FetchError(
            f"object id {object_id} does not match the URL it was served from, {final_url}",
            reason="origin-mismatch",
        )


def check_key_origin(key_id: str, document: Mapping[str, object], final_url: str) -> None:
    """Refuse a key document not served by (and not naming) the key id's origin."""
    try:
        key_origin = url_origin(URL(key_id))
    except ValueError as exc:
        raise FetchError(f"unparseable key id {key_id!r}", reason="url-invalid") from exc
    served_from = url_origin(URL(final_url))
    if key_origin != served_from:
        raise FetchError(
            f"key {key_id} was served from another origin, {final_url}",
            reason="origin-mismatch",
        )
    document_id = _document_id(document, final_url)
    if url_origin(document_id) != served_from:
        raise FetchError(
            f"key document {document_id} names another origin than {final_url}",
            reason="origin-mismatch",
        )


def _document_id(document: Mapping[str, object], final_url: str) -> URL:
    value = document.get("id")
    if not isinstance(value, str) or not value:
        raise FetchError(f"document from {final_url} has no id", reason="origin-mismatch")
    try:
        parsed = URL(value)
    except ValueError as exc:
        raise FetchError(f"document id {value!r} is not a URL", reason="origin-mismatch") from exc
    if _origin_or_none(parsed) is None:
        raise FetchError(f"document id {value!r} is not an http(s) URL", reason="origin-mismatch")
    return parsed
