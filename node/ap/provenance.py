"""Is this object what its origin published? Proofs first, the origin's copy otherwise.

A relayed (Announced) object is believed when its embedded FEP-8b32 proof
verifies against a key of the actor it is attributed to. Without a proof, the
origin's own copy is fetched through the guarded fetcher and used instead.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from federation.errors import FederationError, SignatureError
from federation.fetch import RemoteFetcher
from federation.hosts import peer_host
from federation.keydirectory import KeyDirectory
from federation.proofs import RDFC_CRYPTOSUITE, verify_proof, verify_rdfc_proof
from schemas.wire.base import strict_id_of


class Dropped(Exception):
    """The object is refused; ``reason`` is logged as the outcome."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ObjectVerifier:
    def __init__(self, keys: KeyDirectory, fetcher: RemoteFetcher) -> None:
        self._keys = keys
        self._fetcher = fetcher

    async def check_proof(self, document: dict[str, Any]) -> None:
        """Verify the proof of ``document`` against its attributed actor's key."""
        origin = strict_id_of(document.get("attributedTo")) or strict_id_of(document.get("actor"))
        object_id = strict_id_of(document.get("id"))
        try:
            same = (
                origin is not None
                and object_id is not None
                and (peer_host(origin) == peer_host(object_id))
            )
        except ValueError:  # not URLs at all
            same = False
        if not same:
            raise Dropped("object-origin-mismatch")
        proof = document.get("proof")
        suite = proof.get("cryptosuite") if isinstance(proof, dict) else None
        # Our own shape is JCS (no JSON-LD); RDF canonicalisation only for the rdfc suite,
        # in a worker process under a time budget.
        verify = verify_rdfc_proof if suite == RDFC_CRYPTOSUITE else verify_proof
        for refresh in (False, True):
            try:
                verified = await verify(document, self._resolver(refresh))
            except SignatureError as error:
                if refresh or error.reason not in ("proof-invalid", "key-unavailable"):
                    raise Dropped(error.reason) from error
                continue  # the key may have rotated: ask its origin once more
            if verified.controller != origin:
                raise Dropped("proof-key-not-origin")
            return

    def _resolver(self, refresh: bool) -> Any:
        async def resolve(method: str) -> tuple[str, Ed25519PublicKey] | None:
            try:
                record = await self._keys.resolve(method, refresh)
            except FederationError:
                return None
            if not isinstance(record.public_key, Ed25519PublicKey):
                return None
            return record.owner, record.public_key

        return resolve

    async def relayed(self, value: Any) -> dict[str, Any]:
        """The trustworthy copy of a relayed object (embedded with a proof, or fetched)."""
        if isinstance(value, dict) and "proof" in value:
            await self.check_proof(value)
            return value
        object_id = strict_id_of(value)
        if object_id is None:
            raise Dropped("object-missing")
        try:
            fetched = await self._fetcher.fetch_object(object_id)
        except FederationError as error:
            raise Dropped(error.reason) from error
        return fetched.document
