"""The dashboard's suggested matches: what it shows, and the "Tell them" button."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from node.ap.matches import notify_match
from node.domain.claims import LIVE_CLAIMS
from node.domain.records import Claim
from node.errors import NodeError
from node.web import queries
from node.web.i18n import N_
from node.web.messages import error_message
from node.web.pages import Page, page_handler
from node.web.rendering import actor_host

TOLD = "told"  # the notice key after "Tell them"; the notice names the claim it sent

ERRORS = {
    "match-unknown": N_("That is no longer a suggested match with another group."),
    "match-empty": N_("The match leaves nothing to claim."),
    "item-not-matchable": N_("That item is not open, or has no quantity to match."),
}


@dataclass(frozen=True)
class Told:
    """The claim "Tell them" sent, for the notice: how much, and to which group."""

    claim: Claim
    group: str


async def _told(page: Page) -> Told | None:
    query = page.request.query
    claim_id = query.get("claim", "")
    if query.get("done") != TOLD or not claim_id:
        return None
    claim = await page.services.claim_views.get(claim_id)
    if claim is None or claim.direction != "outgoing":
        return None
    name = await page.services.feed.origin_name(claim.counterparty)
    return Told(claim, name or actor_host(claim.counterparty))


async def dashboard_context(page: Page) -> dict[str, Any]:
    """The dashboard, which matches we already told (a live claim of ours on their item),
    and the claim just sent, if any."""
    live = await page.services.claim_views.ours_in(LIVE_CLAIMS)
    return {
        "board": await queries.dashboard(page.services),
        "told_items": {c.item_id for c in live},
        "told": await _told(page),
    }


@page_handler()
async def tell_them(page: Page) -> web.StreamResponse:
    """Send the other group a claim for as much as the match covers, then back home."""
    claims = page.services.claims
    try:
        claim = await notify_match(
            page.services, claims, page.field("ours"), page.field("theirs"), who=page.who
        )
    except NodeError as error:
        known = ERRORS.get(error.reason)
        message = page.gettext(known) if known else error_message(page.gettext, error)
        context = await dashboard_context(page)
        return page.render(
            "dashboard.html", status=error.status, error=message, path="/", **context
        )
    return page.redirect(f"/?claim={claim.id}", TOLD)
