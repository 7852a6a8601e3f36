"""Domain service for the group's own offers and requests.

Handlers call one method here; every change runs in one write transaction, in
which the storage layer also records it in the change feed (``node.storage.events``).
The outbox publisher and the notification scanner read the feed afterwards, so
a change and the record of the work it causes are committed together or not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from node.clock import Clock, to_text
from node.domain.lifecycle import EDITABLE, LIVE, check_transition, status_after_close
from node.domain.location import coarse_place
from node.domain.model import Item, ItemChange, ItemFilter, Place, PrivateDetails, Text
from node.errors import Conflict, FieldError, NotFound, Unprocessable
from node.settings import Settings
from node.storage import Repositories, Store
from schemas.api import ItemCreate, ItemUpdate, LocationIn, TranslationIn
from schemas.vocab import CloseReason, Purpose, Status

# Fields an update copies as they are; the rest need conversion.
_PLAIN_FIELDS = (
    "title",
    "description",
    "category",
    "item_spec",
    "action",
    "unit_based",
    "urgency",
    "begins_at",
    "ends_at",
    "recurring",
    "visibility",
)


__all__ = ["ItemChange", "ItemService"]


def _texts(translations: dict[str, TranslationIn]) -> dict[str, Text]:
    return {lang: Text(t.title, t.description) for lang, t in translations.items()}


class ItemService:
    def __init__(self, store: Store, settings: Settings, clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock

    # -- reads ---------------------------------------------------------------

    async def get(self, purpose: Purpose, item_id: str, *, signed_in: bool) -> Item:
        item = await self._store.reader.items.get(item_id, purpose)
        if item is None or (not signed_in and not _publicly_visible(item)):
            raise NotFound(f"No {purpose.value} {item_id!r} here.", reason="item-not-found")
        return item

    async def private_details(self, item_id: str) -> PrivateDetails | None:
        return await self._store.reader.items.get_private(item_id)

    async def search(self, query: ItemFilter) -> tuple[list[Item], int | None]:
        return await self._store.reader.items.search(query)

    async def count_by_status(self) -> dict[tuple[Purpose, Status], int]:
        """How many of our items there are in each purpose and status."""
        return await self._store.reader.items.count_by_status()

    # -- writes --------------------------------------------------------------

    async def create(self, purpose: Purpose, body: ItemCreate) -> Item:
        async with self._store.transaction() as repos:
            return await self.create_in(repos, purpose, body)

    async def create_in(
        self,
        repos: Repositories,
        purpose: Purpose,
        body: ItemCreate,
        referred_from: str | None = None,
    ) -> Item:
        """Create inside the caller's transaction (a referral arriving in the inbox)."""
        now = self._clock.now()
        begins = body.begins_at or now
        ends = body.ends_at
        if ends is None and not body.recurring:
            ends = begins + timedelta(days=self._settings.default_validity_days)
        _check_window(begins, ends, now)
        item = Item(
            id=str(uuid.uuid4()),
            purpose=purpose,
            title=body.title,
            description=body.description,
            language=body.language or self._settings.default_language,
            translations=_texts(body.translations),
            category=body.category,
            item_spec=body.item_spec,
            action=body.action,
            unit=body.quantity.unit,
            quantity=body.quantity.amount,
            available_quantity=body.quantity.amount,
            minimum_quantity=body.quantity.minimum,
            unit_based=body.unit_based,
            urgency=body.urgency,
            place=self._place(body.location),
            begins_at=begins,
            ends_at=ends,
            recurring=body.recurring,
            visibility=body.visibility,
            status=Status.DRAFT if body.draft else Status.OPEN,
            created_at=now,
            updated_at=now,
            referred_from=referred_from,
        )
        details = None
        if body.private is not None:
            details = PrivateDetails(contact=body.private.contact, notes=body.private.notes)
        await repos.items.insert(item, details)
        return item

    async def update(self, purpose: Purpose, item_id: str, body: ItemUpdate) -> Item:
        async with self._store.transaction() as repos:
            item = await self._load(repos, purpose, item_id)
            if item.status not in EDITABLE:
                raise Conflict(
                    f"A {item.status.value} item cannot be edited.", reason="item-not-editable"
                )
            changed = self._apply(item, body)
            _check_window(changed.begins_at, changed.ends_at, None)
            await repos.items.replace(changed, ItemChange.UPDATED)
            if body.private is not None:
                current = await repos.items.get_private(item_id) or PrivateDetails()
                await repos.items.save_private(
                    item_id,
                    replace(current, contact=body.private.contact, notes=body.private.notes),
                )
        return changed

    async def publish(self, purpose: Purpose, item_id: str) -> Item:
        return await self._move(purpose, item_id, Status.OPEN, ItemChange.CREATED)

    async def close(self, purpose: Purpose, item_id: str, reason: CloseReason) -> Item:
        return await self._move(
            purpose, item_id, status_after_close(reason), ItemChange.CLOSED, reason=reason
        )

    async def close_in(
        self, repos: Repositories, purpose: Purpose, item_id: str, reason: CloseReason
    ) -> Item:
        """Close inside the caller's transaction (a referral that also sends an Offer)."""
        return await self._move_in(
            repos, purpose, item_id, status_after_close(reason), ItemChange.CLOSED, reason=reason
        )

    async def renew(self, purpose: Purpose, item_id: str, ends_at: datetime | None) -> Item:
        now = self._clock.now()
        ends = ends_at or now + timedelta(days=self._settings.default_validity_days)
        async with self._store.transaction() as repos:
            item = await self._load(repos, purpose, item_id)
            if item.status not in LIVE | {Status.EXPIRED}:
                raise Conflict(
                    f"A {item.status.value} item cannot be renewed.", reason="illegal-transition"
                )
            _check_window(item.begins_at, ends, now)
            status = Status.OPEN if item.status is Status.EXPIRED else item.status
            renewed = replace(
                item, status=status, ends_at=ends, updated_at=now, version=item.version + 1
            )
            await repos.items.replace(renewed, ItemChange.RENEWED)
            await repos.items.schedule_purge(item_id, None)
        return renewed

    async def delete(self, purpose: Purpose, item_id: str) -> None:
        async with self._store.transaction() as repos:
            item = await self._load(repos, purpose, item_id)
            await repos.items.delete(item)

    async def commit_quantity(self, repos: Repositories, item_id: str, delta: float) -> Item:
        """Take ``delta`` from (or, negative, give back to) the available quantity, inside
        the caller's transaction; the status follows, and followers get an Update."""
        item = await repos.items.get_any(item_id)
        if item is None:
            raise NotFound(f"No item {item_id!r} here.", reason="item-not-found")
        if item.status not in LIVE:
            raise Conflict(f"A {item.status.value} item takes no claims.", reason="item-not-live")
        available = item.available_quantity - delta
        if available < -1e-9 or available > item.quantity + 1e-9:
            raise Conflict("Not that much is available.", reason="quantity-unavailable")
        available = max(0.0, min(item.quantity, available))
        now = self._clock.now()
        status = Status.OPEN if available >= item.quantity else Status.PARTLY_COMMITTED
        changes: dict[str, object] = {"available_quantity": available, "status": status}
        if available <= 0 and not item.recurring:
            changes.update(
                status=Status.FULFILLED, close_reason=CloseReason.FULFILLED, closed_at=now
            )
            await self._schedule_purge(repos, item_id=item.id, now=now)
        changed = replace(item, **changes, updated_at=now, version=item.version + 1)  # type: ignore[arg-type]
        await repos.items.replace(changed, ItemChange.UPDATED)
        return changed

    # -- background sweeps ---------------------------------------------------

    async def expire_due(self) -> int:
        """Move every live item past its end to expired; returns how many."""
        now = self._clock.now()
        async with self._store.transaction() as repos:
            due = await repos.items.live_ending_before(to_text(now))
            for item in due:
                expired = replace(
                    item, status=Status.EXPIRED, updated_at=now, version=item.version + 1
                )
                await repos.items.replace(expired, ItemChange.EXPIRED)
                await self._schedule_purge(repos, item_id=item.id, now=now)
        return len(due)

    async def purge_private_due(self) -> int:
        """Delete private details whose retention period is over, and empty the
        write-ahead log so no copy of them stays in the node's files."""
        async with self._store.transaction() as repos:
            purged = await repos.items.purge_private_due(to_text(self._clock.now()))
        if purged:
            await self._store.truncate_log()
        return purged

    # -- helpers -------------------------------------------------------------

    async def _move(
        self,
        purpose: Purpose,
        item_id: str,
        target: Status,
        change: ItemChange,
        *,
        reason: CloseReason | None = None,
    ) -> Item:
        async with self._store.transaction() as repos:
            return await self._move_in(repos, purpose, item_id, target, change, reason=reason)

    async def _move_in(
        self,
        repos: Repositories,
        purpose: Purpose,
        item_id: str,
        target: Status,
        change: ItemChange,
        *,
        reason: CloseReason | None = None,
    ) -> Item:
        now = self._clock.now()
        item = await self._load(repos, purpose, item_id)
        check_transition(item.status, target)
        moved = replace(item, status=target, updated_at=now, version=item.version + 1)
        if reason is not None:
            moved = replace(moved, close_reason=reason, closed_at=now)
            await self._schedule_purge(repos, item_id=item_id, now=now)
        await repos.items.replace(moved, change)
        return moved

    async def _schedule_purge(self, repos: Repositories, *, item_id: str, now: datetime) -> None:
        purge_at = now + timedelta(days=self._settings.retention_days)
        await repos.items.schedule_purge(item_id, to_text(purge_at))

    async def _load(self, repos: Repositories, purpose: Purpose, item_id: str) -> Item:
        item = await repos.items.get(item_id, purpose)
        if item is None:
            raise NotFound(f"No {purpose.value} {item_id!r} here.", reason="item-not-found")
        return item

    def _place(self, location: LocationIn | None) -> Place | None:
        if location is None:
            return None
        return coarse_place(
            precision=self._settings.location_precision,
            areas=self._settings.areas,
            latitude=location.latitude,
            longitude=location.longitude,
            area=location.area,
        )

    def _apply(self, item: Item, body: ItemUpdate) -> Item:
        given = body.model_fields_set
        changes: dict[str, object] = {
            name: getattr(body, name)
            for name in _PLAIN_FIELDS
            if name in given and getattr(body, name) is not None
        }
        if "ends_at" in given and body.ends_at is None and item.recurring:
            changes["ends_at"] = None
        if body.translations is not None:
            changes["translations"] = _texts(body.translations)
        if "location" in given:
            changes["place"] = self._place(body.location)
        if body.quantity is not None:
            available = body.quantity.amount - item.committed_quantity
            if available < 0:
                raise Conflict(
                    "The new quantity is less than what is already committed.",
                    reason="quantity-below-committed",
                )
            changes.update(
                unit=body.quantity.unit,
                quantity=body.quantity.amount,
                available_quantity=available,
                minimum_quantity=body.quantity.minimum,
            )
        now = self._clock.now()
        return replace(item, **changes, updated_at=now, version=item.version + 1)  # type: ignore[arg-type]


def _publicly_visible(item: Item) -> bool:
    return item.visibility.value == "public" and item.status is not Status.DRAFT


def _check_window(begins: datetime, ends: datetime | None, now: datetime | None) -> None:
    if ends is None:
        return
    if ends <= begins:
        raise Unprocessable(
            "The item must end after it begins.",
            reason="window-invalid",
            errors=[FieldError("ends_at", "must be after begins_at")],
        )
    if now is not None and ends <= now:
        raise Unprocessable(
            "The item must end in the future.",
            reason="window-invalid",
            errors=[FieldError("ends_at", "must be in the future")],
        )
