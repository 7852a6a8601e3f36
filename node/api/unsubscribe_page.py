"""The one page of notifications that needs no sign-in: stopping emails from a link."""

from __future__ import annotations

import html

from node.domain.notifications.messages import text

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _page(language: str, body: str) -> str:
    title = html.escape(text(language, "unsubscribe.title"))
    return (
        f'<!doctype html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>\n<body><main><h1>{title}</h1>\n{body}\n</main></body>"
        "</html>\n"
    )


def ask(language: str, email: str, token: str) -> str:
    """A button, not an action: mail scanners follow links, people press buttons."""
    question = html.escape(text(language, "unsubscribe.ask", email=email))
    button = html.escape(text(language, "unsubscribe.button"))
    form = (
        f'<p>{question}</p>\n<form method="post" action="/unsubscribe">'
        f'<input type="hidden" name="token" value="{html.escape(token)}">'
        f'<button type="submit">{button}</button></form>'
    )
    return _page(language, form)


def done(language: str, email: str) -> str:
    return _page(language, f"<p>{html.escape(text(language, 'unsubscribe.done', email=email))}</p>")


def invalid(language: str) -> str:
    return _page(language, f"<p>{html.escape(text(language, 'unsubscribe.invalid'))}</p>")
