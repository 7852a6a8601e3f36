"""Handlers for /api/v1/notifications (the in-app list and preferences), the admin's
webhook endpoints and delivery history, and the unsubscribe link."""

from __future__ import annotations

from aiohttp import web

from node.api import unsubscribe_page as pages
from node.api.endpoints import Call, Endpoint
from node.domain.notifications.events import allowed_kinds
from node.domain.notifications.messages import render
from node.domain.notifications.preferences import Preferences, default_language
from node.domain.records import AttemptRow, DeliveryRow, EndpointRow, NotificationRow
from node.errors import Forbidden
from node.services import SERVICES
from schemas.notifications import (
    AttemptOut,
    MarkRead,
    NoticeDeliveryList,
    NoticeDeliveryOut,
    NoticeDeliveryQuery,
    NotificationList,
    NotificationOut,
    NotificationQuery,
    PreferencesOut,
    PreferencesUpdate,
    QuietHours,
    UnreadOut,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookOut,
    WebhookUpdate,
)
from schemas.vocab import Role


def _account(call: Call) -> int:
    assert call.principal is not None
    if call.principal.account_id is None:
        raise Forbidden(
            "Notifications belong to an account: sign in with a username.",
            reason="account-required",
        )
    return call.principal.account_id


def notification_out(row: NotificationRow, prefs: Preferences) -> NotificationOut:
    shown = render(row.kind, row.data, prefs.language, prefs.timezone)
    return NotificationOut(
        id=row.id,
        kind=row.kind,
        title=shown.subject,
        lines=shown.lines,
        link=shown.link,
        data=row.data,
        created_at=row.created_at,
        read=row.read_at is not None,
        read_at=row.read_at,
    )


def preferences_out(prefs: Preferences) -> PreferencesOut:
    quiet = None
    if prefs.quiet_start and prefs.quiet_end:
        quiet = QuietHours(start=prefs.quiet_start, end=prefs.quiet_end)
    return PreferencesOut(
        email=prefs.email,
        events=[k.value for k in prefs.events],
        channels=list(prefs.channels),
        digest=prefs.digest,
        quiet_hours=quiet,
        timezone=prefs.timezone,
        language=prefs.language,
        available_events=sorted(k.value for k in allowed_kinds(prefs.role)),
    )


async def list_notifications(call: Call) -> NotificationList:
    query = call.query_as(NotificationQuery)
    rows, unread, prefs = await call.services.notifications.notifications(
        _account(call), unread_only=query.unread, before=query.before, limit=query.limit
    )
    after = rows[-1].id if len(rows) == query.limit else None
    return NotificationList(
        notifications=[notification_out(r, prefs) for r in rows], unread=unread, next_before=after
    )


async def mark_read(call: Call) -> UnreadOut:
    body = call.body_as(MarkRead)
    unread = await call.services.notifications.mark_read(_account(call), body.ids)
    return UnreadOut(unread=unread)


async def get_preferences(call: Call) -> PreferencesOut:
    return preferences_out(await call.services.notifications.preferences(_account(call)))


async def update_preferences(call: Call) -> PreferencesOut:
    body = call.body_as(PreferencesUpdate)
    changes = {
        name: getattr(body, name)
        for name in body.model_fields_set
        if name == "quiet_hours" or getattr(body, name) is not None
    }
    if "quiet_hours" in changes:
        hours = changes["quiet_hours"]
        changes["quiet_hours"] = (hours.start, hours.end) if hours is not None else None
    prefs = await call.services.notifications.set_preferences(_account(call), **changes)
    return preferences_out(prefs)


# -- admins: webhook endpoints and the delivery history ----------------------


def webhook_out(endpoint: EndpointRow) -> WebhookOut:
    values = {k: v for k, v in endpoint.__dict__.items() if k != "secret"}
    return WebhookOut(**values)


def delivery_out(row: DeliveryRow, attempts: list[AttemptRow]) -> NoticeDeliveryOut:
    recipient = row.target
    return NoticeDeliveryOut(
        id=row.id,
        message_id=row.message_id,
        channel=row.channel,
        kind=row.kind,
        event_key=row.event_key,
        recipient=recipient,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status=row.last_status,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
        history=[
            AttemptOut(at=a.at, status=a.status, outcome=a.outcome, error=a.error) for a in attempts
        ],
    )


def _id(call: Call) -> int:
    return call.row_id() or 0  # 0 names no webhook: the lookup answers 404


async def list_webhooks(call: Call) -> WebhookList:
    endpoints = await call.services.notifications.webhooks()
    return WebhookList(webhooks=[webhook_out(e) for e in endpoints])


async def create_webhook(call: Call) -> WebhookCreated:
    body = call.body_as(WebhookCreate)
    endpoint = await call.services.notifications.create_webhook(
        body.url,
        list(body.events),
        include_contact=body.include_contact,
        enabled=body.enabled,
        description=body.description,
    )
    return WebhookCreated(**webhook_out(endpoint).model_dump(), secret=endpoint.secret)


async def get_webhook(call: Call) -> WebhookOut:
    return webhook_out(await call.services.notifications.webhook(_id(call)))


async def update_webhook(call: Call) -> WebhookOut:
    body = call.body_as(WebhookUpdate)
    changes = body.model_dump(exclude_none=True)
    return webhook_out(await call.services.notifications.update_webhook(_id(call), **changes))


async def delete_webhook(call: Call) -> None:
    await call.services.notifications.delete_webhook(_id(call))


async def test_webhook(call: Call) -> NoticeDeliveryOut:
    return delivery_out(await call.services.notifications.test_webhook(_id(call)), [])


async def webhook_deliveries(call: Call) -> NoticeDeliveryList:
    query = call.query_as(NoticeDeliveryQuery)
    found = await call.services.notifications.history(
        endpoint_id=_id(call), state=query.state, limit=query.limit
    )
    return NoticeDeliveryList(deliveries=[delivery_out(row, tries) for row, tries in found])


async def all_deliveries(call: Call) -> NoticeDeliveryList:
    query = call.query_as(NoticeDeliveryQuery)
    found = await call.services.notifications.history(
        channel=query.channel, state=query.state, limit=query.limit
    )
    return NoticeDeliveryList(deliveries=[delivery_out(row, tries) for row, tries in found])


def notification_endpoints() -> list[Endpoint]:
    base, hooks, role = "/api/v1/notifications", "/api/v1/admin/webhooks", Role.COORDINATOR
    one, admin = f"{hooks}/{{id}}", Role.ADMIN
    bad = (400, 401, 403, 404, 413, 415, 422)
    return [
        Endpoint(
            "GET",
            base,
            list_notifications,
            "listNotifications",
            "My notifications, newest first, with the unread count",
            NotificationList,
            query=NotificationQuery,
            role=role,
            errors=(401, 403, 422),
        ),
        Endpoint(
            "POST",
            f"{base}/read",
            mark_read,
            "markNotificationsRead",
            "Mark some or all of my notifications read",
            UnreadOut,
            body=MarkRead,
            role=role,
            errors=bad,
        ),
        Endpoint(
            "GET",
            f"{base}/preferences",
            get_preferences,
            "getNotificationPreferences",
            "Which events reach me, on which channels, when and in which language",
            PreferencesOut,
            role=role,
            errors=(401, 403),
        ),
        Endpoint(
            "PATCH",
            f"{base}/preferences",
            update_preferences,
            "updateNotificationPreferences",
            "Change my notification preferences",
            PreferencesOut,
            body=PreferencesUpdate,
            role=role,
            errors=bad,
        ),
        Endpoint(
            "GET",
            hooks,
            list_webhooks,
            "listWebhooks",
            "Webhook endpoints",
            WebhookList,
            role=admin,
            errors=(401, 403),
        ),
        Endpoint(
            "POST",
            hooks,
            create_webhook,
            "createWebhook",
            "Add a webhook endpoint (Standard Webhooks signatures; the secret is shown once)",
            WebhookCreated,
            201,
            body=WebhookCreate,
            role=admin,
            errors=bad,
        ),
        Endpoint(
            "GET",
            one,
            get_webhook,
            "getWebhook",
            "One webhook endpoint",
            WebhookOut,
            role=admin,
            errors=(401, 403, 404),
        ),
        Endpoint(
            "PATCH",
            one,
            update_webhook,
            "updateWebhook",
            "Change a webhook endpoint",
            WebhookOut,
            body=WebhookUpdate,
            role=admin,
            errors=bad,
        ),
        Endpoint(
            "DELETE",
            one,
            delete_webhook,
            "deleteWebhook",
            "Remove a webhook endpoint and its history",
            None,
            204,
            role=admin,
            errors=(401, 403, 404),
        ),
        Endpoint(
            "POST",
            f"{one}/test",
            test_webhook,
            "testWebhook",
            "Queue a signed test call to the endpoint",
            NoticeDeliveryOut,
            201,
            role=admin,
            errors=(401, 403, 404),
        ),
        Endpoint(
            "GET",
            f"{one}/deliveries",
            webhook_deliveries,
            "listWebhookDeliveries",
            "The endpoint's calls: state, attempts, answers and errors",
            NoticeDeliveryList,
            query=NoticeDeliveryQuery,
            role=admin,
            errors=(401, 403, 404, 422),
        ),
        Endpoint(
            "GET",
            "/api/v1/admin/notifications/deliveries",
            all_deliveries,
            "listNotificationDeliveries",
            "Every email, digest and webhook call, with failures and their reasons",
            NoticeDeliveryList,
            query=NoticeDeliveryQuery,
            role=admin,
            errors=(401, 403, 422),
        ),
    ]


# -- the unsubscribe link (no sign-in: the signed token is the authority) -----


async def unsubscribe_form(request: web.Request) -> web.Response:
    service = request.app[SERVICES].notifications
    prefs = await service.unsubscriber(request.query.get("token", ""))
    language = default_language(request.app[SERVICES].settings.default_language)
    if prefs is None:
        return _html(pages.invalid(language), 400)
    return _html(pages.ask(prefs.language, prefs.email, request.query["token"]))


async def unsubscribe(request: web.Request) -> web.Response:
    """The form's button, and RFC 8058 one-click POSTs from mail clients."""
    form = await request.post()
    token = str(form.get("token") or request.query.get("token", ""))
    service = request.app[SERVICES].notifications
    before = await service.unsubscriber(token)
    prefs = await service.unsubscribe(token)
    if prefs is None or before is None:
        return _html(
            pages.invalid(default_language(request.app[SERVICES].settings.default_language)), 400
        )
    return _html(pages.done(prefs.language, before.email))


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(
        text=body, status=status, content_type="text/html", charset="utf-8", headers=pages.HEADERS
    )


def setup_unsubscribe(app: web.Application) -> None:
    app.router.add_get("/unsubscribe", unsubscribe_form)
    app.router.add_post("/unsubscribe", unsubscribe)
