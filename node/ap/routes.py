"""HTTP endpoints of the ActivityPub side: discovery, actor, collections, inboxes, objects.

Handlers are thin: parse, call one function, render. JSON documents go out as
``application/activity+json``; a browser asking for HTML gets a small page.
"""

from __future__ import annotations

import html
import json
from dataclasses import replace
from typing import Any

from aiohttp import web

from federation.documents.actor import actor_document, instance_document
from federation.documents.collections import collection, page
from federation.documents.discovery import (
    JRD,
    Usage,
    host_meta,
    matches_resource,
    nodeinfo,
    nodeinfo_links,
    webfinger,
)
from federation.httpsig import Headers, HttpRequest
from federation.uris import Uris
from node.ap.authorized import refuse_blocked, require_reader
from node.ap.note import local_note_id, note_for
from node.ap.ports.publication import Collection
from node.ap.proposal import proposal
from node.errors import NotFound, PayloadTooLarge, UnsupportedMediaType
from node.services import SERVICES, actor_keys
from node.version import SOFTWARE_NAME, VERSION
from schemas.contexts import render_solidarity_context
from schemas.vocab import Purpose, Status, Visibility

ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
PAGE_SIZE = 20
INBOX_TYPES = frozenset({"application/activity+json", "application/ld+json", "application/json"})


def wants_activity_json(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return "activity+json" in accept or "ld+json" in accept or accept.strip() == "application/json"


def activity_response(document: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(document).encode(),
        content_type=ACTIVITY_JSON,
        headers={"Vary": "Accept"},
    )


def html_response(title: str, body: str) -> web.Response:
    page_html = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<main><h1>{html.escape(title)}</h1>{body}</main></html>"
    )
    return web.Response(text=page_html, content_type="text/html", headers={"Vary": "Accept"})


async def get_actor(request: web.Request) -> web.Response:
    federation = request.app[SERVICES].federation
    await refuse_blocked(request, request.app[SERVICES])
    if wants_activity_json(request):
        services = request.app[SERVICES]
        policy = await services.trust.policy()
        me = replace(federation.actor, manually_approves_followers=policy.approve_followers)
        return activity_response(
            actor_document(me, actor_keys(services.keys, services.clock.now()))
        )
    me = federation.actor
    return html_response(me.name, f"<p>{html.escape(me.summary)}</p>")


async def get_instance(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    await refuse_blocked(request, services)
    instance = request.app[SERVICES].federation.instance
    return activity_response(instance_document(instance, services.settings.uris.host))


async def get_webfinger(request: web.Request) -> web.Response:
    federation = request.app[SERVICES].federation
    resource = request.query.get("resource", "")
    if not resource:
        raise web.HTTPBadRequest(text="resource is required")
    if not matches_resource(federation.actor, resource):
        raise NotFound(f"No such account here: {resource}", reason="webfinger-unknown")
    return web.Response(
        body=json.dumps(webfinger(federation.actor)).encode(),
        content_type=JRD,
        headers={"Access-Control-Allow-Origin": "*"},
    )


async def get_host_meta(request: web.Request) -> web.Response:
    url = request.app[SERVICES].settings.public_url
    return web.Response(text=host_meta(url), content_type="application/xrd+xml")


async def get_nodeinfo_links(request: web.Request) -> web.Response:
    return web.json_response(nodeinfo_links(request.app[SERVICES].settings.public_url))


async def get_nodeinfo(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    version = request.match_info["version"]
    counts = await services.items.count_by_status()
    open_offers = counts.get((Purpose.OFFER, Status.OPEN), 0)
    open_requests = counts.get((Purpose.REQUEST, Status.OPEN), 0)
    usage = Usage(
        local_posts=await services.publication.public_activity_count(),
        metadata={
            "nodeName": services.settings.name,
            "openOffers": open_offers,
            "openRequests": open_requests,
        },
    )
    schema = f"http://nodeinfo.diaspora.software/ns/schema/{version}#"
    return web.json_response(
        nodeinfo(version, SOFTWARE_NAME, VERSION, usage, open_registrations=False),
        content_type=f'application/json; profile="{schema}"',
    )


async def get_outbox(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    federation, published = services.federation, services.publication
    await require_reader(request, services, federation, Visibility.PUBLIC)
    uris = federation.actor.uris
    outbox = uris.outbox
    if "page" not in request.query:
        total = await published.public_activity_count()
        return activity_response(collection(outbox, total, uris.outbox_page()))
    before_text = request.query.get("before", "")
    before = int(before_text) if before_text.isdigit() else None
    rows = await published.public_activities(before, PAGE_SIZE)
    items = [json.loads(row.body) for row in rows]
    following = uris.outbox_page(rows[-1].seq) if len(rows) == PAGE_SIZE else None
    return activity_response(page(uris.outbox_page(before), outbox, items, following))


async def _actor_list(request: web.Request, which: Collection) -> web.Response:
    services = request.app[SERVICES]
    federation, published = services.federation, services.publication
    await require_reader(request, services, federation, Visibility.PUBLIC)
    url = federation.actor.followers if which == "followers" else federation.actor.following
    page_text = request.query.get("page", "")
    if not page_text.isdigit() or int(page_text) < 1:
        total = await published.actor_count(which)
        return activity_response(collection(url, total, Uris.collection_page(url, 1)))
    number = int(page_text)
    ids = await published.actor_page(which, (number - 1) * PAGE_SIZE, PAGE_SIZE)
    following = Uris.collection_page(url, number + 1) if len(ids) == PAGE_SIZE else None
    return activity_response(page(Uris.collection_page(url, number), url, ids, following))


async def get_followers(request: web.Request) -> web.Response:
    return await _actor_list(request, "followers")


async def get_following(request: web.Request) -> web.Response:
    return await _actor_list(request, "following")


async def read_at_most(request: web.Request, limit: int) -> bytes:
    """The whole body, or its first ``limit + 1`` bytes. A body arrives in pieces and one
    ``read`` returns only what has arrived so far, so read until the end or the limit."""
    body = bytearray()
    while len(body) <= limit:
        chunk = await request.content.read(limit + 1 - len(body))
        if not chunk:
            break
        body.extend(chunk)
    return bytes(body)


async def post_inbox(request: web.Request) -> web.Response:
    federation, settings = request.app[SERVICES].federation, request.app[SERVICES].settings
    if request.content_type not in INBOX_TYPES:
        raise UnsupportedMediaType("Send application/activity+json.", reason="inbox-media-type")
    limit = federation.receiver.limits.max_body
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"The body is over the limit of {limit} bytes.")
    body = await read_at_most(request, limit)
    if len(body) > limit:
        raise PayloadTooLarge(f"The body is over the limit of {limit} bytes.")
    message = HttpRequest(
        request.method,
        settings.uris.received(request.host, request.path_qs),
        Headers(list(request.headers.items())),
        body,
    )
    inbox = {"/inbox": "shared", "/instance/inbox": "instance"}.get(request.path, "actor")
    await federation.receiver.receive(inbox, message)
    return web.Response(status=202)


async def get_item_object(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    purpose = Purpose.OFFER if request.match_info["kind"] == "offers" else Purpose.REQUEST
    item = await services.publication.item(purpose, request.match_info["id"])
    if item is None or item.visibility is Visibility.PRIVATE or item.status is Status.DRAFT:
        raise NotFound("No such item here.", reason="item-not-found")
    await require_reader(request, services, request.app[SERVICES].federation, item.visibility)
    document = services.outbox.sign(proposal(services.actor, item))
    if request.match_info.get("note"):
        document = note_for(services.actor, document, local_note_id(document["id"]))
    if wants_activity_json(request):
        return activity_response(document)
    return html_response(item.title, f"<p>{html.escape(item.description)}</p>")


async def get_activity(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    await require_reader(request, services, services.federation, Visibility.PUBLIC)
    url = services.settings.uris.activity(request.match_info["id"])
    stored = await services.publication.activity(url)
    if stored is None:
        raise NotFound("No such public activity here.", reason="activity-not-found")
    return activity_response(json.loads(stored.body))


async def get_context(request: web.Request) -> web.Response:
    """Our full JSON-LD context, for documentation (documents carry it inline)."""
    return web.Response(
        text=render_solidarity_context(),
        content_type="application/ld+json",
        headers={"Access-Control-Allow-Origin": "*"},
    )


def setup_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/context.jsonld", get_context)
    router.add_get("/.well-known/webfinger", get_webfinger)
    router.add_get("/.well-known/host-meta", get_host_meta)
    router.add_get("/.well-known/nodeinfo", get_nodeinfo_links)
    router.add_get("/nodeinfo/{version:2\\.[01]}", get_nodeinfo)
    router.add_get("/actor", get_actor)
    router.add_get("/instance", get_instance)
    router.add_post("/instance/inbox", post_inbox)
    router.add_get("/actor/outbox", get_outbox)
    router.add_get("/actor/followers", get_followers)
    router.add_get("/actor/following", get_following)
    router.add_post("/actor/inbox", post_inbox)
    router.add_post("/inbox", post_inbox)
    router.add_get("/{kind:offers|requests}/{id}", get_item_object)
    router.add_get("/{kind:offers|requests}/{id}/{note:note}", get_item_object)
    router.add_get("/activities/{id}", get_activity)
