"""Body digests: ``Digest`` (RFC 3230) and ``Content-Digest`` (RFC 9530).

A field is accepted when at least one algorithm we know is present and every
algorithm we know matches the body; algorithms we don't know are ignored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from federation.httpsig.reasons import Reason, fail
from federation.httpsig.structured_fields import (
    Item,
    StructuredFieldError,
    parse_dictionary,
    serialize_bare_item,
)

_HASHES = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


def _hash(algorithm: str, body: bytes) -> bytes:
    return _HASHES[algorithm](body).digest()


def digest_header(body: bytes, algorithm: str = "sha-256") -> str:
    """The RFC 3230 ``Digest`` value for ``body``, e.g. ``SHA-256=...``."""
    raw = _hash(algorithm, body)
    return f"{algorithm.upper()}={base64.b64encode(raw).decode('ascii')}"


def content_digest_header(body: bytes, algorithm: str = "sha-256") -> str:
    """The RFC 9530 ``Content-Digest`` value for ``body``, e.g. ``sha-256=:...:``."""
    raw = _hash(algorithm, body)
    return f"{algorithm}={serialize_bare_item(raw)}"


def check_digest(value: str, body: bytes) -> None:
    """Check an RFC 3230 ``Digest`` field value against ``body``."""
    found: list[tuple[str, bytes]] = []
    for entry in value.split(","):
        name, sep, encoded = entry.strip().partition("=")
        name = name.strip().lower()
        encoded = encoded.strip()
        if not sep or not name or not encoded:
            raise fail(Reason.SIGNATURE_MALFORMED, "Digest entry is not algorithm=value")
        if name not in _HASHES:
            continue
        try:
            found.append((name, base64.b64decode(encoded, validate=True)))
        except ValueError as error:  # binascii.Error, or non-ASCII input
            raise fail(Reason.SIGNATURE_MALFORMED, "Digest value is not base64") from error
    _compare(found, body, "Digest")


def check_content_digest(value: str, body: bytes) -> None:
    """Check an RFC 9530 ``Content-Digest`` field value against ``body``."""
    try:
        members = parse_dictionary(value)
    except StructuredFieldError as error:
        raise fail(Reason.SIGNATURE_MALFORMED, f"Content-Digest: {error}") from error
    found: list[tuple[str, bytes]] = []
    for name, member in members:
        if name not in _HASHES:
            continue
        if not isinstance(member, Item) or not isinstance(member.value, bytes):
            raise fail(Reason.SIGNATURE_MALFORMED, "Content-Digest value is not a byte sequence")
        found.append((name, member.value))
    _compare(found, body, "Content-Digest")


def _compare(found: list[tuple[str, bytes]], body: bytes, field: str) -> None:
    if not found:
        raise fail(Reason.DIGEST_ALGORITHM_UNSUPPORTED, f"{field} has no sha-256 or sha-512 value")
    for name, expected in found:
        if not hmac.compare_digest(expected, _hash(name, body)):
            raise fail(Reason.DIGEST_MISMATCH, f"{field} {name} does not match the body")
