"""The notification sender: a sweep that delivers due rows, each on its own.

Rows are claimed with a lock (a crash leaves them to be retried once the lock
lapses), sent concurrently under timeouts, and settled one by one: sent,
retried later with backoff, postponed to the end of the user's quiet hours,
cancelled when the user no longer wants them, or failed, which is recorded in
the row's history and told to the admins in their notification list.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field, replace
from datetime import timedelta
from email.message import EmailMessage
from typing import Protocol

from yarl import URL

from federation.poster import GuardedPoster
from federation.webhooks import signed_headers
from node.clock import Clock, from_text, to_text
from node.domain.notifications import retry
from node.domain.notifications.digest import digest_lines
from node.domain.notifications.events import Kind
from node.domain.notifications.mail import Mail, MailError, compose
from node.domain.notifications.messages import render, text
from node.domain.notifications.preferences import Preferences
from node.domain.notifications.service import NotificationService
from node.domain.notifications.webhooks import payload
from node.domain.suggestions import SuggestionService
from node.errors import NotFound
from node.settings import Settings
from node.storage import Store
from node.storage.notification_rows import DeliveryRow

log = logging.getLogger("solidarity.notifications")


class Mailer(Protocol):
    @property
    def configured(self) -> bool: ...

    async def send(self, message: EmailMessage) -> None:
        """Send, or raise MailError."""


@dataclass(frozen=True)
class SendLimits:
    batch: int = 200
    concurrency: int = 8
    lock_for: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    state: str  # sent, pending (a retry), failed, cancelled
    status: int | None = None
    error: str = ""
    next_attempt_at: str | None = None
    counts: bool = True  # False when nothing was attempted (cancelled)


@dataclass
class NotificationSender:
    store: Store
    service: NotificationService
    suggestions: SuggestionService
    settings: Settings
    clock: Clock
    mailer: Mailer
    poster: GuardedPoster
    limits: SendLimits = field(default_factory=SendLimits)
    rng: random.Random = field(default_factory=random.Random)
    name: str = "notification-send"

    async def run_once(self) -> int:
        now = self.clock.now()
        async with self.store.transaction() as repos:
            rows = await repos.notifications.claim_due(
                to_text(now), self.limits.batch, to_text(now + self.limits.lock_for)
            )
        gate = asyncio.Semaphore(self.limits.concurrency)

        async def one(row: DeliveryRow) -> None:
            async with gate:
                await self._handle(row)

        results = await asyncio.gather(*(one(row) for row in rows), return_exceptions=True)
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, asyncio.CancelledError):
                raise result
            if isinstance(result, BaseException):
                # One row's bug must not stop the others; it stays locked and is retried.
                log.error(
                    "notice id=%d channel=%s failed reason=sender-error",
                    row.id,
                    row.channel,
                    exc_info=result,
                )
        return len(rows)

    async def _handle(self, row: DeliveryRow) -> None:
        outcome: Outcome | None
        if row.channel == "webhook":
            outcome = await self._webhook(row)
        else:
            outcome = await self._mail(row)
        if outcome is None:
            return
        await self._settle(row, outcome)

    # -- mail ----------------------------------------------------------------

    async def _mail(self, row: DeliveryRow) -> Outcome | None:
        if not self.mailer.configured:
            return Outcome("cancelled", error="mail-not-configured", counts=False)
        assert row.account_id is not None
        try:
            prefs = await self.service.preferences(row.account_id)
        except NotFound:
            return Outcome("cancelled", error="account-gone", counts=False)
        wanted = prefs.mails_digest if row.channel == "digest" else prefs.mails(Kind(row.kind))
        if not wanted:
            return Outcome("cancelled", error="unsubscribed", counts=False)
        now = self.clock.now()
        quiet = prefs.quiet_until(now)
        if quiet is not None:
            async with self.store.transaction() as repos:
                await repos.notifications.postpone(
                    row.id, to_text(quiet), "quiet-hours", to_text(now)
                )
            return None
        message = await self._message(row, prefs)
        try:
            await self.mailer.send(message)
        except MailError as error:
            later = retry.after_mail_failure(
                row.attempts + 1,
                from_text(row.created_at),
                self.clock.now(),
                transient=error.transient,
                rng=self.rng,
            )
            if later is None:
                return Outcome("failed", error.code, error.reason)
            return Outcome("pending", error.code, error.reason, to_text(later))
        return Outcome("sent", 250)

    async def _message(self, row: DeliveryRow, prefs: Preferences) -> EmailMessage:
        lang, node = prefs.language, self.settings.name
        if row.channel == "digest":
            threshold = self.settings.notify_match_threshold
            lines = await digest_lines(
                self.store.reader, self.suggestions, prefs, self.clock.now(), threshold
            )
            subject = text(lang, "digest.subject", node=node, date=row.data["date"])
            mail = Mail(prefs.email, subject, lang, lines, link=self.settings.uris.home)
        else:
            shown = render(row.kind, row.data, lang, prefs.timezone)
            mail = Mail(
                prefs.email,
                f"[{node}] {shown.subject}",
                lang,
                shown.lines,
                link=shown.link,
                action=shown.action,
            )
        unsubscribe = await self.service.unsubscribe_url(prefs.account_id)
        mail = replace(mail, node_name=node, unsubscribe=unsubscribe)
        domain = URL(self.settings.public_url).host or "localhost"
        return compose(
            mail,
            sender=self.settings.mail_from,
            message_id=row.message_id,
            domain=domain,
            now=self.clock.now(),
        )

    # -- webhooks ------------------------------------------------------------

    async def _webhook(self, row: DeliveryRow) -> Outcome:
        assert row.endpoint_id is not None
        endpoint = await self.store.reader.notifications.endpoint(row.endpoint_id)
        if endpoint is None or not endpoint.enabled:
            return Outcome("cancelled", error="endpoint-disabled", counts=False)
        body = payload(row.kind, row.data, row.created_at)
        now = self.clock.now()
        headers = signed_headers(endpoint.secret, row.message_id, now, body)
        result = await self.poster.post(endpoint.url, body, headers)
        if result.permanent:
            return Outcome("failed", None, result.error)
        kind, later, reason = retry.after_webhook_answer(
            row.attempts + 1,
            from_text(row.created_at),
            self.clock.now(),
            result.status,
            result.retry_after,
            rng=self.rng,
        )
        error = "" if kind == "sent" else result.error or reason
        if kind == "retry":
            assert later is not None
            return Outcome("pending", result.status, error, to_text(later))
        return Outcome(kind, result.status, error)

    # -- settling ------------------------------------------------------------

    async def _settle(self, row: DeliveryRow, outcome: Outcome) -> None:
        now = to_text(self.clock.now())
        attempts = row.attempts + (1 if outcome.counts else 0)
        final = outcome.state != "pending"
        # Contact details sent to an opted-in endpoint are not kept once the call is over.
        scrubbed = {k: v for k, v in row.data.items() if k != "contact"} if final else None
        async with self.store.transaction() as repos:
            await repos.notifications.settle(
                row.id,
                state=outcome.state,
                attempts=attempts,
                next_attempt_at=outcome.next_attempt_at,
                status=outcome.status,
                error=outcome.error,
                now=now,
                data=scrubbed,
            )
            if outcome.counts:
                label = "retry" if outcome.state == "pending" else outcome.state
                await repos.notifications.add_attempt(
                    row.id, now, outcome.status, label, outcome.error
                )
        log.info(
            "notice id=%d channel=%s kind=%s outcome=%s reason=%s",
            row.id,
            row.channel,
            row.kind,
            outcome.state,
            outcome.error or "-",
        )
        if outcome.state == "failed":
            await self._report(row, outcome)

    async def _report(self, row: DeliveryRow, outcome: Outcome) -> None:
        if row.channel == "webhook":
            assert row.endpoint_id is not None
            endpoint = await self.store.reader.notifications.endpoint(row.endpoint_id)
            recipient = endpoint.url if endpoint else f"webhook {row.endpoint_id}"
            link = self.settings.uris.webhook_deliveries_api(row.endpoint_id)
        else:
            assert row.account_id is not None
            account = await self.store.reader.notifications.recipient(row.account_id)
            recipient = account.username if account else f"account {row.account_id}"
            link = self.settings.uris.notification_deliveries_api
        data = {
            "channel": row.channel,
            "recipient": recipient,
            "error": outcome.error,
            "kind": row.kind,
            "delivery": row.id,
            "link": link,
        }
        await self.service.notify_admins(f"notice.failed:{row.id}", Kind.NOTICE_FAILED, data)
