"""What the domain asks of other groups' nodes, and what it sends them.

These are ports: node/ap implements them (WebFinger, actor documents, and the
ActivityPub activities built from the domain's changes), so domain services
decide and record while the federation side speaks the protocol. The
``send_*`` methods run inside the caller's write transaction: a change and the
deliveries it causes are committed together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from node.domain.model import Item
from node.storage import Repositories
from node.storage.claims import Claim
from node.storage.follows import Followee, Follower
from node.storage.peers import RemoteActor
from node.storage.remote_items import RemoteItem


class PeerLookup(Protocol):
    async def resolve(self, target: str) -> str:
        """An actor's id from a handle (``group@host``) or the actor's URL."""

    async def actor(self, actor_id: str, *, refresh: bool = False) -> RemoteActor:
        """The actor (from the cache unless ``refresh``, else from its origin)."""

    def outbox(self, actor: RemoteActor) -> str | None:
        """The first page of the actor's outbox, where a backfill starts (None: none)."""


@dataclass(frozen=True)
class SentClaim:
    offer_id: str
    commitment_id: str


class ClaimMessages(Protocol):
    """What claims send to the other group."""

    def new_agreement_id(self) -> str: ...

    async def send_claim(
        self, repos: Repositories, item: RemoteItem, quantity: float, inbox: str
    ) -> SentClaim: ...

    async def send_claim_withdrawal(self, repos: Repositories, claim: Claim) -> None: ...

    async def send_claim_answer(self, repos: Repositories, claim: Claim) -> None:
        """The answer the claim's (new) state says: rejected, accepted or tentative."""

    async def send_confirmation(self, repos: Repositories, claim: Claim) -> None: ...


class FollowMessages(Protocol):
    async def send_follow(self, repos: Repositories, actor: RemoteActor) -> str:
        """Returns the Follow's id."""

    async def send_unfollow(
        self, repos: Repositories, followee: Followee, actor: RemoteActor
    ) -> None: ...

    async def send_follow_answer(
        self, repos: Repositories, follower: Follower, approve: bool
    ) -> None: ...


class RelayMessages(Protocol):
    async def send_relay(self, repos: Repositories, item: RemoteItem) -> str:
        """Relays a peer's item to our followers; returns the Announce's id."""


class ReferralMessages(Protocol):
    async def send_referral(self, repos: Repositories, item: Item, group: RemoteActor) -> str:
        """Passes our request on to ``group``; returns the Offer's id."""


class ReportMessages(Protocol):
    async def send_report(
        self, repos: Repositories, item: RemoteItem, content: str, inbox: str
    ) -> str:
        """Reports a peer's item to its origin; returns the Flag's id."""
