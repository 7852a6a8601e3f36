"""Token buckets: a burst, then the refill rate, per key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from federation.ratelimit import RateLimiter

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_burst_then_refill() -> None:
    limiter = RateLimiter(rate=2, burst=3)
    assert [limiter.take("a", T0) for _ in range(3)] == [None, None, None]
    assert limiter.take("a", T0) == 1
    assert limiter.take("a", T0 + timedelta(milliseconds=500)) is None
    assert limiter.take("a", T0 + timedelta(milliseconds=500)) == 1


def test_keys_are_independent() -> None:
    limiter = RateLimiter(rate=0.1, burst=1)
    assert limiter.take("flood", T0) is None
    assert limiter.take("flood", T0) == 10
    assert limiter.take("calm", T0) is None


def test_memory_is_bounded() -> None:
    limiter = RateLimiter(rate=1, burst=1, max_keys=2)
    for key in ("a", "b", "c"):
        limiter.take(key, T0)
    assert limiter.take("a", T0) is None, "the oldest key was forgotten"


def test_invalid_settings() -> None:
    with pytest.raises(ValueError, match="rate"):
        RateLimiter(rate=0, burst=1)
