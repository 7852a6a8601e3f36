"""Is this object what its origin published? Proofs first, the origin's copy otherwise.

A relayed (Announced) or backfilled object is believed when its embedded
FEP-8b32 proof verifies against a key of the actor it is attributed to.
Without a proof, the origin's own copy is fetched through the guarded fetcher
and used instead. Key lookup and fetching are injected callables (the node
passes its key directory's ``resolve`` and its fetcher's ``fetch_object``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from federation.errors import FederationError, SignatureError
from federation.fetch import FetchResult
from federation.hosts import peer_host
from federation.httpsig import KeyResolver
from federation.proofs.eddsa_rdfc import CRYPTOSUITE as RDFC_CRYPTOSUITE
from federation.proofs.eddsa_rdfc import verify_rdfc_proof
from federation.proofs.integrity import KeyResolver as ProofKeyResolver
from federation.proofs.integrity import VerifiedProof, verify_proof
from federation.refetch import refetch_once
from schemas.wire.base import strict_id_of

ObjectFetcher = Callable[[str], Awaitable[FetchResult]]
"""Fetches an object whose ``id`` must equal the final URL (``RemoteFetcher.fetch_object``)."""

# Failures that a rotated key could cure: worth one lookup that bypasses caches.
_KEY_DEPENDENT = frozenset({"proof-invalid", "key-unavailable"})


class Dropped(Exception):
    """The object is refused; ``reason`` is logged as the outcome."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ObjectVerifier:
    def __init__(self, resolve_key: KeyResolver, fetch_object: ObjectFetcher) -> None:
        self._resolve_key = resolve_key
        self._fetch_object = fetch_object

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

        async def attempt(refresh: bool) -> VerifiedProof:
            return await verify(document, self._resolver(refresh))

        try:
            verified = await refetch_once(attempt, _KEY_DEPENDENT)
        except SignatureError as error:
            raise Dropped(error.reason) from error
        if verified.controller != origin:
            raise Dropped("proof-key-not-origin")

    def _resolver(self, refresh: bool) -> ProofKeyResolver:
        async def resolve(method: str) -> tuple[str, Ed25519PublicKey] | None:
            try:
                record = await self._resolve_key(method, refresh)
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
            fetched = await self._fetch_object(object_id)
        except FederationError as error:
            raise Dropped(error.reason) from error
        return fetched.document
