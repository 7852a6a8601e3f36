"""Moderation: hide a peer's item locally, report it to its origin with ``Flag``."""

from __future__ import annotations

from federation.documents.actor import LocalActor
from federation.hosts import peer_host
from node.ap.actors import ActorDirectory
from node.ap.build import local_activity
from node.ap.outbox import Outbox
from node.clock import Clock, to_text
from node.domain.trust import TrustService
from node.errors import NotFound
from node.storage import Store


class ModerationService:
    def __init__(
        self,
        store: Store,
        me: LocalActor,
        outbox: Outbox,
        actors: ActorDirectory,
        trust: TrustService,
        clock: Clock,
    ) -> None:
        self._store = store
        self._me = me
        self._outbox = outbox
        self._actors = actors
        self._trust = trust
        self._clock = clock

    async def hide(self, item_id: str, *, hidden: bool, who: str, reason: str = "") -> None:
        now = to_text(self._clock.now())
        async with self._store.transaction() as repos:
            if not await repos.remote_items.set_hidden(item_id, now if hidden else None):
                raise NotFound(f"No item {item_id} from a peer here.", reason="item-not-found")
            action = "item.hidden" if hidden else "item.unhidden"
            await self._trust.audit(repos, who, action, item_id, reason=reason)

    async def open_item(self, item_id: str, *, opened: bool, who: str, reason: str = "") -> None:
        """Let one item of a limited peer into our feed and matches (or take it out again)."""
        now = to_text(self._clock.now())
        async with self._store.transaction() as repos:
            if not await repos.remote_items.set_opened(item_id, now if opened else None):
                raise NotFound(f"No item {item_id} from a peer here.", reason="item-not-found")
            action = "item.opened" if opened else "item.closed-off"
            await self._trust.audit(repos, who, action, item_id, reason=reason)

    async def report(self, item_id: str, content: str, *, who: str) -> str:
        """Send a Flag about a peer's item to its origin; returns the Flag's id."""
        item = await self._store.reader.remote_items.get(item_id)
        if item is None:
            raise NotFound(f"No item {item_id} from a peer here.", reason="item-not-found")
        origin = await self._actors.get(item.actor_id)
        reported = [item.actor_id, item_id]
        flag = local_activity(self._me, "Flag", reported, to=[item.actor_id], content=content)
        async with self._store.transaction() as repos:
            flag_id = await self._outbox.publish(repos, flag, inboxes=[origin.inbox], public=False)
            await repos.trust.add_report(
                "out",
                flag_id,
                self._me.id,
                [item.actor_id, item_id],
                content,
                to_text(self._clock.now()),
            )
            detail = {"to": peer_host(item.actor_id)}
            await self._trust.audit(repos, who, "report.sent", item_id, detail, content)
        return flag_id

    async def resolve(self, report_id: int, *, who: str) -> None:
        async with self._store.transaction() as repos:
            if not await repos.trust.resolve_report(report_id):
                raise NotFound(f"No open report {report_id}.", reason="report-unknown")
            await self._trust.audit(repos, who, "report.resolved", str(report_id))
