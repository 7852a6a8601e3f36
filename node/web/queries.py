"""What a page shows, read in one call: the dashboard, one of our items, a peer's item.

Reads only (writes go through the domain and federation services); each
function gathers the records one page needs, already filtered to what a
signed-in coordinator of this node may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from node.domain.model import Item, ItemFilter, PrivateDetails
from node.domain.records import Claim, RemoteItem
from node.domain.suggestions import Suggestion
from node.errors import NotFound
from node.services import Services
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
    waiting = await services.claim_views.waiting_for_us()
    ours = {i.id: i for i in offers + requests}
    suggestions = await services.suggestions.for_our_items()
    return Dashboard(offers, requests, expiring, suggestions, waiting, ours)


def our_item_url(services: Services, item: Item) -> str:
    return services.settings.uris.item(item.purpose, item.id)


async def our_item(services: Services, purpose: Purpose, item_id: str) -> OurItem:
    item = await services.items.get(purpose, item_id, signed_in=True)
    details = await services.items.private_details(item.id)
    claims = await services.claim_views.on_our_item(item.id)
    url = our_item_url(services, item)
    try:
        matches = await services.suggestions.for_item(url)
    except NotFound:
        matches = []
    return OurItem(item, url, details, claims, matches)


async def peer_item(services: Services, item_id: str) -> PeerItem:
    """A peer's item as the feed shows it; hidden, deleted or untrusted ones are not found."""
    item = await services.feed.peer_item(item_id)
    name = await services.feed.origin_name(item.actor_id)
    claims = await services.claim_views.ours_on(item.id)
    return PeerItem(item, name or actor_host(item.actor_id), claims)
