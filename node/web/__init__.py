"""Server-rendered pages for coordinators: no JavaScript, small, translated, accessible.

``setup_web`` adds the routes to the node application; ``admin.web`` mounts
the admin pages as a sub-app that reuses this package's layout and helpers.
"""

from __future__ import annotations

import hashlib
from importlib import resources

from aiohttp import web

from node.web import auth, feed, items, matches, notifications
from node.web.pages import RENDERER
from node.web.rendering import Renderer
from node.web.security import LoginThrottle

STATIC_TYPES = {"site.css": "text/css", "icon.svg": "image/svg+xml"}


def _static_files() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("node.web").joinpath("static")
    files = {}
    for name in STATIC_TYPES:
        body = folder.joinpath(name).read_bytes()
        files[name] = (body, hashlib.sha256(body).hexdigest()[:16])
    return files


STATIC = _static_files()


async def serve_static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound()
    body, etag = STATIC[name]
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": "public, max-age=86400",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("If-None-Match") == f'"{etag}"':
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=STATIC_TYPES[name], headers=headers)


def setup_web(app: web.Application) -> None:
    app[RENDERER] = Renderer()
    app[auth.THROTTLE] = LoginThrottle()
    router = app.router
    router.add_get("/static/{name}", serve_static)
    router.add_get("/", items.dashboard)
    router.add_get("/sign-in", auth.sign_in_form)
    router.add_post("/sign-in", auth.sign_in)
    router.add_post("/sign-out", auth.sign_out)
    router.add_post("/language", auth.choose_language)
    router.add_get("/items/new/{purpose:offer|request}", items.new_item)
    router.add_post("/items/new/{purpose:offer|request}", items.create_item)
    router.add_get("/items/{kind:offers|requests}/{id}", items.show_item)
    router.add_get("/items/{kind:offers|requests}/{id}/edit", items.edit_item_form)
    router.add_post("/items/{kind:offers|requests}/{id}/edit", items.edit_item)
    router.add_post(
        "/items/{kind:offers|requests}/{id}/{action:publish|close|renew|refer}", items.item_action
    )
    router.add_post("/matches/notify", matches.tell_them)
    router.add_get("/notifications", notifications.notifications)
    router.add_post("/notifications/read", notifications.mark_all_read)
    router.add_get("/notifications/preferences", notifications.preferences_form)
    router.add_post("/notifications/preferences", notifications.save_preferences)
    router.add_get("/feed", feed.feed)
    router.add_get("/feed/item", feed.peer_item)
    router.add_post("/claims", feed.create_claim)
    router.add_post("/claims/{id}/{action:accept|hold|reject|withdraw|confirm}", feed.claim_action)
