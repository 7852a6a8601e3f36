"""The shared shapes of inbound handlers: their context and their routes.

An activity is read once into its schemas.wire model and dispatched on its type
and the kind of its object (:func:`object_kind`). Each route declares what it
needs fetched or verified before its transaction (:class:`Need`); the inbox
worker does that network work, outside the write lock. Handlers return a
:class:`node.domain.outcome.Outcome`, mostly the one their domain service gives.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from federation.documents.actor import LocalActor
from node.ap.actors import ACTOR_TYPES
from node.domain.claims import ClaimService
from node.domain.follows import FollowService
from node.domain.moderation import ModerationService
from node.domain.outcome import Outcome
from node.domain.peer_items import PeerItemService
from node.domain.records import QueuedActivity, RemoteActor, Transaction
from node.domain.referrals import ReferralService
from schemas.wire import Activity
from schemas.wire.base import strict_id_of
from schemas.wire.objects import is_proposal_shaped
from schemas.wire.terms import canonical_keys, type_names


@dataclass(frozen=True)
class Domain:
    """The domain services inbound handlers hand an activity's meaning to."""

    claims: ClaimService
    follows: FollowService
    peer_items: PeerItemService
    referrals: ReferralService
    moderation: ModerationService


@dataclass(frozen=True)
class Context:
    repos: Transaction
    """The write transaction the activity is applied in: handlers pass it on to domain
    services, never read repositories through it."""
    me: LocalActor
    row: QueuedActivity
    activity: Activity
    """The activity, read into its wire model."""
    document: dict[str, Any]
    """The activity as its sender wrote it: objects are stored and proofs checked on this."""
    kind: str
    """The object's kind (:func:`object_kind`), named from our records for a reference."""
    sender: RemoteActor | None
    now: str
    domain: Domain
    verified: dict[str, Any] | None = None
    """A relayed or proof-carrying object, already checked against its origin."""

    @property
    def raw_object(self) -> Any:
        return self.document.get("object")


Handler = Callable[[Context], Awaitable[Outcome]]
Resolver = Callable[[Context], Awaitable[str]]


class Need(Enum):
    """Network work a handler needs done before its transaction."""

    SENDER = "sender"
    """The sender's actor document (for its inbox), from the cache or its origin."""
    FRESH_SENDER = "fresh-sender"
    """The sender's actor document refetched from its origin (it says it changed)."""
    SOFTWARE = "software"
    """What software the sender runs (NodeInfo), to pick what to send it."""
    RELAYED = "relayed"
    """The relayed object's trustworthy copy (proof checked, or fetched from its origin),
    only from a peer we follow and from an origin we do not refuse."""
    PROOF = "proof"
    """The embedded object's proof checked, when it has one and names the sender."""


@dataclass(frozen=True)
class Route:
    handle: Handler
    needs: frozenset[Need] = frozenset()
    malformed: str | Callable[[dict[str, Any]], str] = "activity-malformed"
    """The reason to drop an activity for this route that does not read as its model
    (or how to find it in the document)."""

    def refusal(self, document: dict[str, Any]) -> str:
        return self.malformed if isinstance(self.malformed, str) else self.malformed(document)


@dataclass(frozen=True)
class Dispatch:
    """How one activity type is applied: a route per object kind, ``*`` for the others.

    ``resolve`` names the kind of an object we know only by reference (the Offer or
    Follow an Accept answers) from our records, inside the transaction.
    """

    routes: Mapping[str, Route]
    resolve: Resolver | None = None

    def route(self, kind: str) -> Route | None:
        return self.routes.get(kind) or self.routes.get("*")


def only(handle: Handler, *needs: Need, malformed: str) -> Dispatch:
    """One route for every object kind."""
    return Dispatch({"*": Route(handle, frozenset(needs), malformed)})


KINDS = ("Agreement", "EconomicEvent", "Follow", "Offer")


def object_kind(value: Any, actor: str) -> str:
    """``ref`` for an IRI; ``Proposal``, ``Agreement``, ``Follow`` … for an embedded object
    of a type we act on; ``Actor`` for the sender's own actor document; ``object`` for
    any other embedded object and ``none`` for a missing one."""
    if isinstance(value, str):
        return "ref"
    if not isinstance(value, Mapping):
        return "none"
    document = canonical_keys(value)
    names = type_names(document.get("type"))
    if names & ACTOR_TYPES:
        return "Actor" if document.get("id") == actor else "object"
    if "Agreement" in names:
        return "Agreement"
    if "Proposal" in names or is_proposal_shaped(document):
        return "Proposal"
    return next((kind for kind in KINDS if kind in names), "object")


def object_ref(ctx: Context) -> str | None:
    """The IRI of the activity's object (embedded or referenced), if it has one."""
    return strict_id_of(ctx.raw_object)


def parse_body(row: QueuedActivity) -> dict[str, Any]:
    document = json.loads(row.body)
    assert isinstance(document, dict)
    return document
