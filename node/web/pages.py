"""What every page handler shares: who is signed in, the language, CSRF, rendering.

A handler is ``async def handler(page: Page) -> web.StreamResponse`` wrapped
by :func:`page_handler`, which resolves the session, checks the CSRF token of
every POST and the role, renders typed errors as pages, and adds the security
headers. Handlers themselves parse, call one service function, and render.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from node.domain.accounts import Principal
from node.errors import Forbidden, NodeError, NotFound, Unauthorized
from node.services import SERVICES, Services
from node.web.i18n import LANG_COOKIE, LANGUAGES, negotiate
from node.web.messages import error_message, notice_message
from node.web.rendering import Renderer
from node.web.security import (
    CSRF_FIELD,
    PRESESSION_COOKIE,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    clear_cookie,
    csrf_token,
    csrf_valid,
    new_presession,
    node_cookie,
    same_origin,
    secure_cookies,
    set_cookie,
)
from schemas.vocab import Role

RENDERER = web.AppKey("web_renderer", Renderer)


@dataclass
class Page:
    request: web.Request
    services: Services
    principal: Principal | None
    lang: str
    binding: str
    form: MultiDictProxy[str] = field(default_factory=lambda: MultiDictProxy(MultiDict()))
    cookies_to_set: dict[str, str] = field(default_factory=dict)
    unread: int = 0  # the signed-in account's unread notifications, for the nav

    @property
    def csrf(self) -> str:
        return csrf_token(self.binding)

    @property
    def who(self) -> str:
        assert self.principal is not None
        return self.principal.name

    @property
    def is_admin(self) -> bool:
        return self.principal is not None and self.principal.role is Role.ADMIN

    def gettext(self, message: str) -> str:
        renderer = self.request.config_dict[RENDERER]
        return str(renderer.catalogs.get(self.lang).gettext(message))

    def field(self, name: str, default: str = "") -> str:
        return self.form.get(name, default).strip()

    def render(self, template: str, status: int = 200, **context: Any) -> web.Response:
        renderer = self.request.config_dict[RENDERER]
        notice = notice_message(self.request.query.get("done", ""))
        base = {
            "page": self,
            "csrf": self.csrf,
            "node_name": self.services.settings.name,
            "signed_in": self.principal is not None,
            "is_admin": self.is_admin,
            "languages": LANGUAGES,
            "path": self.request.path_qs,
            "notice": notice,
            "error": None,
            "unread": self.unread,
        }
        text = renderer.render(template, self.lang, {**base, **context})
        return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")

    def error(self, error: NodeError) -> web.Response:
        return self.render(
            "error.html", status=error.status, message=error_message(self.gettext, error)
        )

    def redirect(self, location: str, notice: str | None = None) -> web.Response:
        if notice:
            path, hash_, fragment = location.partition("#")
            path += ("&" if "?" in path else "?") + f"done={quote(notice)}"
            location = path + hash_ + fragment
        return web.Response(status=303, headers={"Location": location})


Handler = Callable[[Page], Awaitable[web.StreamResponse]]


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target that stays on this node: a path (no scheme, no host, no ``//``,
    no backslash), with no control character. Browsers drop tabs and newlines from a URL
    before parsing it (WHATWG URL), so ``/<TAB>/evil.example`` would be another host; and
    a CR or LF would split the Location header."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    return target


async def _principal(services: Services, token: str | None) -> Principal | None:
    if not token:
        return None
    try:
        return await services.accounts.authenticate(token)
    except Unauthorized:
        return None


async def open_page(request: web.Request) -> Page:
    services = request.config_dict[SERVICES]
    url = services.settings.public_url
    session = request.cookies.get(node_cookie(SESSION_COOKIE, url))
    principal = await _principal(services, session)
    lang = negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))
    cookies: dict[str, str] = {}
    binding = (
        session
        if principal is not None and session
        else request.cookies.get(node_cookie(PRESESSION_COOKIE, url), "")
    )
    if not binding:
        binding = cookies[PRESESSION_COOKIE] = new_presession()
    if session and principal is None:
        cookies[SESSION_COOKIE] = ""
    unread = 0
    if principal is not None and principal.account_id is not None:
        unread = await services.notifications.unread_count(principal.account_id)
    return Page(request, services, principal, lang, binding, cookies_to_set=cookies, unread=unread)


def finish(page: Page, response: web.StreamResponse) -> web.StreamResponse:
    secure = secure_cookies(page.services.settings.public_url)
    url = page.services.settings.public_url
    for base, value in page.cookies_to_set.items():
        name = base if base == LANG_COOKIE else node_cookie(base, url)
        if value:
            set_cookie(
                response,
                name,
                value,
                secure=secure,
                max_age=365 * 86400 if base == LANG_COOKIE else None,
            )
        else:
            clear_cookie(response, name)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Vary", "Cookie, Accept-Language")
    return response


def page_handler(
    role: Role | None = Role.COORDINATOR,
) -> Callable[[Handler], Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    """Wrap a page handler: session, CSRF on POST, role, errors as pages, headers."""

    def wrap(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            page = await open_page(request)
            return finish(page, await _run(page, handler, role))

        return handle

    return wrap


async def _run(page: Page, handler: Handler, role: Role | None) -> web.StreamResponse:
    request = page.request
    if request.method == "POST":
        page.form = await request.post()  # type: ignore[assignment]
        if not same_origin(request, page.services.settings.public_url) or not csrf_valid(
            page.binding, page.form.get(CSRF_FIELD)
        ):
            return page.error(
                Forbidden("The form expired or came from elsewhere.", reason="csrf-invalid")
            )
    if role is not None and page.principal is None:
        target = quote(request.path_qs if request.method == "GET" else "/", safe="")
        return page.redirect(f"/sign-in?next={target}")
    try:
        if role is not None:
            assert page.principal is not None
            page.principal.require(role)
        return await handler(page)
    except NodeError as error:
        return page.error(error)


def form_values(form: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {name: form.get(name, "") for name in names}


__all__ = ["RENDERER", "NotFound", "Page", "form_values", "local_path", "page_handler"]
