"""A per-host circuit breaker whose state expires, with the clock passed in.

Closed → open after ``failure_threshold`` consecutive failures within
``window`` (Fedify's 5 in 10 min). Open hosts are skipped until the open
period ends; then one probe is let through (half-open): a success closes the
circuit, a failure reopens it for twice as long, up to ``max_open_for``.

Memory is bounded (Fedify's CVE-2026-69132 was breaker state with no TTL): a
host with nothing to remember has no entry; an entry is forgotten ``ttl`` after
its last failure or open period, whichever is later (``window`` if it never
opened); and at most ``max_hosts`` are tracked, the least recently updated
dropped first. Hosts are used as given, already normalised.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

CircuitState = Literal["closed", "open", "half-open"]


@dataclass(frozen=True)
class CircuitConfig:
    """Thresholds and lifetimes of the breaker."""

    failure_threshold: int = 5
    window: timedelta = timedelta(minutes=10)
    open_for: timedelta = timedelta(minutes=10)
    max_open_for: timedelta = timedelta(hours=6)
    probe_timeout: timedelta = timedelta(minutes=2)
    ttl: timedelta = timedelta(hours=24)
    max_hosts: int = 10_000

    def __post_init__(self) -> None:
        if self.failure_threshold < 1 or self.max_hosts < 1:
            raise ValueError("failure_threshold and max_hosts must be at least 1")
        if min(self.window, self.open_for, self.probe_timeout, self.ttl) <= timedelta(0):
            raise ValueError("durations must be positive")
        if self.max_open_for < self.open_for:
            raise ValueError("max_open_for must be at least open_for")

    def open_period(self, opens: int) -> timedelta:
        """How long the ``opens``-th consecutive opening lasts (doubling, capped)."""
        period = self.open_for
        for _ in range(opens - 1):
            if period >= self.max_open_for:
                break
            period *= 2
        return min(period, self.max_open_for)


@dataclass(frozen=True)
class HostHealth:
    """One host's breaker as the admin view shows it."""

    state: CircuitState
    failures: int
    opened_until: datetime | None
    opens: int
    last_failure_at: datetime | None


@dataclass
class _Entry:
    failures: deque[datetime]
    opens: int = 0
    opened_until: datetime | None = None
    probe_started_at: datetime | None = None
    last_failure_at: datetime | None = None

    def state(self, now: datetime) -> CircuitState:
        if self.opened_until is None:
            return "closed"
        return "open" if now < self.opened_until else "half-open"

    def expires_at(self, config: CircuitConfig) -> datetime | None:
        marks = [m for m in (self.last_failure_at, self.opened_until) if m is not None]
        if not marks:
            return None
        # Failures that never opened the circuit only matter within the window.
        return max(marks) + (config.ttl if self.opens else config.window)


class CircuitBreaker:
    """Per-host breaker; every method takes ``now`` (aware datetimes, one clock)."""

    def __init__(self, config: CircuitConfig | None = None) -> None:
        self.config = config or CircuitConfig()
        self._hosts: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._hosts)

    def state(self, host: str, now: datetime) -> CircuitState:
        """The host's circuit state at ``now``."""
        entry = self._live(host, now)
        return "closed" if entry is None else entry.state(now)

    def allow(self, host: str, now: datetime) -> bool:
        """Whether to send to ``host`` now; in half-open, grants one probe at a time."""
        entry = self._live(host, now)
        if entry is None:
            return True
        state = entry.state(now)
        if state != "half-open":
            return state == "closed"
        probe = entry.probe_started_at
        if probe is not None and now < probe + self.config.probe_timeout:
            return False
        entry.probe_started_at = now
        return True

    def record_success(self, host: str, now: datetime) -> None:
        """The host answered: close its circuit and clear its failures."""
        entry = self._live(host, now)
        if entry is None:
            return
        if entry.opens == 0:
            del self._hosts[host]  # nothing left worth remembering
            return
        entry.failures.clear()
        entry.opened_until = None
        entry.probe_started_at = None
        self._hosts.move_to_end(host)

    def record_failure(self, host: str, now: datetime) -> None:
        """The host failed (network error, timeout or 5xx); may open its circuit."""
        entry = self._live(host, now)
        if entry is None:
            entry = self._insert(host)
        entry.last_failure_at = now
        state = entry.state(now)
        if state == "half-open":
            self._open(entry, now)
        elif state == "closed":
            window_start = now - self.config.window
            while entry.failures and entry.failures[0] <= window_start:
                entry.failures.popleft()
            entry.failures.append(now)
            if len(entry.failures) >= self.config.failure_threshold:
                self._open(entry, now)
        self._hosts.move_to_end(host)

    def purge(self, now: datetime) -> int:
        """Forget every expired host; returns how many were dropped."""
        expired = [host for host, entry in self._hosts.items() if self._expired(entry, now)]
        for host in expired:
            del self._hosts[host]
        return len(expired)

    def snapshot(self, now: datetime) -> dict[str, HostHealth]:
        """Every tracked host's health, after dropping expired entries."""
        self.purge(now)
        window_start = now - self.config.window
        return {
            host: HostHealth(
                state=entry.state(now),
                failures=sum(1 for t in entry.failures if t > window_start),
                opened_until=entry.opened_until,
                opens=entry.opens,
                last_failure_at=entry.last_failure_at,
            )
            for host, entry in self._hosts.items()
        }

    def _open(self, entry: _Entry, now: datetime) -> None:
        entry.opens += 1
        entry.opened_until = now + self.config.open_period(entry.opens)
        entry.probe_started_at = None
        entry.failures.clear()

    def _expired(self, entry: _Entry, now: datetime) -> bool:
        expires = entry.expires_at(self.config)
        return expires is not None and now >= expires

    def _live(self, host: str, now: datetime) -> _Entry | None:
        entry = self._hosts.get(host)
        if entry is not None and self._expired(entry, now):
            del self._hosts[host]
            return None
        return entry

    def _insert(self, host: str) -> _Entry:
        while len(self._hosts) >= self.config.max_hosts:
            self._hosts.popitem(last=False)  # least recently updated (expired ones age first)
        entry = _Entry(failures=deque(maxlen=self.config.failure_threshold))
        self._hosts[host] = entry
        return entry
