"""Benchmark peers and what they send: keys, actor documents, signed Create{Proposal}.

A peer is an actor at ``http://127.0.0.1:PORT/actor`` with the same two keys a
node has (RSA for HTTP signatures, Ed25519 for object proofs). Requests are
signed ahead of time into raw HTTP/1.1 bytes, so the load generator only writes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from federation.documents.actor import ActorKeys, LocalActor, actor_document
from federation.httpsig import sign_cavage
from federation.keys import public_pem
from federation.proofs import create_proof
from schemas.context import PUBLISHED_CONTEXT

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CATEGORIES = (
    "food",
    "water",
    "hygiene",
    "shelter",
    "household",
    "medical",
    "transport",
    "energy-comms",
    "care",
    "skills",
    "time",
    "other",
)
UNITS = {"food": "kilogram", "water": "litre", "care": "hour", "skills": "hour", "time": "hour"}


@dataclass(frozen=True)
class Peer:
    port: int
    rsa_pem: bytes
    ed25519_pem: bytes

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def actor(self) -> LocalActor:
        return LocalActor(self.base, f"peer{self.port}", f"Peer {self.port}", "benchmark peer")

    def keys(self) -> tuple[rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey]:
        rsa_key = serialization.load_pem_private_key(self.rsa_pem, None)
        ed_key = serialization.load_pem_private_key(self.ed25519_pem, None)
        assert isinstance(rsa_key, rsa.RSAPrivateKey)
        assert isinstance(ed_key, ed25519.Ed25519PrivateKey)
        return rsa_key, ed_key

    def document(self) -> dict[str, Any]:
        rsa_key, ed_key = self.keys()
        keys = ActorKeys(public_pem(rsa_key.public_key()), "ed25519-key", ed_key.public_key())
        return actor_document(self.actor, keys)


def _pem(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def make_peer(port: int) -> Peer:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Peer(port, _pem(rsa_key), _pem(ed25519.Ed25519PrivateKey.generate()))


def proposal(peer: Peer, n: int, rng: random.Random, now: datetime) -> dict[str, Any]:
    """An open offer as our own nodes publish it (node/ap/proposal.py), seeded."""
    actor = peer.actor.id
    object_id = f"{peer.base}/offers/bench-{n}"
    category = rng.choice(CATEGORIES)
    unit = UNITS.get(category, "one")
    amount = rng.randint(1, 40)
    begins = now - timedelta(hours=rng.randint(0, 48))
    ends = now + timedelta(days=rng.randint(3, 30))
    lat, lon = 45.0 + rng.uniform(-1.3, 1.3), 7.5 + rng.uniform(-1.9, 1.9)
    stamp = begins.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": PUBLISHED_CONTEXT,
        "id": object_id,
        "type": "Proposal",
        "purpose": "offer",
        "attributedTo": actor,
        "name": f"{category.title()} #{n}",
        "summary": f"Benchmark {category} offer number {n}",
        "content": f"<p>Benchmark {category} offer number {n}</p><p>#{category}</p>",
        "published": stamp,
        "hasBeginning": stamp,
        "hasEnd": ends.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "endTime": ends.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "unitBased": False,
        "urgency": rng.choice(("within-1-2-days", "within-3-5-days", "within-a-week", "anytime")),
        "itemStatus": "open",
        "locationPrecision": "grid-5km",
        "location": {
            "type": "Place",
            "latitude": round(lat, 5),
            "longitude": round(lon, 5),
            "radius": 3.536,
            "units": "km",
        },
        "publishes": {
            "id": f"{object_id}#primary",
            "type": "Intent",
            "action": "transfer",
            "provider": actor,
            "finished": False,
            "resourceClassifiedAs": [f"https://w3id.org/solidarity-node/taxonomy#{category}"],
            "resourceQuantity": {"hasUnit": unit, "hasNumericalValue": amount},
            "availableQuantity": {"hasUnit": unit, "hasNumericalValue": amount},
        },
        "tag": [{"type": "Hashtag", "name": f"#{category}"}],
        "to": [PUBLIC],
        "cc": [f"{actor}/followers"],
    }


def create_activity(
    peer: Peer, n: int, rng: random.Random, now: datetime, ed_key: ed25519.Ed25519PrivateKey
) -> dict[str, Any]:
    """A Create of a proof-carrying Proposal, as a peer node sends it."""
    actor = peer.actor
    obj = create_proof(proposal(peer, n, rng, now), ed_key, actor.key_id("ed25519-key"), now)
    return {
        "@context": PUBLISHED_CONTEXT,
        "id": f"{peer.base}/activities/create-{n}",
        "type": "Create",
        "actor": actor.id,
        "published": obj["published"],
        "object": obj,
        "to": [PUBLIC],
        "cc": [actor.followers],
    }


def raw_post(
    peer: Peer,
    target: str,
    path: str,
    document: dict[str, Any],
    now: datetime,
    rsa_key: rsa.RSAPrivateKey,
) -> bytes:
    """One signed ``POST path`` to ``target`` (host:port) as HTTP/1.1 bytes (draft-cavage)."""
    body = json.dumps(document).encode()
    headers = {"Content-Type": "application/activity+json"}
    signed = sign_cavage(
        "POST", f"http://{target}{path}", headers, body, peer.actor.main_key_id, rsa_key, now
    )
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {signed['Host']}",
        "Content-Type: application/activity+json",
        f"Date: {signed['Date']}",
        f"Digest: {signed['Digest']}",
        f"Signature: {signed['Signature']}",
        f"Content-Length: {len(body)}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode() + body


def signed_creates(job: tuple[Peer, str, list[int], int]) -> list[bytes]:
    """Pre-signed Create requests of one peer (a picklable job for a process pool)."""
    peer, target, numbers, seed = job
    now = datetime.now(UTC)
    rng = random.Random(seed)  # noqa: S311 (seeded benchmark data, not secrets)
    rsa_key, ed_key = peer.keys()  # loading a PEM costs more than signing: once per peer
    return [
        raw_post(peer, target, "/inbox", create_activity(peer, n, rng, now, ed_key), now, rsa_key)
        for n in numbers
    ]
