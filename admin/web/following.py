"""The peers we follow, with what we keep from each, and the form to follow one more.

The form is checked whole before anything is sent: a bad address or a partial
region shows its message next to the field and nothing is saved.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from aiohttp import web
from multidict import MultiMapping

from federation.errors import FederationError
from node.domain.records import Followee
from node.domain.subscriptions import SubscriptionFilter
from node.errors import NodeError
from node.web.i18n import N_
from node.web.messages import error_message
from node.web.pages import Page, page_handler
from schemas.vocab import Category, Purpose, Role

admin_page = page_handler(role=Role.ADMIN)

PATH = "/admin/following"
FIELDS = ("target", "purpose", "category", "region")
HANDLE = re.compile(r"@?[^@\s/]+@[^@\s/]+")
URL = re.compile(r"https?://[^\s/]+(/\S*)?")
MAX_RADIUS_KM = 2000.0

MESSAGES = {
    "target": N_("Write the peer's address like group@example.org, or its actor URL."),
    "purpose": N_("Choose offers, requests, or neither for both."),
    "category": N_("Choose categories from the list."),
    "region": N_(
        "For a region give latitude (−90 to 90), longitude (−180 to 180) and a radius"
        " in km (more than 0, up to 2,000), or leave all three empty."
    ),
}
ERRORS = {
    "follow-self": N_("A node cannot follow itself."),
    "not-following": N_("We do not follow that peer."),
}
UNREACHABLE = N_("That peer could not be reached, or gave no usable answer. Check the address.")
NOTICES = {
    "subscribed": N_("Follow request sent. Its items arrive once the peer accepts."),
    "unfollowed": N_("No longer following that peer."),
}
STATES = {
    "pending": N_("Waiting for them to accept"),
    "accepted": N_("Accepted"),
    "rejected": N_("Refused"),
}


@dataclass
class SubscribeForm:
    """What the admin typed, and a message id per field that needs fixing."""

    target: str = ""
    purposes: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    latitude: str = ""
    longitude: str = ""
    radius_km: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, str]:
        return {
            "target": self.target,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "radius_km": self.radius_km,
        }

    def fail(self, name: str, message: str | None = None) -> None:
        self.errors.setdefault(name, message or MESSAGES[name])

    def ordered_errors(self) -> list[tuple[str, str]]:
        order = {name: index for index, name in enumerate(FIELDS)}
        return sorted(self.errors.items(), key=lambda pair: order.get(pair[0], len(order)))


@dataclass(frozen=True)
class Following:
    """One peer we follow, its state and what we keep from it."""

    actor_id: str
    state: str
    keep: SubscriptionFilter


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".").replace("−", "-"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _region(form: SubscribeForm) -> tuple[tuple[float, float] | None, float | None]:
    texts = (form.latitude, form.longitude, form.radius_km)
    if not any(texts):
        return None, None
    lat, lon, radius = (_number(text) for text in texts)
    if (
        lat is None
        or lon is None
        or radius is None
        or not -90 <= lat <= 90
        or not -180 <= lon <= 180
        or not 0 < radius <= MAX_RADIUS_KM
    ):
        form.fail("region")
        return None, None
    return (lat, lon), radius


def parse(posted: MultiMapping[str]) -> SubscribeForm:
    """Check the whole form; the filter to keep is built only when it has no errors."""
    form = SubscribeForm(
        target=posted.get("target", "").strip(),
        purposes=list(posted.getall("purpose", [])),
        categories=list(posted.getall("category", [])),
        latitude=posted.get("latitude", "").strip(),
        longitude=posted.get("longitude", "").strip(),
        radius_km=posted.get("radius_km", "").strip(),
    )
    target = form.target
    if not 3 <= len(target) <= 2000 or not (HANDLE.fullmatch(target) or URL.fullmatch(target)):
        form.fail("target")
    if not set(form.purposes) <= {p.value for p in Purpose}:
        form.fail("purpose")
    if not set(form.categories) <= {c.value for c in Category}:
        form.fail("category")
    _region(form)
    return form


def to_filter(form: SubscribeForm) -> SubscriptionFilter:
    centre, radius = _region(form)
    return SubscriptionFilter(
        purposes=tuple(p.value for p in Purpose if p.value in form.purposes),
        categories=tuple(c.value for c in Category if c.value in form.categories),
        centre=centre,
        radius_km=radius,
    )


def _keep(followee: Followee) -> SubscriptionFilter:
    try:
        return SubscriptionFilter.from_json(followee.filters)
    except (ValueError, KeyError, TypeError):
        return SubscriptionFilter()


async def _page(
    page: Page, form: SubscribeForm, *, status: int = 200, error: str | None = None
) -> web.Response:
    rows = await page.services.oversight.following()
    following = [Following(f.actor_id, f.state, _keep(f)) for f in rows]
    # An answer to a POST shows this page: the language picker comes back to it.
    context = {"following": following, "form": form, "states": STATES, "error": error, "path": PATH}
    notice = NOTICES.get(page.request.query.get("done", ""))
    if notice is not None:
        context["notice"] = notice
    return page.render("admin_following.html", status=status, **context)


def _message(page: Page, error: NodeError | FederationError) -> str:
    """The error in the reader's language (a peer's failure in general terms)."""
    if isinstance(error, FederationError):
        return page.gettext(UNREACHABLE)
    known = ERRORS.get(error.reason)
    return page.gettext(known) if known else error_message(page.gettext, error)


@admin_page
async def following(page: Page) -> web.StreamResponse:
    return await _page(page, SubscribeForm())


@admin_page
async def subscribe(page: Page) -> web.StreamResponse:
    form = parse(page.form)
    if form.errors:
        return await _page(page, form, status=422)
    follows = page.services.follows
    try:
        await follows.follow(form.target, who=page.who, keep=to_filter(form))
    except (NodeError, FederationError) as error:
        status = error.status if 400 <= error.status < 500 else 422
        return await _page(page, form, status=status, error=_message(page, error))
    return page.redirect(PATH, "subscribed")


@admin_page
async def unfollow(page: Page) -> web.StreamResponse:
    follows = page.services.follows
    try:
        await follows.unfollow(page.field("actor"), who=page.who)
    except NodeError as error:
        return await _page(page, SubscribeForm(), status=error.status, error=_message(page, error))
    return page.redirect(PATH, "unfollowed")
