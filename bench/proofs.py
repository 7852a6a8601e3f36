"""How long an object integrity proof costs, per object, on our own Proposal shape.

Run: ``python -m bench.proofs [--count N]``. Prints a table and writes
``bench/results/proofs.json``. The floor is the work no implementation can
skip: one JCS canonicalisation of the document plus one Ed25519 verification.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import time
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bench.machine import describe
from bench.report import print_table, write
from federation.proofs import canonicalize, create_proof, verify_proof

ACTOR = "https://aid.example/actor"
METHOD = f"{ACTOR}#ed25519-key"


def proposal(n: int) -> dict[str, Any]:
    """A Proposal as node/ap/proposal.py publishes it (fixed content, distinct ids)."""
    from schemas.context import PUBLISHED_CONTEXT

    object_id = f"https://aid.example/offers/{n}"
    return {
        "@context": PUBLISHED_CONTEXT,
        "id": object_id,
        "type": "Proposal",
        "purpose": "offer",
        "attributedTo": ACTOR,
        "name": "Rice, 20 kg",
        "summary": "Brown rice in 1 kg bags",
        "content": "<p>Brown rice in 1 kg bags</p><p>#food</p>",
        "published": "2026-03-01T12:00:00Z",
        "hasBeginning": "2026-03-01T12:00:00Z",
        "hasEnd": "2026-03-15T12:00:00Z",
        "endTime": "2026-03-15T12:00:00Z",
        "unitBased": False,
        "urgency": "within-3-5-days",
        "itemStatus": "open",
        "location": {
            "type": "Place",
            "latitude": 40.71934,
            "longitude": -74.00226,
            "radius": 3.536,
            "units": "km",
        },
        "publishes": {
            "id": f"{object_id}#primary",
            "type": "Intent",
            "action": "transfer",
            "provider": ACTOR,
            "finished": False,
            "resourceClassifiedAs": ["https://w3id.org/solidarity-node/taxonomy#food"],
            "resourceQuantity": {"hasUnit": "kilogram", "hasNumericalValue": 20},
            "availableQuantity": {"hasUnit": "kilogram", "hasNumericalValue": 20},
        },
        "tag": [{"type": "Hashtag", "name": "#food"}],
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{ACTOR}/followers"],
    }


def per_object(seconds: float, count: int) -> float:
    return seconds / count * 1e6


async def run(count: int) -> dict[str, Any]:
    key = Ed25519PrivateKey.generate()
    public: Ed25519PublicKey = key.public_key()
    created = datetime(2026, 3, 1, 12, 0, 1, tzinfo=UTC)
    documents = [proposal(n) for n in range(count)]

    start = time.perf_counter()
    signed = [create_proof(doc, key, METHOD, created) for doc in documents]
    sign_time = time.perf_counter() - start

    async def resolve(method: str) -> tuple[str, Ed25519PublicKey]:
        return ACTOR, public

    start = time.perf_counter()
    for doc in signed:
        await verify_proof(doc, resolve)
    verify_time = time.perf_counter() - start

    signature = key.sign(b"x" * 64)
    start = time.perf_counter()
    for doc in documents:
        digest = hashlib.sha256(canonicalize(doc)).digest()
        public.verify(signature, b"x" * 64) if digest else None
    floor_time = time.perf_counter() - start

    return {
        "machine": describe(),
        "objects": count,
        "create_us_per_object": round(per_object(sign_time, count), 1),
        "verify_us_per_object": round(per_object(verify_time, count), 1),
        "floor_us_per_object": round(per_object(floor_time, count), 1),
        "verify_to_floor": round(verify_time / floor_time, 2),
        "verified_per_second": round(count / verify_time),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    result = asyncio.run(run(parser.parse_args().count))
    print_table(result)
    write("proofs", result)


if __name__ == "__main__":
    main()
