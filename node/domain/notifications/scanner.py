"""The notification scanner: a sweep that derives events from the database and stores
one row per recipient and channel.

It reads what changed from the change feed, after its cursor, and looks at what
is true now. The rows it stores and its advanced cursor commit together, so each
change is handled, and a restart resumes where the last scan stopped. Rows are
keyed by the event, so nobody is notified twice: not of what is true now on every
scan, nor of the last ``RECENT`` minutes of changes, read again so that a user or
webhook endpoint added since still hears of them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta

from node.clock import Clock, to_text
from node.domain.notifications import sources
from node.domain.notifications.events import Event
from node.domain.notifications.preferences import IN_APP, Preferences
from node.domain.notifications.service import NotificationService
from node.domain.suggestions import SuggestionService
from node.settings import Settings
from node.storage import Store
from node.storage.events import Consumer, EventKind
from node.storage.events import Event as Change
from node.storage.notification_rows import EndpointRow
from node.storage.notifications import NotificationRepository

log = logging.getLogger("solidarity.notifications")

CONSUMER: Consumer = "notifications"
CHANGES = (EventKind.CLAIM_RECEIVED, EventKind.CLAIM_ANSWERED, EventKind.KEY_CHANGED)
# A recipient or webhook endpoint added lately still hears of the changes of this
# window (read again each scan; the keyed rows keep everyone else from hearing twice).
RECENT = timedelta(minutes=10)
# Matching and delivery health read much more than the rest: not on every round.
SLOW_EVERY = timedelta(minutes=5)


def message_id(channel: str) -> str:
    return f"{channel}_{uuid.uuid4().hex}"


class NotificationScanner:
    name = "notification-scan"

    def __init__(
        self,
        store: Store,
        service: NotificationService,
        suggestions: SuggestionService,
        settings: Settings,
        clock: Clock,
        wake: asyncio.Event | None = None,
    ) -> None:
        self._store = store
        self._service = service
        self._suggestions = suggestions
        self._settings = settings
        self._clock = clock
        self._wake = wake
        self._slow_at: datetime | None = None
        self._links = sources.Links(settings.public_url)
        # Mail is off until a server and a sender address are configured.
        self._mail_on = bool(settings.smtp_host and settings.mail_from)

    async def run_once(self) -> int:
        now = self._clock.now()
        reader = self._store.reader
        start = await reader.events.position(CONSUMER)
        last = max(start, await reader.events.last_id())  # first: all up to it committed
        recent = to_text(now - RECENT)
        changes = await reader.events.after(start, last, CHANGES, also_since=recent)
        events = await self.events(now, changes)
        recipients = await self._service.recipients()
        endpoints = [e for e in await reader.notifications.endpoints() if e.enabled]
        async with self._store.transaction() as repos:
            created = await fan_out(
                repos.notifications, events, recipients, endpoints, now, mail=self._mail_on
            )
            if self._mail_on:
                created += await self._digests(repos.notifications, recipients, now)
            await repos.events.advance(CONSUMER, start, last)
        if created:
            log.info("notifications scanned events=%d new-rows=%d", len(events), created)
            if self._wake is not None:
                self._wake.set()
        return created

    async def events(self, now: datetime, changes: list[Change]) -> list[Event]:
        """The events of ``changes`` (read from the change feed) and of what is true now."""
        repos, links = self._store.reader, self._links
        found = [
            *await sources.claims_received(repos, changes, links),
            *await sources.claims_answered(repos, changes, links),
            *await sources.items_expiring(repos, now, links),
            *await sources.follow_requests(repos, links),
            *sources.keys_changed(changes, links),
        ]
        if self._slow_at is None or now - self._slow_at >= SLOW_EVERY:
            self._slow_at = now
            threshold = self._settings.notify_match_threshold
            found += await sources.matches(self._suggestions, threshold, links)
            found += await sources.deliveries_failing(repos, now, links)
        return found

    async def _digests(
        self, repo: NotificationRepository, recipients: list[Preferences], now: datetime
    ) -> int:
        """One digest a day per user who wants it, from ``notify_digest_hour`` local time."""
        created = 0
        for prefs in recipients:
            local = prefs.local_now(now)
            if not prefs.mails_digest or local.hour < self._settings.notify_digest_hour:
                continue
            day = local.date().isoformat()
            created += await repo.add_delivery(
                message_id=message_id("digest"),
                channel="digest",
                target=f"account:{prefs.account_id}",
                account_id=prefs.account_id,
                endpoint_id=None,
                event_key=f"digest:{day}",
                kind="digest",
                data={"date": day},
                now=to_text(now),
            )
        return created


async def fan_out(
    repo: NotificationRepository,
    events: list[Event],
    recipients: list[Preferences],
    endpoints: list[EndpointRow],
    now: datetime,
    *,
    mail: bool = True,
) -> int:
    """Store each event for every recipient and endpoint that wants it; count new rows."""
    created, stamp = 0, to_text(now)
    for event in events:
        for prefs in recipients:
            if not prefs.wants(event.kind):
                continue
            if IN_APP in prefs.channels:
                created += await repo.add_notification(
                    prefs.account_id, event.key, event.kind.value, event.data, stamp
                )
            if mail and prefs.mails(event.kind):
                created += await repo.add_delivery(
                    message_id=message_id("email"),
                    channel="email",
                    target=f"account:{prefs.account_id}",
                    account_id=prefs.account_id,
                    endpoint_id=None,
                    event_key=event.key,
                    kind=event.kind.value,
                    data=event.data,
                    now=stamp,
                )
        for endpoint in endpoints:
            if event.kind.value not in endpoint.events:
                continue
            created += await repo.add_delivery(
                message_id=message_id("msg"),
                channel="webhook",
                target=f"webhook:{endpoint.id}",
                account_id=None,
                endpoint_id=endpoint.id,
                event_key=event.key,
                kind=event.kind.value,
                data=event.for_webhook(endpoint.include_contact),
                now=stamp,
            )
    return created
