"""The network feed with filters, a peer's item page, and claims."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import web
from pydantic import ValidationError

from node.domain.claims import ClaimService
from node.domain.feed import FeedQuery
from node.errors import NodeError, Unprocessable
from node.web import queries
from node.web.i18n import N_
from node.web.pages import Page, local_path, page_handler
from schemas.coalition import FeedQueryIn

LISTS = ("purpose", "category", "urgency")
FILTER_ERROR = N_("Some filters were not valid and were ignored.")


def _filters(page: Page) -> tuple[FeedQueryIn, bool]:
    query = page.request.query
    raw: dict[str, Any] = {k: [v for v in query.getall(k) if v] for k in LISTS if k in query}
    for name in ("text", "near", "radius_km", "sort", "expiring_within_hours"):
        if query.get(name):
            raw[name] = query[name]
    try:
        return FeedQueryIn.model_validate(raw), False
    except ValidationError:
        return FeedQueryIn(), True


def _query(model: FeedQueryIn) -> FeedQuery:
    near = None
    if model.near is not None:
        lat, lon = (float(part) for part in model.near.split(","))
        near = (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None
    return FeedQuery(
        purposes=tuple(p.value for p in model.purpose),
        categories=tuple(c.value for c in model.category),
        urgencies=tuple(u.value for u in model.urgency),
        text=model.text,
        near=near,
        radius_km=model.radius_km if near else None,
        expiring_within_hours=model.expiring_within_hours,
        sort=model.sort,
        limit=model.limit,
    )


@page_handler()
async def feed(page: Page) -> web.StreamResponse:
    model, invalid = _filters(page)
    entries = await page.services.feed.feed(_query(model))
    return page.render(
        "feed.html",
        entries=entries,
        filters=model,
        error=page.gettext(FILTER_ERROR) if invalid else None,
    )


@page_handler()
async def peer_item(page: Page) -> web.StreamResponse:
    found = await queries.peer_item(page.services, page.request.query.get("id", ""))
    return page.render("peer_item.html", found=found, item=found.item, form_error=None)


def _claims(page: Page) -> ClaimService:
    return page.services.claims


@page_handler()
async def create_claim(page: Page) -> web.StreamResponse:
    item_id = page.field("item")
    try:
        quantity = float(page.field("quantity").replace(",", "."))
        if not 0 < quantity <= 1_000_000_000:
            raise ValueError(quantity)
        await _claims(page).claim(item_id, quantity, note=page.field("note")[:1000], who=page.who)
    except (ValueError, Unprocessable) as error:
        found = await queries.peer_item(page.services, item_id)
        message = page.gettext(N_("Enter a quantity greater than 0."))
        if isinstance(error, NodeError):
            message = error.detail
        return page.render(
            "peer_item.html", status=422, found=found, item=found.item, form_error=message
        )
    return page.redirect(f"/feed/item?id={quote(item_id, safe='')}", "claimed")


@page_handler()
async def claim_action(page: Page) -> web.StreamResponse:
    """Accept, hold, reject (ours to answer), withdraw (ours to take back), confirm."""
    claim_id, action = page.request.match_info["id"], page.request.match_info["action"]
    claims = _claims(page)
    if action == "withdraw":
        await claims.withdraw(claim_id, who=page.who)
    elif action == "confirm":
        await claims.confirm(claim_id, who=page.who)
    else:
        answer = {"accept": "accept", "hold": "tentative", "reject": "reject"}[action]
        hours = _hours(page.field("hold_hours"))
        await claims.answer(
            claim_id,
            answer,
            who=page.who,
            reason=page.field("reason")[:500],
            hold=timedelta(hours=hours),
        )
    done = {"withdraw": "withdrawn", "confirm": "confirmed"}.get(action, "answered")
    return page.redirect(local_path(page.field("next")), done)


def _hours(text: str) -> float:
    try:
        hours = float(text or 24)
    except ValueError:
        return 24.0
    return min(max(hours, 1.0), 24.0 * 14)
