"""The node's services, built once per application and shared by handlers."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from federation.documents.actor import LocalActor
from federation.keys import NodeKeys, load_keys
from node.ap.outbox import Outbox
from node.clock import Clock
from node.domain.accounts import AccountService
from node.domain.items import ItemService
from node.domain.trust import TrustService
from node.settings import Settings
from node.storage import Store


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Clock
    store: Store
    keys: NodeKeys
    actor: LocalActor
    outbox: Outbox
    items: ItemService
    accounts: AccountService
    trust: TrustService


SERVICES = web.AppKey("services", Services)


def local_actor(settings: Settings, keys: NodeKeys) -> LocalActor:
    return LocalActor(
        public_url=settings.public_url,
        handle=settings.handle,
        name=settings.name,
        summary=settings.summary,
        rsa_public_pem=keys.rsa_public_pem(),
        ed25519_public=keys.ed25519.public_key(),
        manually_approves_followers=False,
    )


def build_services(settings: Settings, clock: Clock) -> Services:
    store = Store(settings.database_path)
    keys = load_keys(settings.keys_dir)
    actor = local_actor(settings, keys)
    trust = TrustService(store, clock)
    outbox = Outbox(actor, keys, clock, trust)
    return Services(
        settings=settings,
        clock=clock,
        store=store,
        keys=keys,
        actor=actor,
        outbox=outbox,
        items=ItemService(store, settings, clock, listeners=[outbox]),
        accounts=AccountService(store, clock),
        trust=trust,
    )
