"""The signed-in account's notifications and its notification preferences.

``/notifications`` lists what happened, newest first, unread ones marked, with a
button that marks them all read; the nav's unread count comes from
:attr:`Page.unread`. ``/notifications/preferences`` is checked whole before
anything is saved: a bad time or address shows its message and nothing changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from multidict import MultiMapping

from node.clock import from_text
from node.domain.notifications.events import Kind, allowed_kinds
from node.domain.notifications.messages import render
from node.domain.notifications.preferences import CHANNELS, LANGUAGES, Preferences
from node.domain.records import NotificationRow
from node.errors import Forbidden, Unprocessable
from node.web.i18n import LANGUAGES as LANGUAGE_NAMES
from node.web.i18n import N_
from node.web.pages import Page, local_path, page_handler

LIST, PREFERENCES = "/notifications", "/notifications/preferences"
PAGE_SIZE = 50
FIELDS = ("events", "channels", "email", "quiet_hours", "timezone", "language")
EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")
CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")

# What each event is, in words (the preferences form and the admin's webhook pages).
KINDS = {
    Kind.CLAIM_RECEIVED.value: N_("Another group claims one of our offers or requests"),
    Kind.CLAIM_ANSWERED.value: N_("Our claim on another group's item is answered"),
    Kind.MATCH_SUGGESTED.value: N_("A strong match for one of our urgent items"),
    Kind.ITEM_EXPIRING.value: N_("One of our items ends within 24 hours"),
    Kind.FOLLOW_REQUESTED.value: N_("A follow request waits for approval"),
    Kind.KEY_CHANGED.value: N_("A peer's key changed"),
    Kind.DELIVERY_FAILING.value: N_("Deliveries to a peer fail for over a day"),
    Kind.NOTICE_FAILED.value: N_("An email or webhook call was given up"),
    Kind.WEBHOOK_TEST.value: N_("Test call"),
}
CHANNEL_NAMES = {"in-app": N_("In this list"), "email": N_("By email")}
MESSAGES = {
    "events": N_("Choose events from the list."),
    "channels": N_("Choose channels from the list."),
    "email": N_("Write an email address like name@example.org, or leave it empty."),
    "quiet_hours": N_(
        "Give both times of the quiet hours as HH:MM (like 22:00 and 07:00), different"
        " from each other, or leave both empty."
    ),
    "timezone": N_("Write a time zone like Europe/Madrid or America/Mexico_City."),
    "language": N_("Choose a language from the list."),
}
NOTICES = {
    "read": N_("All notifications are marked as read."),
    "preferences": N_("Notification preferences saved."),
}


def _account(page: Page) -> int:
    assert page.principal is not None
    if page.principal.account_id is None:
        raise Forbidden(
            "Notifications belong to an account: sign in with a username.",
            reason="account-required",
        )
    return page.principal.account_id


def _notice(page: Page, context: dict[str, Any]) -> None:
    notice = NOTICES.get(page.request.query.get("done", ""))
    if notice is not None:
        context["notice"] = notice


# -- the list ----------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One notification as the page shows it, in the reader's language and time zone."""

    id: int
    subject: str
    lines: list[str]
    link: str | None
    at: datetime
    read: bool


def _local_link(link: str, public_url: str) -> str | None:
    """The notification's link as a path on this node (they are all ours)."""
    if link.startswith(public_url):
        link = link[len(public_url) :]
    path = local_path(link, "")
    return path or None


def shown(row: NotificationRow, prefs: Preferences, lang: str, public_url: str) -> Shown:
    words = render(row.kind, row.data, lang, prefs.timezone)
    at = from_text(row.created_at).astimezone(ZoneInfo(prefs.timezone))
    return Shown(
        row.id,
        words.subject,
        words.lines,
        _local_link(words.link, public_url),
        at,
        row.read_at is not None,
    )


def _before(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < len(text) < 12 else None


@page_handler()
async def notifications(page: Page) -> web.StreamResponse:
    before = _before(page.request.query.get("before", ""))
    rows, unread, prefs = await page.services.notifications.notifications(
        _account(page), unread_only=False, before=before, limit=PAGE_SIZE
    )
    public_url = page.services.settings.public_url
    context: dict[str, Any] = {
        "notes": [shown(row, prefs, page.lang, public_url) for row in rows],
        "unread": unread,
        "older": rows[-1].id if len(rows) == PAGE_SIZE else None,
        "paged": before is not None,
    }
    _notice(page, context)
    return page.render("notifications.html", **context)


@page_handler()
async def mark_all_read(page: Page) -> web.StreamResponse:
    await page.services.notifications.mark_read(_account(page), None)
    return page.redirect(LIST, "read")


# -- preferences -------------------------------------------------------------


@dataclass
class PreferencesForm:
    """What the user chose, and a message id per field that needs fixing."""

    events: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    email: str = ""
    digest: bool = False
    quiet_start: str = ""
    quiet_end: str = ""
    timezone: str = "UTC"
    language: str = "en"
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, str]:
        return {
            "email": self.email,
            "quiet_start": self.quiet_start,
            "quiet_end": self.quiet_end,
            "timezone": self.timezone,
            "language": self.language,
        }

    def fail(self, name: str) -> None:
        self.errors.setdefault(name, MESSAGES[name])

    def ordered_errors(self) -> list[tuple[str, str]]:
        order = {name: index for index, name in enumerate(FIELDS)}
        return sorted(self.errors.items(), key=lambda pair: order.get(pair[0], len(order)))

    @property
    def quiet_hours(self) -> tuple[str, str] | None:
        return (self.quiet_start, self.quiet_end) if self.quiet_start else None


def from_preferences(prefs: Preferences) -> PreferencesForm:
    return PreferencesForm(
        events=[k.value for k in prefs.events],
        channels=list(prefs.channels),
        email=prefs.email,
        digest=prefs.digest,
        quiet_start=prefs.quiet_start or "",
        quiet_end=prefs.quiet_end or "",
        timezone=prefs.timezone,
        language=prefs.language,
    )


def _clock(text: str) -> str | None:
    """``7:05`` or ``07:05`` as ``07:05``; None when it is no time of day."""
    found = CLOCK.fullmatch(text)
    return f"{int(found.group(1)):02d}:{found.group(2)}" if found else None


def _known_zone(name: str) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse(posted: MultiMapping[str], prefs: Preferences) -> PreferencesForm:
    """Check the whole form against what this account may choose."""
    form = PreferencesForm(
        events=list(posted.getall("events", [])),
        channels=list(posted.getall("channels", [])),
        email=posted.get("email", "").strip(),
        digest=posted.get("digest") == "on",
        quiet_start=posted.get("quiet_start", "").strip(),
        quiet_end=posted.get("quiet_end", "").strip(),
        timezone=posted.get("timezone", "").strip(),
        language=posted.get("language", ""),
    )
    if not set(form.events) <= {k.value for k in allowed_kinds(prefs.role)}:
        form.fail("events")
    if not set(form.channels) <= set(CHANNELS):
        form.fail("channels")
    if form.email and (len(form.email) > 254 or not EMAIL.fullmatch(form.email)):
        form.fail("email")
    if form.quiet_start or form.quiet_end:
        start, end = _clock(form.quiet_start), _clock(form.quiet_end)
        if start is None or end is None or start == end:
            form.fail("quiet_hours")
        else:
            form.quiet_start, form.quiet_end = start, end
    if not _known_zone(form.timezone):
        form.fail("timezone")
    if form.language not in LANGUAGES:
        form.fail("language")
    return form


def _preferences_page(
    page: Page, form: PreferencesForm, prefs: Preferences, *, status: int = 200
) -> web.Response:
    kinds = [(k.value, KINDS[k.value]) for k in Kind if k in allowed_kinds(prefs.role)]
    context: dict[str, Any] = {
        "form": form,
        "kinds": kinds,
        "channels": CHANNEL_NAMES,
        "language_names": {code: LANGUAGE_NAMES[code] for code in LANGUAGES},
        "path": PREFERENCES,  # an answer to a POST: the language picker comes back here
    }
    _notice(page, context)
    return page.render("notification_preferences.html", status=status, **context)


@page_handler()
async def preferences_form(page: Page) -> web.StreamResponse:
    prefs = await page.services.notifications.preferences(_account(page))
    return _preferences_page(page, from_preferences(prefs), prefs)


@page_handler()
async def save_preferences(page: Page) -> web.StreamResponse:
    service = page.services.notifications
    account = _account(page)
    prefs = await service.preferences(account)
    form = parse(page.form, prefs)
    if not form.errors:
        try:
            await service.set_preferences(
                account,
                events=form.events,
                channels=form.channels,
                email=form.email,
                digest=form.digest,
                quiet_hours=form.quiet_hours,
                timezone=form.timezone,
                language=form.language,
            )
        except Unprocessable as error:
            for problem in error.errors:
                name = problem.field.split(".", 1)[0]
                form.fail(name if name in MESSAGES else "events")
    if form.errors:
        return _preferences_page(page, form, prefs, status=422)
    return page.redirect(PREFERENCES, "preferences")
