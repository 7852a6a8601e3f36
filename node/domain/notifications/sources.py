"""Events derived from the database: what happened since the scanner last looked
(the changes of the change feed after its cursor: claims received and answered,
keys changed) and what is true now (items about to end, follow requests waiting,
strong matches, peers failing).

Every event carries only what a recipient may see in the node: titles, quantities,
the other group's name, links. Contact details go in ``private`` and travel only
to webhook endpoints an admin opted in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from federation.hosts import peer_host
from federation.uris import Uris
from node.clock import to_text
from node.domain.notifications.events import Event, Kind
from node.domain.suggestions import SuggestionService
from node.storage import Repositories
from node.storage.events import Event as Change
from node.storage.events import EventKind
from node.storage.notice_sources import ItemBrief
from schemas.vocab import Urgency

URGENT = frozenset({Urgency.WITHIN_1_2_DAYS.value, Urgency.WITHIN_3_5_DAYS.value})
EXPIRING_WITHIN = timedelta(hours=24)
FAILING_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Links:
    public_url: str

    @cached_property
    def uris(self) -> Uris:
        return Uris(self.public_url)

    def item(self, purpose: str, item_id: str) -> str:
        return self.uris.item_page(purpose, item_id)

    def peer_item(self, iri: str) -> str:
        return self.uris.peer_item_page(iri)

    def admin(self, page: str) -> str:
        return self.uris.admin_page(page)

    def renew(self, purpose: str, item_id: str) -> dict[str, str]:
        return {"method": "POST", "url": self.uris.renew_api(purpose, item_id)}


def _host(actor: str) -> str:
    try:
        return peer_host(actor)
    except ValueError:
        return actor


def item_data(item: ItemBrief, links: Links) -> dict[str, Any]:
    return {
        "id": item.id,
        "purpose": item.purpose,
        "title": item.title,
        "urgency": item.urgency,
        "ends_at": item.ends_at,
        "link": links.item(item.purpose, item.id),
    }


async def _group(repos: Repositories, actors: list[str]) -> dict[str, dict[str, str]]:
    names = await repos.notice_sources.actor_names(actors)
    return {a: {"actor": a, "name": names.get(a) or _host(a)} for a in actors}


def _subjects(changes: list[Change], kind: EventKind) -> list[str]:
    return list(dict.fromkeys(c.subject for c in changes if c.kind is kind))


async def claims_received(repos: Repositories, changes: list[Change], links: Links) -> list[Event]:
    named = await repos.notice_sources.claims_named(_subjects(changes, EventKind.CLAIM_RECEIVED))
    claims = list(named.values())
    items = await repos.notice_sources.items([c.item_id for c in claims])
    groups = await _group(repos, sorted({c.counterparty for c in claims}))
    events = []
    for claim in claims:
        item = items.get(claim.item_id)
        if item is None:
            continue
        data = {
            "claim": claim.id,
            "item": item_data(item, links),
            "quantity": claim.quantity,
            "unit": claim.unit,
            "group": groups[claim.counterparty],
            "link": links.item(item.purpose, item.id),
        }
        private = {
            "claim_note": claim.note,
            "item_contact": await repos.notice_sources.item_contact(item.id),
        }
        events.append(Event(f"claim.received:{claim.id}", Kind.CLAIM_RECEIVED, data, private))
    return events


async def claims_answered(repos: Repositories, changes: list[Change], links: Links) -> list[Event]:
    """Each answer as the change recorded it (a claim accepted, then fulfilled before
    the scan, is still notified as accepted)."""
    answers = [c for c in changes if c.kind is EventKind.CLAIM_ANSWERED]
    named = await repos.notice_sources.claims_named(_subjects(answers, EventKind.CLAIM_ANSWERED))
    claims = [
        replace(named[c.subject], state=str(c.data["state"])) for c in answers if c.subject in named
    ]
    items = await repos.notice_sources.peer_items([c.item_id for c in claims])
    groups = await _group(repos, sorted({c.counterparty for c in claims}))
    events = []
    for claim in claims:
        peer_item = items.get(claim.item_id)
        title = peer_item.title if peer_item else claim.item_id
        data = {
            "claim": claim.id,
            "answer": claim.state,
            "quantity": claim.quantity,
            "unit": claim.unit,
            "group": groups[claim.counterparty],
            "item": {"id": claim.item_id, "title": title, "link": links.peer_item(claim.item_id)},
            "reason": claim.reason,
            "hold_until": claim.hold_until,
            "link": links.peer_item(claim.item_id),
        }
        key = f"claim.answered:{claim.id}:{claim.state}"
        events.append(Event(key, Kind.CLAIM_ANSWERED, data))
    return events


async def items_expiring(repos: Repositories, now: datetime, links: Links) -> list[Event]:
    items = await repos.notice_sources.items_ending_between(
        to_text(now), to_text(now + EXPIRING_WITHIN)
    )
    events = []
    for item in items:
        data = {
            "item": item_data(item, links),
            "link": links.item(item.purpose, item.id),
            "renew": links.renew(item.purpose, item.id),
        }
        private = {"item_contact": await repos.notice_sources.item_contact(item.id)}
        key = f"item.expiring:{item.id}:{item.ends_at}"
        events.append(Event(key, Kind.ITEM_EXPIRING, data, private))
    return events


async def matches(suggestions: SuggestionService, threshold: float, links: Links) -> list[Event]:
    """Strong matches for our open urgent items (the feed shows both sides already)."""
    events = []
    for found in await suggestions.for_our_items():
        ours, theirs = found.ours, found.theirs
        if not ours.local or ours.urgency not in URGENT or found.match.score < threshold:
            continue
        item_id = ours.id.rsplit("/", 1)[-1]
        data = {
            "ours": {
                "id": item_id,
                "purpose": ours.purpose,
                "title": ours.title,
                "urgency": ours.urgency,
                "link": links.item(ours.purpose, item_id),
            },
            "theirs": {
                "id": theirs.id,
                "purpose": theirs.purpose,
                "title": theirs.title,
                "link": links.peer_item(theirs.id),
            },
            "group": {"actor": theirs.origin_actor, "name": theirs.origin_name},
            "score": round(found.match.score, 4),
            "link": links.item(ours.purpose, item_id),
        }
        events.append(Event(f"match.suggested:{item_id}:{theirs.id}", Kind.MATCH_SUGGESTED, data))
    return events


async def follow_requests(repos: Repositories, links: Links) -> list[Event]:
    return [
        Event(
            f"follow.requested:{r.follow_activity_id}",
            Kind.FOLLOW_REQUESTED,
            {
                "actor": r.actor_id,
                "host": _host(r.actor_id),
                "requested_at": r.created_at,
                "link": links.admin("follow-requests"),
            },
        )
        for r in await repos.notice_sources.follow_requests()
    ]


def keys_changed(changes: list[Change], links: Links) -> list[Event]:
    """``data`` of a ``key.changed`` change: the audit entry's id, time and detail."""
    return [
        Event(
            f"key.changed:{change.data['audit_id']}",
            Kind.KEY_CHANGED,
            {
                "actor": change.subject,
                "host": _host(change.subject),
                "at": change.data["at"],
                "key_id": str(change.data["detail"].get("key_id", "")),
                "fingerprint": str(change.data["detail"].get("fingerprint", "")),
                "link": links.admin("audit"),
            },
        )
        for change in changes
        if change.kind is EventKind.KEY_CHANGED
    ]


async def deliveries_failing(repos: Repositories, now: datetime, links: Links) -> list[Event]:
    return [
        Event(
            f"delivery.failing:{h.host}:{h.failing_since}",
            Kind.DELIVERY_FAILING,
            {
                "host": h.host,
                "failing_since": h.failing_since,
                "undelivered": h.undelivered,
                "last_error": h.last_error,
                "link": links.admin("deliveries"),
            },
        )
        for h in await repos.notice_sources.failing_hosts(to_text(now - FAILING_FOR))
    ]
