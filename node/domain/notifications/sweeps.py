"""Builds the scanner and the sender for an application (and for tests that step them)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp

from federation.fetch import AddressPolicy
from node.domain.notifications.mail import SmtpMailer
from node.domain.notifications.scanner import NotificationScanner
from node.domain.notifications.sender import NotificationSender
from node.domain.notifications.webhooks import webhook_poster
from node.domain.suggestions import SuggestionService
from node.services import Services
from node.version import SOFTWARE_NAME, VERSION


@dataclass(frozen=True)
class NotificationSweeps:
    scanner: NotificationScanner
    sender: NotificationSender
    wake: asyncio.Event  # set by the scanner when it stored new rows
    suggestions: SuggestionService


def notification_sweeps(
    services: Services, session: aiohttp.ClientSession, addresses: AddressPolicy
) -> NotificationSweeps:
    """``session`` is the node's SSRF-guarded HTTP client and ``addresses`` its policy,
    so webhook calls obey the same rules as federation."""
    wake = asyncio.Event()
    # The node's one matching index: the item asked about is always read fresh, and a
    # second index would hold every live item a second time.
    suggestions = services.suggestions
    scanner = NotificationScanner(
        services.store, services.notifications, suggestions, services.settings, services.clock, wake
    )
    poster = webhook_poster(session, addresses, f"{SOFTWARE_NAME}/{VERSION}")
    sender = NotificationSender(
        services.store,
        services.notifications,
        suggestions,
        services.settings,
        services.clock,
        SmtpMailer(services.settings),
        poster,
    )
    return NotificationSweeps(scanner, sender, wake, suggestions)
