"""The node's services, built once per application and shared by handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from federation.documents.actor import ActorKeys, LocalActor
from federation.keys import KeyRing
from node.ap.outbox import Outbox
from node.ap.publisher import OutboxPublisher
from node.clock import Clock
from node.domain.accounts import AccountService
from node.domain.blocks import BlockService
from node.domain.claim_views import ClaimViews
from node.domain.feed import FeedService
from node.domain.items import ItemService
from node.domain.oversight import OversightService
from node.domain.suggestions import SuggestionService
from node.domain.trust import TrustService
from node.notifications.service import NotificationService
from node.settings import Settings
from node.storage import Store


@dataclass(frozen=True)
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
    outbox = Outbox(actor, keys, clock, trust)
    publisher = OutboxPublisher(store, outbox)
    store.after_commit(publisher.committed)
    feed = FeedService(store, trust, settings, clock)
    return Services(
        settings=settings,
        clock=clock,
        store=store,
        keys=keys,
        actor=actor,
        outbox=outbox,
        publisher=publisher,
        items=ItemService(store, settings, clock),
        accounts=AccountService(store, clock),
        trust=trust,
        blocks=BlockService(store, trust),
        feed=feed,
        suggestions=SuggestionService(store, feed),
        notifications=NotificationService(store, settings, clock),
        claim_views=ClaimViews(store),
        oversight=OversightService(store, trust),
    )
