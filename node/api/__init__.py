"""The JSON API under /api/v1."""

from __future__ import annotations

from aiohttp import web

from node.api.admin import admin_endpoints
from node.api.claims import claim_endpoints
from node.api.endpoints import Endpoint, add_routes
from node.api.feed import feed_endpoints, setup_exports
from node.api.items import item_endpoints
from node.api.matches import match_endpoints
from node.api.meta import meta_endpoints
from node.api.moderation import moderation_endpoints
from node.api.notifications import notification_endpoints, setup_unsubscribe
from node.api.openapi import openapi_document
from node.api.relays import relay_endpoints
from node.services import SERVICES

OPENAPI_DOC = web.AppKey("openapi_document", dict)


def api_endpoints() -> list[Endpoint]:
    return (
        meta_endpoints()
        + item_endpoints()
        + feed_endpoints()
        + match_endpoints()
        + relay_endpoints()
        + claim_endpoints()
        + admin_endpoints()
        + moderation_endpoints()
        + notification_endpoints()
    )


async def serve_openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI_DOC])


def setup_api(app: web.Application) -> None:
    endpoints = api_endpoints()
    add_routes(app, endpoints)
    app[OPENAPI_DOC] = openapi_document(endpoints, app[SERVICES].settings.public_url)
    app.router.add_get("/api/v1/openapi.json", serve_openapi)
    setup_exports(app)
    setup_unsubscribe(app)
