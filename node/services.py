"""The node's services, built once per application and shared by handlers: the one registry.

``build_services`` builds the domain services; ``Services.start_federation``
builds the federation parts (they own the outbound HTTP client, so they are
built once the event loop runs) as ``services.federation``. Both are here, so
one place composes the node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from federation.documents.actor import ActorKeys, LocalActor
from federation.fetch import guarded_session
from federation.keys import KeyRing
from node.ap.claims import ClaimMessenger
from node.ap.follows import FederatedPeers, FollowMessenger
from node.ap.handlers_base import Domain
from node.ap.moderation import ReportMessenger
from node.ap.outbox import Outbox
from node.ap.ports.directories import StoreAudience
from node.ap.ports.outbox_rows import StoreOutboxRows
from node.ap.ports.publication import StorePublication
from node.ap.ports.queues import StoreItemChanges
from node.ap.publisher import OutboxPublisher
from node.ap.referrals import ReferralMessenger
from node.ap.relay import RelayMessenger
from node.ap.wiring import Federation, SessionFactory, build_federation
from node.clock import Clock
from node.domain.accounts import AccountService
from node.domain.blocks import BlockService
from node.domain.claim_views import ClaimViews
from node.domain.claims import ClaimService
from node.domain.feed import FeedService
from node.domain.follows import FollowService
from node.domain.items import ItemService
from node.domain.moderation import ModerationService
from node.domain.notifications.service import NotificationService
from node.domain.oversight import OversightService
from node.domain.peer_items import PeerItemService
from node.domain.referrals import ReferralService
from node.domain.relays import RelayService
from node.domain.suggestions import SuggestionService
from node.domain.trust import TrustService
from node.settings import Settings
from node.storage import Store


@dataclass
class Services:
    settings: Settings
    clock: Clock
    store: Store
    keys: KeyRing
    actor: LocalActor
    outbox: Outbox
    publisher: OutboxPublisher
    items: ItemService
    accounts: AccountService
    trust: TrustService
    blocks: BlockService
    feed: FeedService
    suggestions: SuggestionService
    notifications: NotificationService
    claim_views: ClaimViews
    oversight: OversightService
    claims: ClaimService
    follows: FollowService
    relays: RelayService
    referrals: ReferralService
    moderation: ModerationService
    peer_items: PeerItemService
    peers: FederatedPeers
    publication: StorePublication
    _federation: Federation | None = field(default=None, repr=False)

    @property
    def federation(self) -> Federation:
        """The federation parts (outbound HTTP client, inbox and delivery workers …)."""
        if self._federation is None:
            raise RuntimeError("the federation parts are built when the node starts")
        return self._federation

    def start_federation(self, session_factory: SessionFactory = guarded_session) -> Federation:
        """Build the federation parts; called once the event loop runs (the HTTP client
        needs it). ``session_factory`` builds that client (tests inject one whose
        sockets refuse every non-loopback address)."""
        domain = Domain(self.claims, self.follows, self.peer_items, self.referrals, self.moderation)
        self._federation = build_federation(
            self.settings,
            self.store,
            self.clock,
            self.keys,
            self.actor,
            self.outbox,
            self.trust,
            domain,
            self.peers,
            session_factory,
        )
        return self._federation


SERVICES = web.AppKey("services", Services)


def local_actor(settings: Settings) -> LocalActor:
    return LocalActor(
        public_url=settings.public_url,
        handle=settings.handle,
        name=settings.name,
        summary=settings.summary,
    )


def actor_keys(ring: KeyRing, now: datetime) -> ActorKeys:
    """The public keys to publish now: current ones plus retired Ed25519 keys in grace."""
    keys = ring.current()
    return ActorKeys(
        rsa_public_pem=keys.rsa_public_pem(),
        ed25519_fragment=ring.ed25519_fragment,
        ed25519_public=keys.ed25519.public_key(),
        retired=tuple((r.fragment, r.public) for r in ring.retired(now)),
    )


def build_services(settings: Settings, clock: Clock) -> Services:
    store = Store(settings.database_path, clock.now)
    keys = KeyRing(settings.keys_dir)
    actor = local_actor(settings)
    trust = TrustService(store, clock)
    outbox = Outbox(actor, keys, clock, trust, StoreOutboxRows(), StoreAudience())
    publisher = OutboxPublisher(StoreItemChanges(store), outbox)
    store.after_commit(publisher.committed)
    feed = FeedService(store, trust, settings, clock)
    items = ItemService(store, settings, clock)
    peers = FederatedPeers()
    return Services(
        settings=settings,
        clock=clock,
        store=store,
        keys=keys,
        actor=actor,
        outbox=outbox,
        publisher=publisher,
        items=items,
        accounts=AccountService(store, clock),
        trust=trust,
        blocks=BlockService(store, trust),
        feed=feed,
        suggestions=SuggestionService(store, feed),
        notifications=NotificationService(store, settings, clock),
        claim_views=ClaimViews(store),
        oversight=OversightService(store, trust),
        claims=ClaimService(store, peers, ClaimMessenger(actor, outbox), items, trust, clock),
        follows=FollowService(store, actor.id, peers, FollowMessenger(actor, outbox), trust, clock),
        relays=RelayService(store, RelayMessenger(actor, outbox), trust),
        referrals=ReferralService(store, peers, ReferralMessenger(actor, outbox), items, trust),
        moderation=ModerationService(
            store, actor.id, peers, ReportMessenger(actor, outbox), trust, clock
        ),
        peer_items=PeerItemService(trust),
        peers=peers,
        publication=StorePublication(store),
    )
