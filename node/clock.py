"""Time, injected: services and workers ask a clock, so tests can drive it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to (tests, benchmarks, the demo)."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def to_text(moment: datetime) -> str:
    """The one stored and published form of a timestamp: UTC, seconds, ``Z``."""
    # isoformat, not strftime: "%Y" leaves years before 1000 unpadded ("253-…"),
    # which fromisoformat cannot read back.
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def from_text(text: str) -> datetime:
    moment = datetime.fromisoformat(text)  # reads the "Z" of what to_text wrote
    return moment if text.endswith("Z") else moment.astimezone(UTC)
