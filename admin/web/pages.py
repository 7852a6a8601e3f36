"""Admin page handlers: parse, call one service, render. Every page needs an admin."""

from __future__ import annotations

from aiohttp import web

from admin.web import queries
from node.domain.blocks import Format
from node.domain.trust import Level
from node.errors import NodeError, Unprocessable
from node.web.pages import Page, page_handler
from schemas.vocab import Role

admin_page = page_handler(role=Role.ADMIN)


@admin_page
async def overview(page: Page) -> web.StreamResponse:
    found = await queries.overview(page.services, page.services.clock.now())
    return page.render("admin_overview.html", overview=found)


@admin_page
async def peers(page: Page) -> web.StreamResponse:
    return page.render(
        "admin_peers.html",
        peers=await page.services.oversight.peers_and_known_hosts(),
        policy=await page.services.trust.policy(),
    )


@admin_page
async def set_level(page: Page) -> web.StreamResponse:
    try:
        level = Level(page.field("level"))
    except ValueError as error:
        raise Unprocessable("Choose a trust level.", reason="level-invalid") from error
    await page.services.trust.set_level(
        page.field("host"), level, who=page.who, reason=page.field("reason")[:1000]
    )
    return page.redirect("/admin/peers", "trust")


@admin_page
async def follow_requests(page: Page) -> web.StreamResponse:
    pending = await page.services.oversight.follow_requests()
    return page.render("admin_follows.html", pending=pending)


@admin_page
async def answer_follow(page: Page) -> web.StreamResponse:
    approve = page.request.match_info["answer"] == "approve"
    await page.services.follows.answer(
        page.field("actor"), approve, who=page.who, reason=page.field("reason")[:1000]
    )
    return page.redirect("/admin/follow-requests", "follow")


@admin_page
async def blocklist_form(page: Page) -> web.StreamResponse:
    return page.render("admin_blocklist.html", content="", fmt="csv", result=None)


@admin_page
async def import_blocklist(page: Page) -> web.StreamResponse:
    """A dry run shows the diff; importing needs the same text posted again with apply."""
    content = page.form.get("content", "")
    fmt: Format = "text" if page.field("format") == "text" else "csv"
    apply = page.field("apply") == "yes"
    try:
        result = await page.services.blocks.import_(
            content,
            fmt,
            who=page.who,
            dry_run=not apply,
        )
    except Unprocessable as error:
        return page.render(
            "admin_blocklist.html",
            status=422,
            content=content,
            fmt=fmt,
            result=None,
            problems=error.errors,
            error=error.detail,
        )
    if result.applied:
        return page.redirect("/admin/audit", "imported")
    return page.render("admin_blocklist.html", content=content, fmt=fmt, result=result)


@admin_page
async def deliveries(page: Page) -> web.StreamResponse:
    health = await queries.delivery_health(page.services, page.services.clock.now())
    return page.render("admin_deliveries.html", health=health)


@admin_page
async def moderation(page: Page) -> web.StreamResponse:
    reports = await page.services.oversight.reports()
    return page.render("admin_moderation.html", reports=reports)


@admin_page
async def resolve_report(page: Page) -> web.StreamResponse:
    try:
        report_id = int(page.request.match_info["id"])
    except ValueError as error:
        raise NodeError("No such report.", reason="report-unknown") from error
    await page.services.moderation.resolve(report_id, who=page.who)
    return page.redirect("/admin/moderation", "resolved")


@admin_page
async def hide_item(page: Page) -> web.StreamResponse:
    await page.services.moderation.hide(
        page.field("item"), hidden=True, who=page.who, reason=page.field("reason")[:1000]
    )
    return page.redirect("/admin/moderation", "hidden")


@admin_page
async def audit(page: Page) -> web.StreamResponse:
    subject = page.request.query.get("subject", "").strip() or None
    entries = await page.services.oversight.audit(subject, 200)
    return page.render("admin_audit.html", entries=entries, subject=subject or "")
