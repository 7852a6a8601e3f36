"""The delivery retry policy as a pure function, after Fedify's ``RetryPolicy``.

``decide(attempt)`` classifies one delivery attempt's outcome and, when it is
worth retrying, says when: exponential backoff with jitter for about two days,
or the peer's ``Retry-After`` on 429 and 503. Nothing here reads the clock or a
global random source unless no ``rng`` is given.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal

DecisionKind = Literal["delivered", "retry", "give-up", "prune"]

_DELTA_SECONDS = re.compile(r"[0-9]+")
_SYSTEM_RNG = random.Random()  # noqa: S311 (jitter, not secrets; used when none is injected)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff numbers: delay n is ``initial_delay * factor**(n-1)``, capped, jittered.

    ``jitter`` is the fraction of each delay that is randomised: 1.0 is "full
    jitter" (uniform in (0, d]), 0.5 "equal jitter" (uniform in [d/2, d]), 0 none.
    No delay is ever shorter than ``initial_delay``. Retrying stops after
    ``max_attempts`` tries or once ``max_age`` has passed since the first; the
    last retry is pulled in to land exactly at ``max_age``.
    """

    initial_delay: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    max_delay: timedelta = timedelta(hours=12)
    max_attempts: int = 16
    max_age: timedelta = timedelta(hours=48)
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.initial_delay <= timedelta(0):
            raise ValueError("initial_delay must be positive")
        if self.max_delay < self.initial_delay:
            raise ValueError("max_delay must be at least initial_delay")
        if not (math.isfinite(self.factor) and self.factor >= 1.0):
            raise ValueError("factor must be finite and at least 1")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_age <= timedelta(0):
            raise ValueError("max_age must be positive")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be between 0 and 1")

    def ceiling(self, attempts: int) -> timedelta:
        """The un-jittered delay after the ``attempts``-th try."""
        initial = self.initial_delay.total_seconds()
        cap = self.max_delay.total_seconds()
        exponent = max(attempts - 1, 0)
        if self.factor > 1.0 and exponent * math.log(self.factor) >= math.log(cap / initial):
            return self.max_delay
        return timedelta(seconds=min(cap, initial * self.factor**exponent))


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class Attempt:
    """One finished delivery try; ``status`` is None for a network error or timeout."""

    attempts: int
    status: int | None
    retry_after: str | None
    now: datetime
    first_attempt_at: datetime

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts counts this try, so it is at least 1")
        if self.now.tzinfo is None or self.first_attempt_at.tzinfo is None:
            raise ValueError("times must be timezone-aware")


@dataclass(frozen=True)
class Decision:
    """What to do with the (activity, inbox) pair; ``next_attempt_at`` only for retry."""

    kind: DecisionKind
    next_attempt_at: datetime | None
    reason: str


def decide(
    attempt: Attempt, policy: RetryPolicy = DEFAULT_POLICY, rng: random.Random | None = None
) -> Decision:
    """Classify ``attempt`` and schedule the next try when one is worthwhile."""
    kind, reason = classify(attempt.status)
    if kind != "retry":
        return Decision(kind, None, reason)
    deadline = attempt.first_attempt_at + policy.max_age
    if attempt.attempts >= policy.max_attempts or attempt.now >= deadline:
        return Decision("give-up", None, "retries-exhausted")
    delay = None
    if attempt.status in (429, 503) and attempt.retry_after is not None:
        delay = parse_retry_after(attempt.retry_after, attempt.now)
    if delay is None:
        delay = backoff(attempt.attempts, policy, rng or _SYSTEM_RNG)
    else:
        delay = min(max(delay, policy.initial_delay), policy.max_delay)
    return Decision("retry", min(attempt.now + delay, deadline), reason)


def classify(status: int | None) -> tuple[DecisionKind, str]:
    """The decision kind and reason code for a response status alone."""
    if status is None:
        return "retry", "network-error"
    if 200 <= status < 300:
        return "delivered", "delivered"
    if status == 404:
        return "prune", "not-found"
    if status == 410:
        return "prune", "gone"
    if status == 401:
        return "retry", "unauthorized"
    if status == 408:
        return "retry", "timeout-status"
    if status == 429:
        return "retry", "rate-limited"
    if 400 <= status < 500:
        return "give-up", "client-error-permanent"
    if status == 501:
        return "give-up", "not-implemented"
    if 500 <= status < 600:
        return "retry", "server-error"
    return "retry", "unexpected-status"


def backoff(attempts: int, policy: RetryPolicy, rng: random.Random) -> timedelta:
    """The jittered delay after the ``attempts``-th try, never below ``initial_delay``."""
    ceiling = policy.ceiling(attempts)
    jittered = ceiling * (1.0 - policy.jitter * rng.random())
    return max(jittered, policy.initial_delay)


def parse_retry_after(value: str, now: datetime) -> timedelta | None:
    """A ``Retry-After`` value (delta-seconds or HTTP-date, RFC 9110 §10.2.3) as a delay.

    Returns None when unparsable; a date in the past gives a zero delay. Very
    large values are capped at 100 years; callers clamp further.
    """
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        return timedelta(seconds=int(text)) if len(text) <= 10 else timedelta(days=36_500)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # the asctime form carries no zone; HTTP means GMT
    return max(when - now, timedelta(0))
