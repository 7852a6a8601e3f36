"""The admin's trust policy: per-peer levels, federation mode, follow decisions.

Every peer decision is keyed by ``peer_host`` (one normaliser). A block on a
domain covers its subdomains, and in allowlist mode a block beats an allow.
Every change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal

from federation.hosts import peer_host
from node.clock import Clock, to_text
from node.domain.blocklist import block_domain
from node.errors import Conflict, FieldError, Unprocessable
from node.storage import Repositories, Store
from node.storage.trust import PeerRow
from schemas.vocab import Visibility


class Level(StrEnum):
    BLOCKED = "blocked"
    LIMITED = "limited"
    UNKNOWN = "unknown"
    TRUSTED = "trusted"
    PARTNER = "partner"


class Mode(StrEnum):
    OPEN = "open"
    ALLOWLIST = "allowlist"


Severity = Literal["suspend", "silence", "noop"]
FollowDecision = Literal["accept", "pending", "reject"]
ALLOWED_IN_ALLOWLIST = frozenset({Level.TRUSTED, Level.PARTNER})
SEVERITY_LEVEL: dict[str, Level] = {"suspend": Level.BLOCKED, "silence": Level.LIMITED}
_DEFAULT_SEVERITY = {Level.BLOCKED: "suspend", Level.LIMITED: "silence"}


@dataclass(frozen=True)
class Policy:
    mode: Mode = Mode.OPEN
    approve_followers: bool = False
    secure: bool = False

    @classmethod
    def from_rows(cls, rows: dict[str, str]) -> Policy:
        return cls(
            mode=Mode(rows.get("mode", Mode.OPEN.value)),
            approve_followers=rows.get("approve_followers") == "true",
            secure=rows.get("secure") == "true",
        )


def _parents(host: str) -> list[str]:
    """The entries that can govern ``host``: itself, the bare name without its port,
    and (for domain names) every parent domain: ``a.example.com:8443`` →
    ``a.example.com:8443``, ``a.example.com``, ``example.com``."""
    if host.startswith("["):
        name = host[: host.index("]") + 1]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    candidates = [host] if name == host else [host, name]
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        labels = name.split(".")
        candidates += [".".join(labels[i:]) for i in range(1, len(labels) - 1)]
    return candidates


@lru_cache(maxsize=16_384)  # pure; asked with the same few peers' hosts over and over
def _canonical(host: str) -> str:
    canonical = peer_host(host)
    return canonical if canonical.startswith("[") else block_domain(canonical)


@lru_cache(maxsize=16_384)
def _governing(host: str) -> tuple[str, tuple[str, ...]]:
    """``host`` normalised, and the entries that can govern it (see ``_parents``)."""
    canonical = normalise(host)
    return canonical, tuple(_parents(canonical))


def normalise(host: str) -> str:
    """The canonical peer key of an admin-entered host, refusing what is not a host name."""
    try:
        return _canonical(host)
    except ValueError as error:
        raise Unprocessable(
            f"{host!r} is not a host.",
            reason="host-invalid",
            errors=[FieldError("host", str(error))],
        ) from error


def _level(host: str, governing: Sequence[str], levels: dict[str, str]) -> Level:
    """``host``'s level from the levels of the entries governing it (a block covers all)."""
    if any(levels.get(entry) == Level.BLOCKED for entry in governing):
        return Level.BLOCKED
    return Level(levels[host]) if host in levels else Level.UNKNOWN


def _refusal(level: Level, mode: Mode) -> str | None:
    if level is Level.BLOCKED:
        return "peer-blocked"
    if mode is Mode.ALLOWLIST and level not in ALLOWED_IN_ALLOWLIST:
        return "peer-not-allowlisted"
    return None


class TrustService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # -- reading -------------------------------------------------------------

    async def policy(self) -> Policy:
        return Policy.from_rows(await self._store.reader.trust.policy())

    async def peer(self, host: str) -> PeerRow:
        host = normalise(host)
        rows = await self._store.reader.trust.peers_named([host])
        return rows[0] if rows else PeerRow(host=host, level=Level.UNKNOWN.value)

    async def level(self, host: str) -> Level:
        """The peer's level; blocked when it or any parent domain is blocked."""
        host = normalise(host)
        rows = {row.host: row for row in await self._store.reader.trust.peers_named(_parents(host))}
        if any(row.level == Level.BLOCKED for row in rows.values()):
            return Level.BLOCKED
        own = rows.get(host)
        return Level(own.level) if own else Level.UNKNOWN

    async def may_exchange(self, host: str) -> bool:
        """May this peer post to us, and may we deliver to it?"""
        return await self.refusal(host) is None

    async def levels(self, hosts: list[str]) -> dict[str, Level]:
        """``level`` of each of ``hosts``, asked in one query (a feed page's origins)."""
        normalised = {host: normalise(host) for host in set(hosts)}
        governing = {host: _parents(canonical) for host, canonical in normalised.items()}
        wanted = sorted({entry for entries in governing.values() for entry in entries})
        levels, _ = await self._store.reader.trust.standing(wanted)
        return {host: _level(normalised[host], governing[host], levels) for host in normalised}

    async def exchangeable(self, hosts: list[str]) -> set[str]:
        """Those of ``hosts`` that ``may_exchange``, asked in one query (a fan-out's targets)."""
        normalised = {host: normalise(host) for host in set(hosts)}
        governing = {host: _parents(canonical) for host, canonical in normalised.items()}
        wanted = sorted({entry for entries in governing.values() for entry in entries})
        levels, rows = await self._store.reader.trust.standing(wanted)
        mode = Policy.from_rows(rows).mode
        return {
            host
            for host in normalised
            if _refusal(_level(normalised[host], governing[host], levels), mode) is None
        }

    async def refusal(self, host: str) -> str | None:
        """Why a peer may not talk to us (a reason code), or None (one point read)."""
        host, parents = _governing(host)
        levels, rows = self._store.points.trust.standing(parents)
        return _refusal(_level(host, parents, levels), Policy.from_rows(rows).mode)

    async def follow_decision(self, host: str) -> FollowDecision:
        if await self.refusal(host) is not None:
            return "reject"
        level = await self.level(host)
        if level in ALLOWED_IN_ALLOWLIST:
            return "accept"
        if level is Level.LIMITED or (await self.policy()).approve_followers:
            return "pending"
        return "accept"

    async def may_read(self, host: str | None, visibility: Visibility, *, follower: bool) -> bool:
        """Authorized fetch: may a (signed) requester from ``host`` read such an item?"""
        if host is not None and await self.refusal(host) is not None:
            return False
        if visibility is Visibility.PUBLIC:
            return host is not None or not (await self.policy()).secure
        if host is None:
            return False
        if visibility is Visibility.FOLLOWERS:
            return follower
        if visibility is Visibility.COALITION:
            return await self.level(host) is Level.PARTNER
        return False

    async def accepts_reports_from(self, host: str) -> bool:
        peer = await self.peer(host)
        level = await self.level(host)
        return level in ALLOWED_IN_ALLOWLIST and not peer.reject_reports

    # -- changing ------------------------------------------------------------

    async def set_level(
        self,
        host: str,
        level: Level,
        *,
        who: str,
        reason: str = "",
        severity: Severity | None = None,
        **flags: Any,
    ) -> PeerRow:
        host = normalise(host)
        async with self._store.transaction() as repos:
            return await self.apply_level(
                repos, host, level, who=who, reason=reason, severity=severity, **flags
            )

    async def apply_level(
        self,
        repos: Repositories,
        host: str,
        level: Level,
        *,
        who: str,
        reason: str,
        severity: Severity | None = None,
        **flags: Any,
    ) -> PeerRow:
        now = to_text(self._clock.now())
        existing = await repos.trust.peers_named([host])
        before = existing[0] if existing else PeerRow(host=host, level=Level.UNKNOWN.value)
        chosen: str = severity or _DEFAULT_SEVERITY.get(level, "noop")
        after = replace(before, level=level.value, severity=chosen, updated_at=now, **flags)
        await repos.trust.save_peer(after)
        if level is Level.BLOCKED:
            await self._cut_off(repos, host, now)
        changed = {
            k: [getattr(before, k), getattr(after, k)]
            for k in (
                "level",
                "severity",
                "reject_media",
                "reject_reports",
                "public_comment",
                "private_comment",
                "obfuscate",
            )
            if getattr(before, k) != getattr(after, k)
        }
        await repos.trust.audit(now, who, "peer.level", host, changed, reason)
        return after

    async def _cut_off(self, repos: Repositories, host: str, now: str) -> None:
        """A block means nothing in or out: end follows both ways, stop queued deliveries."""
        await repos.follows.remove_host(host)
        await repos.outbox.fail_pending_for_host(host, now)
        await repos.remote_items.hide_host(host, now)

    async def unblock(self, host: str, *, who: str, reason: str = "") -> PeerRow:
        """Lift a block; refused when the host itself is not blocked (a trusted peer
        must not be demoted by mistake)."""
        if (await self.peer(host)).level != Level.BLOCKED:
            raise Conflict(f"{normalise(host)} is not blocked.", reason="peer-not-blocked")
        return await self.set_level(host, Level.UNKNOWN, who=who, reason=reason)

    async def trust_on_subscribe(self, repos: Repositories, host: str, who: str) -> None:
        """Subscribing makes a peer trusted unless it is blocked or limited (audited)."""
        rows = await repos.trust.peers_named(_parents(host))
        if any(row.level in (Level.BLOCKED, Level.LIMITED) for row in rows):
            return
        current = next((row for row in rows if row.host == host), None)
        if current is not None and current.level in (Level.TRUSTED, Level.PARTNER):
            return
        await self.apply_level(repos, host, Level.TRUSTED, who=who, reason="subscribed")

    async def set_policy(self, *, who: str, reason: str = "", **changes: Any) -> Policy:
        async with self._store.transaction() as repos:
            before = Policy.from_rows(await repos.trust.policy())
            after = replace(before, **changes)
            for key, value in (
                ("mode", after.mode.value),
                ("approve_followers", str(after.approve_followers).lower()),
                ("secure", str(after.secure).lower()),
            ):
                await repos.trust.set_policy(key, value)
            diff = {
                k: [str(getattr(before, k)), str(getattr(after, k))]
                for k in ("mode", "approve_followers", "secure")
                if getattr(before, k) != getattr(after, k)
            }
            await repos.trust.audit(
                to_text(self._clock.now()), who, "policy.change", "node", diff, reason
            )
        return after

    async def audit(
        self,
        repos: Repositories,
        who: str,
        action: str,
        subject: str,
        detail: dict[str, Any] | None = None,
        reason: str = "",
    ) -> None:
        await repos.trust.audit(
            to_text(self._clock.now()), who, action, subject, detail or {}, reason
        )

    async def audited(
        self,
        who: str,
        action: str,
        subject: str,
        detail: dict[str, Any],
        change: Callable[[Repositories], Awaitable[None]],
    ) -> None:
        """Make ``change`` and its audit entry in one transaction (a key rotation and
        the Update that tells followers, say)."""
        async with self._store.transaction() as repos:
            await change(repos)
            await self.audit(repos, who, action, subject, detail)
