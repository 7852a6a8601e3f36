"""The key directory's in-memory caches: lifetimes driven by the injected clock, and bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from federation.errors import FederationError, SignatureError
from federation.fetch.fetcher import FetchResult
from federation.keydirectory import KeyDirectory
from federation.keys import public_pem
from federation.ports import StoredKey

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ACTOR = "https://peer.example/actor"
PEM = public_pem(ed25519.Ed25519PrivateKey.generate().public_key())


class Clock:
    def __init__(self) -> None:
        self.moment = START

    def __call__(self) -> datetime:
        return self.moment


class Store:
    """The database cache: counts reads, holds what was put."""

    def __init__(self) -> None:
        self.keys: dict[str, StoredKey] = {}
        self.reads = 0

    async def get_key(self, key_id: str) -> StoredKey | None:
        self.reads += 1
        return self.keys.get(key_id)

    async def put_key(self, key: StoredKey, fetched_at: datetime) -> None:
        self.keys[key.key_id] = key


class Fetcher:
    """Serves an actor document publishing every key id under ACTOR; others fail."""

    def __init__(self) -> None:
        self.fetches: list[str] = []

    async def fetch_key(self, key_id: str) -> FetchResult:
        self.fetches.append(key_id)
        if not key_id.startswith(ACTOR + "#"):
            raise FederationError("gone", reason="fetch-failed", status=502)
        key = {"id": key_id, "owner": ACTOR, "publicKeyPem": PEM}
        document: dict[str, Any] = {"id": ACTOR, "publicKey": key}
        return FetchResult(ACTOR, document, 200)


def directory(clock: Clock, **bounds: Any) -> tuple[KeyDirectory, Store, Fetcher]:
    store, fetcher = Store(), Fetcher()
    return KeyDirectory(store, fetcher, clock, **bounds), store, fetcher  # type: ignore[arg-type]


async def test_a_parsed_key_is_kept_for_its_lifetime_by_the_clock() -> None:
    clock = Clock()
    keys, store, fetcher = directory(clock, positive_ttl=timedelta(minutes=10))
    first = await keys.resolve(f"{ACTOR}#k", refresh=False)
    reads = store.reads
    clock.moment = START + timedelta(minutes=10) - timedelta(seconds=1)
    assert await keys.resolve(f"{ACTOR}#k", refresh=False) is first
    assert store.reads == reads, "answered from memory"
    clock.moment = START + timedelta(minutes=10)
    assert await keys.resolve(f"{ACTOR}#k", refresh=False) == first
    assert store.reads == reads + 1, "expired: read from the database again"
    assert fetcher.fetches == [f"{ACTOR}#k"]


async def test_the_least_recently_used_key_leaves_first() -> None:
    keys, store, _ = directory(Clock(), positive_size=2)
    for name in ("a", "b"):
        await keys.resolve(f"{ACTOR}#{name}", refresh=False)
    await keys.resolve(f"{ACTOR}#a", refresh=False)  # a is now the more recently used
    await keys.resolve(f"{ACTOR}#c", refresh=False)  # evicts b
    reads = store.reads
    await keys.resolve(f"{ACTOR}#a", refresh=False)
    assert store.reads == reads
    await keys.resolve(f"{ACTOR}#b", refresh=False)
    assert store.reads == reads + 1


async def test_a_failed_key_is_refused_without_fetching_until_the_clock_passes() -> None:
    clock = Clock()
    keys, _, fetcher = directory(clock, negative_ttl=timedelta(minutes=5))
    missing = "https://gone.example/actor#k"
    for _ in range(3):
        with pytest.raises(SignatureError) as caught:
            await keys.resolve(missing, refresh=False)
        assert caught.value.reason == "key-unavailable"
    assert fetcher.fetches == [missing]
    clock.moment = START + timedelta(minutes=5)
    with pytest.raises(SignatureError):
        await keys.resolve(missing, refresh=False)
    assert fetcher.fetches == [missing, missing]


async def test_the_negative_cache_keeps_its_bound() -> None:
    keys, _, fetcher = directory(Clock(), negative_size=3)
    for n in range(5):
        with pytest.raises(SignatureError):
            await keys.resolve(f"https://gone.example/{n}#k", refresh=False)
    assert len(keys._missing) == 3
    with pytest.raises(SignatureError):
        await keys.resolve("https://gone.example/0#k", refresh=False)  # was evicted
    assert len(fetcher.fetches) == 6
