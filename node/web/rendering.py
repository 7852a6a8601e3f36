"""Jinja2 templates (autoescaped), translated per request, and the filters pages use.

Peers' text is untrusted: ``peer_text`` strips every tag, ``peer_html`` keeps a
small allowlist of harmless tags (nh3), and both return markup that is safe
to insert. Our own text is plain and escaped like everything else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import nh3
from babel.dates import format_datetime
from babel.numbers import format_decimal
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from federation.uris import authority_of
from node.clock import from_text
from node.web.i18n import Catalogs
from node.web.labels import ALL

PEER_TAGS = {"p", "br", "a", "ul", "ol", "li", "em", "strong", "b", "i", "blockquote", "code"}
PEER_ATTRIBUTES = {"a": {"href"}}


def peer_text(value: str | None) -> Markup:
    """A peer's plain text (a title, a group's name): tags removed, the rest escaped."""
    return Markup(nh3.clean(value or "", tags=set()))  # noqa: S704 (nh3 output is safe)


def peer_html(value: str | None) -> Markup:
    """A peer's HTML content, reduced to an allowlist of tags and http(s) links."""
    cleaned = nh3.clean(
        value or "",
        tags=PEER_TAGS,
        attributes=PEER_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow ugc",
    )
    return Markup(cleaned)  # noqa: S704 (nh3 output is safe)


def actor_host(actor_id: str) -> str:
    """The host of an actor URL, to name a group whose name we do not know."""
    try:
        return authority_of(actor_id)
    except ValueError:
        return actor_id


@pass_context
def _gettext(context: Context, message: str) -> str:
    return str(context["catalog"].gettext(message))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return str(context["catalog"].ngettext(singular, plural, count))


@pass_context
def _when(context: Context, moment: datetime | str | None, fmt: str = "medium") -> str:
    if not moment:
        return ""
    if isinstance(moment, str):
        try:
            moment = from_text(moment)
        except ValueError:
            return str(moment)
    return format_datetime(moment, format=fmt, tzinfo=moment.tzinfo, locale=context["lang"])


@pass_context
def _number(context: Context, value: float | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.###", locale=context["lang"])


class Renderer:
    """Templates and catalogs of a chain of packages: ``node.web`` last, so a sub-app's
    templates can extend its base layout and fall back to its messages."""

    def __init__(self, packages: tuple[str, ...] = ("node.web",)) -> None:
        self.catalogs = Catalogs(packages)
        self.env = Environment(
            loader=ChoiceLoader([PackageLoader(package, "templates") for package in packages]),
            autoescape=True,
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            _gettext, _ngettext, newstyle=True
        )
        self.env.filters.update(
            peer_text=peer_text, peer_html=peer_html, when=_when, number=_number, host=actor_host
        )
        self.env.globals["labels"] = ALL

    def render(self, template: str, lang: str, context: dict[str, Any]) -> str:
        catalog = self.catalogs.get(lang)
        return self.env.get_template(template).render(**context, lang=lang, catalog=catalog)
