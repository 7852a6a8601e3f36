"""Admin pages as an aiohttp sub-app, mounted at ``/admin`` by :mod:`admin.app`.

It reuses the node's page machinery (sessions, CSRF, layout, catalogs) with
its own templates and messages first in the chain.
"""

from __future__ import annotations

from aiohttp import web

from admin.web import following, pages, webhooks
from node.web.pages import RENDERER
from node.web.rendering import Renderer

PREFIX = "/admin"


def admin_pages() -> web.Application:
    app = web.Application()
    app[RENDERER] = Renderer(("admin.web", "node.web"))
    router = app.router
    router.add_get("/", pages.overview)
    router.add_get("/peers", pages.peers)
    router.add_post("/peers", pages.set_level)
    router.add_get("/follow-requests", pages.follow_requests)
    router.add_post("/follow-requests/{answer:approve|reject}", pages.answer_follow)
    router.add_get("/following", following.following)
    router.add_post("/following", following.subscribe)
    router.add_post("/following/remove", following.unfollow)
    router.add_get("/blocklist", pages.blocklist_form)
    router.add_post("/blocklist", pages.import_blocklist)
    router.add_get("/deliveries", pages.deliveries)
    router.add_get("/webhooks", webhooks.webhooks)
    router.add_get("/moderation", pages.moderation)
    router.add_post("/moderation/reports/{id}/resolve", pages.resolve_report)
    router.add_post("/moderation/hide", pages.hide_item)
    router.add_get("/audit", pages.audit)
    return app


def mount_admin_pages(app: web.Application) -> None:
    app.add_subapp(PREFIX, admin_pages())
