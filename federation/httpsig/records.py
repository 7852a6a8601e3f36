"""The data that flows between parsing, key lookup and verification."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

Scheme = Literal["draft-cavage", "rfc9421"]


@dataclass(frozen=True)
class PublicKeyRecord:
    """A public key as the key store knows it."""

    key_id: str
    owner: str
    """The actor id that the key document names as owner (or controller)."""
    public_key: PublicKeyTypes
    algorithm: str | None = None
    """An RFC 9421 algorithm bound to this key, when known (section 3.2)."""


KeyResolver = Callable[[str, bool], Awaitable[PublicKeyRecord]]
"""``resolve_key(key_id, refresh)``: look a key up, bypassing caches when ``refresh``.

Raise ``SignatureError(reason="key-unavailable")`` (or any ``FederationError``)
when the key cannot be had.
"""


@dataclass(frozen=True)
class VerifiedSignature:
    """What a valid signature proves; the caller checks ``owner`` against the actor."""

    key_id: str
    owner: str
    scheme: Scheme
    algorithm: str
    created: datetime | None
    """The signed creation time (``created``, else a covered ``Date``), if any."""


@dataclass(frozen=True)
class Candidate:
    """A signature that passed every key-independent check, ready for its key."""

    scheme: Scheme
    key_id: str
    algorithm: str | None
    """As declared by the sender; None when RFC 9421 ``alg`` is absent."""
    message: bytes
    """The signing string (cavage) or signature base (RFC 9421)."""
    signature: bytes
    created: datetime | None
