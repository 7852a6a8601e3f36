"""The node's actor: one ActivityPub ``Group`` per node.

Both keys are published: RSA-2048 as ``publicKey`` (``#main-key``) for the
HTTP signatures the whole fleet verifies, and Ed25519 as a FEP-521a
``Multikey`` in ``assertionMethod`` (``#ed25519-key``) for object proofs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from federation.proofs import DATA_INTEGRITY_V2, MULTIKEY_CONTEXT, multikey_document
from federation.uris import Uris

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_V1 = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTOR_CONTEXT: list[Any] = [
    AS_CONTEXT,
    SECURITY_V1,
    MULTIKEY_CONTEXT,
    {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers"},
]
DOCUMENT_CONTEXT: list[Any] = [AS_CONTEXT, DATA_INTEGRITY_V2]


@dataclass(frozen=True)
class ActorKeys:
    """The public keys an actor document lists: current, plus retired Ed25519 keys."""

    rsa_public_pem: str
    ed25519_fragment: str
    ed25519_public: Ed25519PublicKey
    retired: tuple[tuple[str, Ed25519PublicKey], ...] = ()


@dataclass(frozen=True)
class LocalActor:
    """Everything the node says about itself to peers, apart from its keys."""

    public_url: str
    handle: str
    name: str
    summary: str
    manually_approves_followers: bool = False

    @cached_property
    def uris(self) -> Uris:
        return Uris(self.public_url)

    @property
    def id(self) -> str:
        return self.uris.actor

    @property
    def main_key_id(self) -> str:
        return self.uris.main_key

    def key_id(self, fragment: str) -> str:
        return self.uris.key(fragment)

    @property
    def inbox(self) -> str:
        return self.uris.inbox

    @property
    def shared_inbox(self) -> str:
        return self.uris.shared_inbox

    @property
    def outbox(self) -> str:
        return self.uris.outbox

    @property
    def followers(self) -> str:
        return self.uris.followers

    @property
    def following(self) -> str:
        return self.uris.following

    @property
    def partners(self) -> str:
        return self.uris.partners


@dataclass(frozen=True)
class InstanceActor:
    """The node's application actor: it signs the node's own fetches.

    Its document is served to anyone, signed or not, so two nodes that both
    require signed fetches can still fetch each other's keys (no deadlock).
    """

    public_url: str
    rsa_public_pem: str

    @cached_property
    def uris(self) -> Uris:
        return Uris(self.public_url)

    @property
    def id(self) -> str:
        return self.uris.instance

    @property
    def main_key_id(self) -> str:
        return self.uris.instance_main_key


def instance_document(actor: InstanceActor, host: str) -> dict[str, Any]:
    return {
        "@context": [AS_CONTEXT, SECURITY_V1],
        "id": actor.id,
        "type": "Application",
        "preferredUsername": host,
        "name": host,
        "url": actor.public_url,
        "inbox": actor.uris.instance_inbox,
        "outbox": actor.uris.instance_outbox,
        "manuallyApprovesFollowers": True,
        "publicKey": {
            "id": actor.main_key_id,
            "owner": actor.id,
            "publicKeyPem": actor.rsa_public_pem,
        },
    }


def actor_document(actor: LocalActor, keys: ActorKeys) -> dict[str, Any]:
    return {
        "@context": ACTOR_CONTEXT,
        "id": actor.id,
        "type": "Group",
        "preferredUsername": actor.handle,
        "name": actor.name,
        "summary": actor.summary,
        "url": actor.public_url,
        "inbox": actor.inbox,
        "outbox": actor.outbox,
        "followers": actor.followers,
        "following": actor.following,
        "endpoints": {"sharedInbox": actor.shared_inbox},
        "manuallyApprovesFollowers": actor.manually_approves_followers,
        "discoverable": True,
        "publicKey": {
            "id": actor.main_key_id,
            "owner": actor.id,
            "publicKeyPem": keys.rsa_public_pem,
        },
        "assertionMethod": [
            multikey_document(actor.key_id(keys.ed25519_fragment), actor.id, keys.ed25519_public),
            *(
                multikey_document(actor.key_id(fragment), actor.id, public)
                for fragment, public in keys.retired
            ),
        ],
    }
