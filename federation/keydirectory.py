"""Resolving a signature's key id to a public key and its owner.

A small in-memory cache of parsed keys first (a busy inbox verifies the same
few keys thousands of times a minute), then the database cache; then one signed
fetch through the guarded fetcher, with a negative cache for keys that fail to
resolve. A refresh bypasses both caches and replaces what they hold. A key published in its
own document must be claimed by its owner's actor document too (an attacker's
key document cannot name someone else as owner).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from federation.errors import FederationError, SignatureError
from federation.fetch import RemoteFetcher
from federation.httpsig import PublicKeyRecord
from federation.keys import public_pem
from federation.ports import KeyStore, StoredKey
from federation.proofs import parse_multikey_document
from schemas.wire.base import strict_id_of

ActorSeen = Callable[[dict[str, Any]], Awaitable[None]]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def find_key(document: dict[str, Any], key_id: str) -> StoredKey | None:
    """The key ``key_id`` as ``document`` (an actor or a key document) publishes it."""
    if document.get("id") == key_id and "publicKeyPem" in document:
        candidates: list[Any] = [document]
    else:
        candidates = _as_list(document.get("publicKey"))
    for key in candidates:
        if isinstance(key, dict) and key.get("id") == key_id:
            pem, owner = key.get("publicKeyPem"), strict_id_of(key.get("owner"))
            if isinstance(pem, str) and owner:
                return StoredKey(key_id, owner, pem)
    for method in _as_list(document.get("assertionMethod")):
        if isinstance(method, dict) and method.get("id") == key_id:
            _, controller, public = parse_multikey_document(method)
            return StoredKey(key_id, controller, public_pem(public))
    return None


def record(key: StoredKey) -> PublicKeyRecord:
    try:
        public = serialization.load_pem_public_key(key.public_pem.encode())
    except ValueError as error:
        raise SignatureError("the key is not a valid PEM", reason="key-unavailable") from error
    if not isinstance(public, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise SignatureError("only RSA and Ed25519 keys are accepted", reason="key-unavailable")
    return PublicKeyRecord(key_id=key.key_id, owner=key.owner, public_key=public)


class KeyDirectory:
    def __init__(
        self,
        store: KeyStore,
        fetcher: RemoteFetcher,
        now: Callable[[], datetime],
        *,
        on_actor: ActorSeen | None = None,
        negative_ttl: timedelta = timedelta(minutes=5),
        negative_size: int = 10_000,
        positive_ttl: timedelta = timedelta(minutes=10),
        positive_size: int = 10_000,
    ) -> None:
        self._store = store
        self._fetcher = fetcher
        self._now = now
        self._on_actor = on_actor
        self._negative_ttl = negative_ttl
        self._negative_size = negative_size
        self._missing: OrderedDict[str, datetime] = OrderedDict()
        self._positive_ttl = positive_ttl
        self._positive_size = positive_size
        self._known: OrderedDict[str, tuple[PublicKeyRecord, datetime]] = OrderedDict()

    async def resolve(self, key_id: str, refresh: bool) -> PublicKeyRecord:
        if not refresh:
            known = self._known.get(key_id)
            if known is not None and known[1] > self._now():
                self._known.move_to_end(key_id)
                return known[0]
            cached = await self._store.get_key(key_id)
            if cached is not None:
                return self._remember(record(cached))
        until = self._missing.get(key_id)
        if until is not None and until > self._now():
            raise SignatureError(
                f"key {key_id} recently failed to resolve", reason="key-unavailable"
            )
        try:
            key = await self._fetch(key_id)
        except FederationError as error:
            self._remember_missing(key_id)
            raise SignatureError(
                f"key {key_id} could not be resolved: {error.detail}", reason="key-unavailable"
            ) from error
        self._missing.pop(key_id, None)
        await self._store.put_key(key, self._now())
        return self._remember(record(key))

    def _remember(self, found: PublicKeyRecord) -> PublicKeyRecord:
        self._known[found.key_id] = (found, self._now() + self._positive_ttl)
        self._known.move_to_end(found.key_id)
        while len(self._known) > self._positive_size:
            self._known.popitem(last=False)
        return found

    async def _fetch(self, key_id: str) -> StoredKey:
        result = await self._fetcher.fetch_key(key_id)
        key = find_key(result.document, key_id)
        if key is None:
            raise SignatureError("the document does not publish that key", reason="key-unavailable")
        if result.document.get("id") == key.owner:
            if self._on_actor is not None:
                await self._on_actor(result.document)
            return key
        # A standalone key document: its owner's actor must list the key as well.
        owner = await self._fetcher.fetch_object(key.owner)
        claimed = find_key(owner.document, key_id)
        if claimed is None or claimed.owner != key.owner or claimed.public_pem != key.public_pem:
            raise SignatureError("the owner does not claim this key", reason="key-unavailable")
        if self._on_actor is not None:
            await self._on_actor(owner.document)
        return key

    def _remember_missing(self, key_id: str) -> None:
        self._missing[key_id] = self._now() + self._negative_ttl
        self._missing.move_to_end(key_id)
        while len(self._missing) > self._negative_size:
            self._missing.popitem(last=False)
