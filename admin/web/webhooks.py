"""The webhook endpoints and, for each, its recent calls: state, attempts, answers, errors.

Read-only: endpoints are added and changed through ``/api/v1/admin/webhooks``.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from node.domain.records import AttemptRow, DeliveryRow, EndpointRow
from node.web.i18n import N_
from node.web.notifications import KINDS
from node.web.pages import Page, page_handler
from schemas.vocab import Role

admin_page = page_handler(role=Role.ADMIN)

HISTORY = 20  # the most recent calls shown per endpoint
STATES = {
    "pending": N_("Waiting or retrying"),
    "sent": N_("Call delivered"),
    "failed": N_("Given up"),
    "cancelled": N_("Cancelled"),
}


@dataclass(frozen=True)
class Endpoint:
    """One endpoint with its latest calls, newest first."""

    endpoint: EndpointRow
    calls: list[tuple[DeliveryRow, list[AttemptRow]]]


@admin_page
async def webhooks(page: Page) -> web.StreamResponse:
    service = page.services.notifications
    found = [
        Endpoint(e, await service.history(endpoint_id=e.id, limit=HISTORY))
        for e in await service.webhooks()
    ]
    return page.render(
        "admin_webhooks.html", endpoints=found, kinds=KINDS, states=STATES, history=HISTORY
    )
