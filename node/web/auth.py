"""Sign in, sign out, and the language setting."""

from __future__ import annotations

from aiohttp import web

from node.errors import NodeError
from node.web.i18n import LANG_COOKIE, LANGUAGES
from node.web.messages import error_message
from node.web.pages import Page, local_path, page_handler
from node.web.security import SESSION_COOKIE, LoginThrottle, node_cookie

THROTTLE = web.AppKey("web_login_throttle", LoginThrottle)


@page_handler(role=None)
async def sign_in_form(page: Page) -> web.StreamResponse:
    if page.principal is not None:
        return page.redirect(local_path(page.request.query.get("next")))
    return page.render("sign_in.html", username="", next=page.request.query.get("next", "/"))


@page_handler(role=None)
async def sign_in(page: Page) -> web.StreamResponse:
    username, target = page.field("username"), local_path(page.field("next"))
    throttle, address = page.request.config_dict[THROTTLE], page.request.remote or "unknown"
    wait = throttle.wait(address, username, page.services.clock.now())
    try:
        if wait is not None:
            raise NodeError("Too many attempts.", reason="too-many-attempts")
        token, _ = await page.services.accounts.sign_in(
            username, page.form.get("password", ""), label="web session"
        )
    except NodeError as error:
        status = 429 if wait is not None else 401
        response = page.render(
            "sign_in.html",
            status=status,
            username=username,
            next=target,
            error=error_message(page.gettext, error),
        )
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        return response
    throttle.succeeded(address, username)
    page.cookies_to_set[SESSION_COOKIE] = token
    return page.redirect(target, "signed-in")


@page_handler()
async def sign_out(page: Page) -> web.StreamResponse:
    cookie = node_cookie(SESSION_COOKIE, page.services.settings.public_url)
    await page.services.accounts.revoke(page.request.cookies.get(cookie, ""))
    page.cookies_to_set[SESSION_COOKIE] = ""
    return page.redirect("/sign-in", "signed-out")


@page_handler(role=None)
async def choose_language(page: Page) -> web.StreamResponse:
    choice = page.field("lang")
    if choice in LANGUAGES:
        page.cookies_to_set[LANG_COOKIE] = choice
    return page.redirect(local_path(page.field("next")), "language")
