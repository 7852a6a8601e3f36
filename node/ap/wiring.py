"""The node's federation parts: the outbound HTTP client and what uses it.

Built by node/services (``Services.start_federation``) once the event loop
runs; they are ``services.federation``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from federation.delivery.worker import DeliveryWorker
from federation.documents.actor import InstanceActor, LocalActor
from federation.fetch import AddressPolicy, RemoteFetcher, guarded_session
from federation.inbox import InboxReceiver
from federation.keydirectory import KeyDirectory
from federation.keys import KeyRing, load_or_create_keys
from federation.proofs.provenance import ObjectVerifier
from federation.ratelimit import RateLimiter
from federation.signing import RequestSigner
from node.ap.actors import ActorDirectory, parse_actor
from node.ap.backfill import BackfillWorker
from node.ap.follows import FederatedPeers
from node.ap.handlers_base import Domain
from node.ap.inbox import InboxWorker
from node.ap.outbox import Outbox
from node.ap.ports import StoreDeliveries, StoreInbox, StoreKeys, StoreSchemes
from node.ap.ports.directories import StoreActors, StoreSoftware
from node.ap.ports.queues import StoreBackfills, StoreInboxQueue
from node.ap.software import SoftwareDirectory
from node.clock import Clock
from node.domain.trust import TrustService
from node.settings import Settings
from node.storage import Store
from node.version import SOFTWARE_NAME, VERSION

USER_AGENT = f"{SOFTWARE_NAME}/{VERSION}"


@dataclass
class Federation:
    """The node's federation parts, built once per application."""

    actor: LocalActor
    instance: InstanceActor
    keys: KeyRing
    addresses: AddressPolicy
    session: aiohttp.ClientSession
    fetcher: RemoteFetcher
    outbox: Outbox
    actors: ActorDirectory
    key_directory: KeyDirectory
    receiver: InboxReceiver
    inbox_worker: InboxWorker
    delivery_worker: DeliveryWorker
    backfill: BackfillWorker
    inbox_wake: asyncio.Event
    delivery_wake: asyncio.Event


SessionFactory = Callable[[AddressPolicy], aiohttp.ClientSession]


def build_federation(
    settings: Settings,
    store: Store,
    clock: Clock,
    keys: KeyRing,
    me: LocalActor,
    outbox: Outbox,
    trust: TrustService,
    domain: Domain,
    peers: FederatedPeers,
    session_factory: SessionFactory = guarded_session,
) -> Federation:
    """Everything federation needs; ``session_factory`` builds the one outbound HTTP
    client (tests inject one whose sockets refuse every non-loopback address).
    ``peers`` (the domain's way to other groups) is attached to the new client."""
    addresses = AddressPolicy.from_setting(settings.private_address_allowlist)
    session = session_factory(addresses)
    signer = RequestSigner(keys, me.main_key_id, me.id, clock.now)
    load_or_create_keys(settings.instance_keys_dir)
    instance_keys = KeyRing(settings.instance_keys_dir)
    instance = InstanceActor(settings.public_url, instance_keys.current().rsa_public_pem())
    # Our own fetches are signed by the instance actor, whose document needs no signature.
    fetch_signer = RequestSigner(instance_keys, instance.main_key_id, instance.id, clock.now)
    fetcher = RemoteFetcher(
        addresses, session=session, sign=fetch_signer.fetch_signer, user_agent=USER_AGENT
    )
    actors = ActorDirectory(StoreActors(store), fetcher, clock)
    peers.attach(actors, fetcher, addresses)

    async def actor_seen(document: dict[str, Any]) -> None:
        await actors.remember(parse_actor(document))

    key_directory = KeyDirectory(StoreKeys(store), fetcher, clock.now, on_actor=actor_seen)
    inbox_wake, delivery_wake = asyncio.Event(), asyncio.Event()
    outbox.on_publish = delivery_wake.set
    receiver = InboxReceiver(
        key_directory.resolve,
        StoreInbox(store, inbox_wake.set),
        trust.refusal,
        clock.now,
        rate_limiter=RateLimiter(settings.inbox_rate_per_minute / 60, settings.inbox_burst),
    )
    verifier = ObjectVerifier(key_directory.resolve, fetcher.fetch_object)
    return Federation(
        actor=me,
        instance=instance,
        keys=keys,
        addresses=addresses,
        session=session,
        fetcher=fetcher,
        outbox=outbox,
        actors=actors,
        key_directory=key_directory,
        receiver=receiver,
        inbox_worker=InboxWorker(
            StoreInboxQueue(store, domain.peer_items),
            me,
            domain,
            actors,
            trust,
            verifier,
            SoftwareDirectory(StoreSoftware(store), fetcher, clock),
            clock,
            receiving=lambda: receiver.busy,
        ),
        delivery_worker=DeliveryWorker(
            StoreDeliveries(store),
            StoreSchemes(store),
            session,
            signer,
            addresses,
            clock.now,
            user_agent=USER_AGENT,
        ),
        backfill=BackfillWorker(StoreBackfills(store), fetcher, verifier, trust, clock),
        inbox_wake=inbox_wake,
        delivery_wake=delivery_wake,
    )
