"""Notification preferences, the in-app list, webhook endpoints and unsubscribe links.

Handlers call one method here; the sweeps (scanner, sender) read preferences
and the link secret through it too.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from yarl import URL

from federation.errors import FederationError
from federation.fetch import AddressPolicy
from federation.webhooks import new_secret
from node.clock import Clock, to_text
from node.domain.notifications import tokens
from node.domain.notifications.events import WEBHOOK_KINDS, Kind, allowed_kinds
from node.domain.notifications.preferences import EMAIL, Preferences, defaults, from_row, to_row
from node.errors import FieldError, NotFound, Unprocessable
from node.settings import Settings
from node.storage import Store
from node.storage.notification_rows import (
    AttemptRow,
    DeliveryRow,
    EndpointRow,
    NotificationRow,
    Recipient,
)
from schemas.vocab import Role

SECRET_KEY = "token_secret"  # noqa: S105 (the name of a state row)
_CLOCK_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _invalid(field: str, message: str) -> Unprocessable:
    return Unprocessable(
        "The preferences are not valid.",
        reason="preferences-invalid",
        errors=[FieldError(field, message)],
    )


class NotificationService:
    def __init__(self, store: Store, settings: Settings, clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._secret: bytes | None = None
        self.addresses = AddressPolicy.from_setting(settings.private_address_allowlist)

    # -- preferences ---------------------------------------------------------

    def _prefs(self, recipient: Recipient, stored: Any) -> Preferences:
        role = Role(recipient.role)
        if stored is None:
            return defaults(recipient.id, role, self._settings.default_language)
        return from_row(stored, role)

    async def recipients(self) -> list[Preferences]:
        reader = self._store.reader.notifications
        stored = await reader.all_preferences()
        return [self._prefs(r, stored.get(r.id)) for r in await reader.recipients()]

    async def preferences(self, account_id: int) -> Preferences:
        reader = self._store.reader.notifications
        recipient = await reader.recipient(account_id)
        if recipient is None:
            raise NotFound("No such account.", reason="account-not-found")
        return self._prefs(recipient, await reader.preferences(account_id))

    async def set_preferences(self, account_id: int, **changes: Any) -> Preferences:
        """Change some preferences; ``quiet_hours`` is ``(start, end)`` or None."""
        prefs = await self.preferences(account_id)
        if "events" in changes:
            unknown = [e for e in changes["events"] if Kind(e) not in allowed_kinds(prefs.role)]
            if unknown:
                raise _invalid("events", f"not for a {prefs.role.value}: {', '.join(unknown)}")
            changes["events"] = tuple(dict.fromkeys(Kind(e) for e in changes["events"]))
        if "channels" in changes:
            changes["channels"] = tuple(dict.fromkeys(changes["channels"]))
        if "quiet_hours" in changes:
            hours = changes.pop("quiet_hours")
            start, end = hours if hours is not None else (None, None)
            for name, value in (("quiet_hours.start", start), ("quiet_hours.end", end)):
                if value is not None and not _CLOCK_TIME.match(value):
                    raise _invalid(name, "must be HH:MM")
            changes.update(quiet_start=start, quiet_end=end)
        if "timezone" in changes:
            try:
                ZoneInfo(changes["timezone"])
            except (ZoneInfoNotFoundError, ValueError) as error:
                raise _invalid("timezone", "not a known time zone") from error
        changed = replace(prefs, **changes)
        async with self._store.transaction() as repos:
            await repos.notifications.save_preferences(to_row(changed, self._now()))
        return changed

    # -- the in-app list -----------------------------------------------------

    async def notifications(
        self, account_id: int, *, unread_only: bool, before: int | None, limit: int
    ) -> tuple[list[NotificationRow], int, Preferences]:
        prefs = await self.preferences(account_id)
        reader = self._store.reader.notifications
        rows = await reader.notifications(
            account_id, unread_only=unread_only, before=before, limit=limit
        )
        return rows, await reader.unread_count(account_id), prefs

    async def unread_count(self, account_id: int) -> int:
        """How many of the account's notifications are unread: one query, for every page."""
        return await self._store.reader.notifications.unread_count(account_id)

    async def mark_read(self, account_id: int, ids: list[int] | None) -> int:
        await self.preferences(account_id)
        async with self._store.transaction() as repos:
            await repos.notifications.mark_read(account_id, ids, self._now())
            return await repos.notifications.unread_count(account_id)

    async def notify_admins(self, event_key: str, kind: Kind, data: dict[str, Any]) -> None:
        """An in-app notice for every admin who wants ``kind`` (a notification that failed)."""
        admins = [p for p in await self.recipients() if p.role is Role.ADMIN and p.wants(kind)]
        async with self._store.transaction() as repos:
            for prefs in admins:
                await repos.notifications.add_notification(
                    prefs.account_id, event_key, kind.value, data, self._now()
                )

    # -- links that work without signing in ----------------------------------

    async def secret(self) -> bytes:
        if self._secret is None:
            async with self._store.transaction() as repos:
                value = await repos.notifications.init_state(SECRET_KEY, secrets.token_hex(32))
            self._secret = bytes.fromhex(value)
        return self._secret

    async def unsubscribe_url(self, account_id: int) -> str:
        token = tokens.sign(await self.secret(), tokens.UNSUBSCRIBE, account_id)
        return self._settings.uris.unsubscribe(token)

    async def unsubscriber(self, token: str) -> Preferences | None:
        account_id = tokens.verify(await self.secret(), tokens.UNSUBSCRIBE, token)
        if account_id is None:
            return None
        try:
            return await self.preferences(account_id)
        except NotFound:
            return None

    async def unsubscribe(self, token: str) -> Preferences | None:
        """Stop every notification email and the digest for the token's account."""
        prefs = await self.unsubscriber(token)
        if prefs is None:
            return None
        channels = tuple(c for c in prefs.channels if c != EMAIL)
        return await self.set_preferences(prefs.account_id, channels=channels, digest=False)

    # -- webhook endpoints (admins) ------------------------------------------

    def check_url(self, url: str) -> None:
        try:
            self.addresses.check_url(URL(url))
        except (FederationError, ValueError) as error:
            reason = getattr(error, "reason", "url-invalid")
            raise Unprocessable(
                "The webhook URL cannot be used.",
                reason="webhook-url-refused",
                errors=[FieldError("url", reason)],
            ) from error

    @staticmethod
    def _check_events(events: list[str]) -> list[str]:
        refused = [e for e in events if e not in WEBHOOK_KINDS]
        if refused:
            raise Unprocessable(
                "Unknown events.",
                reason="webhook-events-invalid",
                errors=[FieldError("events", ", ".join(refused))],
            )
        return list(dict.fromkeys(events))

    async def create_webhook(
        self,
        url: str,
        events: list[str],
        *,
        include_contact: bool,
        enabled: bool,
        description: str,
    ) -> EndpointRow:
        self.check_url(url)
        events = self._check_events(events)
        async with self._store.transaction() as repos:
            endpoint_id = await repos.notifications.add_endpoint(
                url, new_secret(), events, include_contact, enabled, description, self._now()
            )
            endpoint = await repos.notifications.endpoint(endpoint_id)
        assert endpoint is not None
        return endpoint

    async def webhooks(self) -> list[EndpointRow]:
        return await self._store.reader.notifications.endpoints()

    async def webhook(self, endpoint_id: int) -> EndpointRow:
        endpoint = await self._store.reader.notifications.endpoint(endpoint_id)
        if endpoint is None:
            raise NotFound("No such webhook endpoint.", reason="webhook-not-found")
        return endpoint

    async def update_webhook(self, endpoint_id: int, **changes: Any) -> EndpointRow:
        endpoint = await self.webhook(endpoint_id)
        if "url" in changes:
            self.check_url(changes["url"])
        if "events" in changes:
            changes["events"] = self._check_events(changes["events"])
        changed = replace(endpoint, **changes, updated_at=self._now())
        async with self._store.transaction() as repos:
            await repos.notifications.save_endpoint(changed)
        return changed

    async def delete_webhook(self, endpoint_id: int) -> None:
        async with self._store.transaction() as repos:
            if not await repos.notifications.delete_endpoint(endpoint_id):
                raise NotFound("No such webhook endpoint.", reason="webhook-not-found")

    async def test_webhook(self, endpoint_id: int) -> DeliveryRow:
        """Queue a signed test call to the endpoint, whatever events it takes."""
        endpoint = await self.webhook(endpoint_id)
        now = self._now()
        message_id = f"msg_{secrets.token_hex(16)}"
        async with self._store.transaction() as repos:
            await repos.notifications.add_delivery(
                message_id=message_id,
                channel="webhook",
                target=f"webhook:{endpoint.id}",
                account_id=None,
                endpoint_id=endpoint.id,
                event_key=f"webhook.test:{message_id}",
                kind=Kind.WEBHOOK_TEST.value,
                data={"endpoint": endpoint.id},
                now=now,
            )
            (row,) = await repos.notifications.deliveries(endpoint_id=endpoint.id, limit=1)
        return row

    async def history(
        self,
        *,
        endpoint_id: int | None = None,
        channel: str | None = None,
        state: str | None = None,
        limit: int = 100,
    ) -> list[tuple[DeliveryRow, list[AttemptRow]]]:
        if endpoint_id is not None:
            await self.webhook(endpoint_id)
        reader = self._store.reader.notifications
        rows = await reader.deliveries(
            channel=channel, state=state, endpoint_id=endpoint_id, limit=limit
        )
        attempts = await reader.attempts([row.id for row in rows])
        return [(row, attempts.get(row.id, [])) for row in rows]

    def _now(self) -> str:
        return to_text(self._clock.now())

    def now(self) -> datetime:
        return self._clock.now()
