"""Signing our outbound requests: draft-cavage by default, RFC 9421 where it works.

Sign at send time, never at enqueue: each call stamps the current Date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from federation import uris
from federation.httpsig import Scheme, sign_cavage, sign_rfc9421
from federation.keys import KeyRing

DEFAULT_SCHEME: Scheme = "draft-cavage"
OTHER_SCHEME: dict[Scheme, Scheme] = {"draft-cavage": "rfc9421", "rfc9421": "draft-cavage"}


@dataclass(frozen=True)
class RequestSigner:
    """Signs with the ring's current keys at send time (so rotations apply at once)."""

    keys: KeyRing
    rsa_key_id: str
    actor_id: str
    now: Callable[[], datetime]

    def sign(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        scheme: Scheme = DEFAULT_SCHEME,
    ) -> dict[str, str]:
        """The headers to add: Date/Digest/Signature, or Content-Digest/Signature(-Input)."""
        pairs = list(headers.items())
        keys = self.keys.current()
        if scheme == "rfc9421":
            key_id = uris.key_id(self.actor_id, self.keys.ed25519_fragment)
            return sign_rfc9421(method, url, pairs, body or b"", key_id, keys.ed25519, self.now())
        return sign_cavage(method, url, pairs, body or b"", self.rsa_key_id, keys.rsa, self.now())

    def fetch_signer(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> dict[str, str]:
        """The ``Signer`` shape the remote fetcher takes: signed GETs with cavage."""
        return self.sign(method, url, headers, body)
