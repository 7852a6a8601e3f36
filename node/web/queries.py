"""What a page shows, read in one call: the dashboard, one of our items, a peer's item.

Reads only (writes go through the domain and federation services); each
function gathers the records one page needs, already filtered to what a
signed-in coordinator of this node may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from node.domain.model import Item, ItemFilter, PrivateDetails
from node.domain.suggestions import Suggestion
from node.errors import NotFound
from node.services import Services
from node.storage.claims import Claim
from node.storage.remote_items import RemoteItem
from node.web.rendering import actor_host
from schemas.vocab import Purpose, Status

EXPIRING_WITHIN = timedelta(days=3)
LIVE_OR_DRAFT = (Status.DRAFT, Status.OPEN, Status.PARTLY_COMMITTED)


@dataclass(frozen=True)
class Dashboard:
    offers: list[Item]
    requests: list[Item]
    expiring: list[Item]
    suggestions: list[Suggestion]
    waiting: list[Claim]
    ours: dict[str, Item]


@dataclass(frozen=True)
class OurItem:
    item: Item
    url: str
    details: PrivateDetails | None
    claims: list[Claim]
    matches: list[Suggestion]


@dataclass(frozen=True)
class PeerItem:
    item: RemoteItem
    origin_name: str
    claims: list[Claim]


async def _ours(services: Services, purpose: Purpose) -> list[Item]:
    found, _ = await services.items.search(
        ItemFilter(purpose=purpose, statuses=LIVE_OR_DRAFT, public_only=False, limit=200)
    )
    return found


async def dashboard(services: Services) -> Dashboard:
    offers = await _ours(services, Purpose.OFFER)
    requests = await _ours(services, Purpose.REQUEST)
    soon = services.clock.now() + EXPIRING_WITHIN
    expiring = sorted(
        (
            i
            for i in offers + requests
            if i.status is not Status.DRAFT and i.ends_at and i.ends_at <= soon
        ),
        key=lambda i: i.ends_at or soon,
    )
    reader = services.store.reader.claims
    waiting = await reader.find("incoming", "pending") + await reader.find("incoming", "tentative")
    ours = {i.id: i for i in offers + requests}
    suggestions = await services.suggestions.for_our_items()
    return Dashboard(offers, requests, expiring, suggestions, waiting, ours)


def our_item_url(services: Services, item: Item) -> str:
    return services.settings.uris.item(item.purpose, item.id)


async def our_item(services: Services, purpose: Purpose, item_id: str) -> OurItem:
    item = await services.items.get(purpose, item_id, signed_in=True)
    details = await services.items.private_details(item.id)
    claims = [
        c for c in await services.store.reader.claims.find("incoming") if c.item_id == item.id
    ]
    url = our_item_url(services, item)
    try:
        matches = await services.suggestions.for_item(url)
    except NotFound:
        matches = []
    return OurItem(item, url, details, claims, matches)


async def peer_item(services: Services, item_id: str) -> PeerItem:
    """A peer's item as the feed shows it; hidden, deleted or untrusted ones are not found."""
    reader = services.store.reader
    item = await reader.remote_items.get(item_id)
    if (
        item is None
        or item.deleted_at is not None
        or item.hidden_at is not None
        or not await services.feed.shows(item.actor_id, item.relayed_by, item.opened_at)
    ):
        raise NotFound("No such item from a peer here.", reason="item-not-found")
    actor = await reader.peers.actor(item.actor_id)
    claims = [c for c in await reader.claims.find("outgoing") if c.item_id == item.id]
    return PeerItem(
        item, (actor.name if actor and actor.name else actor_host(item.actor_id)), claims
    )
