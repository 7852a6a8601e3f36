"""Moderation: hide a peer's item locally, report it to its origin, take peers' reports.

Only trusted peers' reports reach our moderation queue.
"""

from __future__ import annotations

from federation.hosts import peer_host
from node.clock import Clock, to_text
from node.domain.outcome import Outcome, done, dropped
from node.domain.peers import PeerLookup, ReportMessages
from node.domain.trust import TrustService
from node.errors import NotFound
from node.storage import Repositories, Store


class ModerationService:
    def __init__(
        self,
        store: Store,
        our_id: str,
        peers: PeerLookup,
        messages: ReportMessages,
        trust: TrustService,
        clock: Clock,
    ) -> None:
        self._store = store
        self._our_id = our_id
        self._peers = peers
        self._messages = messages
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
        """Report a peer's item to its origin; returns the report's activity id."""
        item = await self._store.reader.remote_items.get(item_id)
        if item is None:
            raise NotFound(f"No item {item_id} from a peer here.", reason="item-not-found")
        origin = await self._peers.actor(item.actor_id)
        async with self._store.transaction() as repos:
            flag_id = await self._messages.send_report(repos, item, content, origin.inbox)
            await repos.trust.add_report(
                "out",
                flag_id,
                self._our_id,
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

    async def reported(
        self,
        repos: Repositories,
        *,
        report_id: str,
        reporter: str,
        objects: list[str],
        content: str,
        now: str,
    ) -> Outcome:
        """A peer reports something to us (``objects``: the actor and items concerned)."""
        if not await self._trust.accepts_reports_from(peer_host(reporter)):
            return dropped("flag-refused")
        await repos.trust.add_report("in", report_id, reporter, objects, content[:5000], now)
        await self._trust.audit(repos, reporter, "report.received", report_id)
        return done("report-queued")
