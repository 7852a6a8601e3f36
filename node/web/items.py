"""Pages for our own offers and requests: the dashboard, post, edit, view, and actions."""

from __future__ import annotations

from datetime import UTC, datetime, time

from aiohttp import web

from node.errors import NodeError, Unprocessable
from node.web import forms, matches, queries
from node.web.pages import Page, page_handler
from schemas.vocab import CloseReason, Purpose

KINDS = {"offers": Purpose.OFFER, "requests": Purpose.REQUEST}


def _purpose(page: Page) -> Purpose:
    return KINDS[page.request.match_info["kind"]]


def _item_path(purpose: Purpose, item_id: str) -> str:
    return f"/items/{purpose.value}s/{item_id}"


@page_handler()
async def dashboard(page: Page) -> web.StreamResponse:
    return page.render("dashboard.html", **await matches.dashboard_context(page))


def _form_page(
    page: Page,
    purpose: Purpose,
    form: forms.ItemForm,
    *,
    item_id: str | None = None,
    status: int = 200,
) -> web.Response:
    return page.render(
        "item_form.html",
        status=status,
        purpose=purpose.value,
        form=form,
        item_id=item_id,
        areas=page.services.settings.areas,
        precision=page.services.settings.location_precision.value,
    )


@page_handler()
async def new_item(page: Page) -> web.StreamResponse:
    purpose = Purpose(page.request.match_info["purpose"])
    return _form_page(page, purpose, forms.blank(purpose.value))


@page_handler()
async def create_item(page: Page) -> web.StreamResponse:
    purpose = Purpose(page.request.match_info["purpose"])
    form = forms.submitted(page.form)
    body = forms.to_create(form)
    if body is None:
        return _form_page(page, purpose, form, status=422)
    try:
        item = await page.services.items.create(purpose, body)
    except Unprocessable as error:
        form.absorb(error)
        return _form_page(page, purpose, form, status=422)
    return page.redirect(_item_path(purpose, item.id), "posted")


@page_handler()
async def show_item(page: Page) -> web.StreamResponse:
    found = await queries.our_item(page.services, _purpose(page), page.request.match_info["id"])
    return page.render("item.html", found=found, item=found.item)


@page_handler()
async def edit_item_form(page: Page) -> web.StreamResponse:
    purpose, item_id = _purpose(page), page.request.match_info["id"]
    found = await queries.our_item(page.services, purpose, item_id)
    return _form_page(page, purpose, forms.from_item(found.item, found.details), item_id=item_id)


@page_handler()
async def edit_item(page: Page) -> web.StreamResponse:
    purpose, item_id = _purpose(page), page.request.match_info["id"]
    form = forms.submitted(page.form)
    body = forms.to_update(form)
    if body is None:
        return _form_page(page, purpose, form, item_id=item_id, status=422)
    try:
        await page.services.items.update(purpose, item_id, body)
    except Unprocessable as error:
        form.absorb(error)
        return _form_page(page, purpose, form, item_id=item_id, status=422)
    return page.redirect(_item_path(purpose, item_id), "saved")


@page_handler()
async def item_action(page: Page) -> web.StreamResponse:
    """Publish a draft, close with a reason, renew, or refer a request to another group."""
    purpose, item_id = _purpose(page), page.request.match_info["id"]
    action, items = page.request.match_info["action"], page.services.items
    if action == "publish":
        await items.publish(purpose, item_id)
    elif action == "close":
        await items.close(purpose, item_id, _close_reason(page.field("reason")))
    elif action == "renew":
        await items.renew(purpose, item_id, _renew_until(page.field("ends_on")))
    else:
        await page.services.referrals.refer(item_id, page.field("target"), who=page.who)
    done = {"publish": "published", "close": "closed", "renew": "renewed", "refer": "referred"}
    return page.redirect(_item_path(purpose, item_id), done[action])


def _close_reason(text: str) -> CloseReason:
    try:
        reason = CloseReason(text)
    except ValueError:
        reason = CloseReason.REFERRED
    if reason is CloseReason.REFERRED:
        raise NodeError("Choose why the item is closed.", reason="close-reason-invalid")
    return reason


def _renew_until(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.combine(datetime.fromisoformat(text).date(), time(23, 59), tzinfo=UTC)
    except ValueError as error:
        raise Unprocessable("Enter a valid date.", reason="window-invalid") from error
