"""The delivery retry policy: status classes, Retry-After, backoff bounds, the whole schedule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from federation.delivery import (
    DEFAULT_POLICY,
    Attempt,
    Decision,
    RetryPolicy,
    backoff,
    decide,
    parse_retry_after,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def attempt(
    status: int | None,
    *,
    attempts: int = 1,
    retry_after: str | None = None,
    now: datetime = T0,
) -> Attempt:
    return Attempt(
        attempts=attempts, status=status, retry_after=retry_after, now=now, first_attempt_at=T0
    )


def seeded(seed: int = 7) -> random.Random:
    return random.Random(seed)


@pytest.mark.parametrize(
    ("status", "kind", "reason"),
    [
        (200, "delivered", "delivered"),
        (201, "delivered", "delivered"),
        (202, "delivered", "delivered"),
        (204, "delivered", "delivered"),
        (299, "delivered", "delivered"),
        (404, "prune", "not-found"),
        (410, "prune", "gone"),
        (400, "give-up", "client-error-permanent"),
        (403, "give-up", "client-error-permanent"),
        (405, "give-up", "client-error-permanent"),
        (413, "give-up", "client-error-permanent"),
        (422, "give-up", "client-error-permanent"),
        (451, "give-up", "client-error-permanent"),
        (499, "give-up", "client-error-permanent"),
        (501, "give-up", "not-implemented"),
        (401, "retry", "unauthorized"),
        (408, "retry", "timeout-status"),
        (429, "retry", "rate-limited"),
        (500, "retry", "server-error"),
        (502, "retry", "server-error"),
        (503, "retry", "server-error"),
        (504, "retry", "server-error"),
        (599, "retry", "server-error"),
        (None, "retry", "network-error"),
        (302, "retry", "unexpected-status"),
        (100, "retry", "unexpected-status"),
    ],
)
def test_status_classes(status: int | None, kind: str, reason: str) -> None:
    decision = decide(attempt(status), rng=seeded())
    assert (decision.kind, decision.reason) == (kind, reason)
    if kind == "retry":
        assert decision.next_attempt_at is not None
        assert decision.next_attempt_at >= T0 + DEFAULT_POLICY.initial_delay
    else:
        assert decision.next_attempt_at is None


@pytest.mark.parametrize(
    ("status", "kind", "reason"),
    [
        (202, "delivered", "delivered"),
        (410, "prune", "gone"),
        (404, "prune", "not-found"),
        (403, "give-up", "client-error-permanent"),
        (503, "give-up", "retries-exhausted"),
        (None, "give-up", "retries-exhausted"),
    ],
)
def test_final_attempt_still_classifies_the_answer(
    status: int | None, kind: str, reason: str
) -> None:
    decision = decide(attempt(status, attempts=DEFAULT_POLICY.max_attempts), rng=seeded())
    assert (decision.kind, decision.reason) == (kind, reason)


def test_gives_up_once_max_age_has_passed() -> None:
    late = T0 + DEFAULT_POLICY.max_age
    assert decide(attempt(500, attempts=3, now=late)).reason == "retries-exhausted"
    early = late - SECOND
    decision = decide(attempt(500, attempts=3, now=early), rng=seeded())
    assert decision.kind == "retry"
    assert decision.next_attempt_at == late  # pulled in to the deadline


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize(
    ("header", "delay"),
    [
        ("120", timedelta(seconds=120)),
        (" 3600 ", timedelta(hours=1)),
        ("Sun, 01 Mar 2026 12:05:00 GMT", timedelta(minutes=5)),  # IMF-fixdate
        ("Sunday, 01-Mar-26 12:05:00 GMT", timedelta(minutes=5)),  # obsolete RFC 850
        ("Sun Mar  1 12:05:00 2026", timedelta(minutes=5)),  # asctime
        ("0", timedelta(seconds=30)),  # floored at the initial delay
        ("Sun, 01 Mar 2026 11:00:00 GMT", timedelta(seconds=30)),  # in the past
        ("86400", timedelta(hours=12)),  # clamped to the policy's cap
        ("Tue, 03 Mar 2026 12:00:00 GMT", timedelta(hours=12)),
        ("99999999999999999999999", timedelta(hours=12)),
    ],
)
def test_retry_after_is_honoured_and_clamped(status: int, header: str, delay: timedelta) -> None:
    decision = decide(attempt(status, attempts=4, retry_after=header), rng=seeded())
    reason = "rate-limited" if status == 429 else "server-error"
    assert decision == Decision("retry", T0 + delay, reason)


@pytest.mark.parametrize(
    "header", ["", "soon", "-5", "1.5", "12 s", "²", "Sun, 31 Feb 2026 12:00:00 GMT", "0x10"]
)
def test_unparsable_retry_after_falls_back_to_backoff(header: str) -> None:
    with_header = decide(attempt(429, attempts=4, retry_after=header), rng=seeded(3))
    without = decide(attempt(429, attempts=4), rng=seeded(3))
    assert with_header == without
    assert with_header.next_attempt_at == T0 + backoff(4, DEFAULT_POLICY, seeded(3))


@pytest.mark.parametrize("status", [500, 502, 401, 408, None])
def test_retry_after_is_ignored_outside_429_and_503(status: int | None) -> None:
    with_header = decide(attempt(status, attempts=2, retry_after="7200"), rng=seeded(5))
    without = decide(attempt(status, attempts=2), rng=seeded(5))
    assert with_header == without


def test_retry_after_is_pulled_in_to_the_deadline() -> None:
    now = T0 + DEFAULT_POLICY.max_age - timedelta(minutes=1)
    decision = decide(attempt(503, attempts=2, retry_after="3600", now=now))
    assert decision.next_attempt_at == T0 + DEFAULT_POLICY.max_age


@pytest.mark.parametrize(
    ("value", "delay"),
    [
        ("0", timedelta(0)),
        ("45", timedelta(seconds=45)),
        ("Sun, 01 Mar 2026 12:00:10 GMT", timedelta(seconds=10)),
        ("Sun, 01 Mar 2026 13:00:00 +0100", timedelta(0)),  # lenient: zones are honoured
        ("Sat, 28 Feb 2026 12:00:00 GMT", timedelta(0)),
        ("garbage", None),
        ("", None),
        ("Sun, 01 Mar 2026 25:00:00 GMT", None),
    ],
)
def test_parse_retry_after(value: str, delay: timedelta | None) -> None:
    assert parse_retry_after(value, T0) == delay


@pytest.mark.parametrize("jitter", [0.0, 0.5, 1.0])
def test_backoff_stays_within_its_jitter_band(jitter: float) -> None:
    policy = RetryPolicy(jitter=jitter)
    rng = seeded(11)
    previous_ceiling = timedelta(0)
    for attempts in range(1, 40):
        ceiling = policy.ceiling(attempts)
        assert previous_ceiling <= ceiling <= policy.max_delay
        previous_ceiling = ceiling
        for _ in range(50):
            delay = backoff(attempts, policy, rng)
            assert policy.initial_delay <= delay <= ceiling
            assert delay >= ceiling * (1 - jitter) - SECOND / 1000


def test_ceilings_double_from_thirty_seconds_to_twelve_hours() -> None:
    ceilings = [DEFAULT_POLICY.ceiling(n).total_seconds() for n in range(1, 14)]
    assert ceilings[:4] == [30, 60, 120, 240]
    assert ceilings[11:] == [12 * 3600, 12 * 3600]
    assert DEFAULT_POLICY.ceiling(10**9) == DEFAULT_POLICY.max_delay  # no overflow


def test_unjittered_policy_is_exact() -> None:
    policy = RetryPolicy(jitter=0.0)
    decision = decide(attempt(None, attempts=3), policy, seeded())
    assert decision.next_attempt_at == T0 + timedelta(seconds=120)


def test_decisions_are_deterministic_with_a_seeded_rng() -> None:
    first = [decide(attempt(502, attempts=n), rng=seeded(42)) for n in range(1, 16)]
    second = [decide(attempt(502, attempts=n), rng=seeded(42)) for n in range(1, 16)]
    assert first == second
    other = [decide(attempt(502, attempts=n), rng=seeded(43)) for n in range(1, 16)]
    assert first != other


def run_schedule(policy: RetryPolicy, rng: random.Random) -> tuple[int, datetime, Decision]:
    """Fail every try with a 503 at the scheduled time; return tries, last try, final decision."""
    now, tries = T0, 1
    while True:
        decision = decide(attempt(503, attempts=tries, now=now), policy, rng)
        if decision.kind != "retry":
            return tries, now, decision
        assert decision.next_attempt_at is not None
        assert decision.next_attempt_at > now
        now, tries = decision.next_attempt_at, tries + 1


@pytest.mark.parametrize("seed", range(200))
def test_default_schedule_spans_about_two_days(seed: int) -> None:
    tries, last, final = run_schedule(DEFAULT_POLICY, seeded(seed))
    assert final == Decision("give-up", None, "retries-exhausted")
    assert tries <= DEFAULT_POLICY.max_attempts
    assert timedelta(hours=36) <= last - T0 <= DEFAULT_POLICY.max_age


def test_full_jitter_schedule_stays_within_bounds() -> None:
    policy = RetryPolicy(jitter=1.0)
    for seed in range(50):
        tries, last, _ = run_schedule(policy, seeded(seed))
        assert tries <= policy.max_attempts
        assert last - T0 <= policy.max_age


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial_delay": timedelta(0)},
        {"max_delay": timedelta(seconds=1)},
        {"factor": 0.5},
        {"factor": float("inf")},
        {"max_attempts": 0},
        {"max_age": timedelta(0)},
        {"jitter": 1.5},
        {"jitter": -0.1},
    ],
)
def test_policy_rejects_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_attempt_requires_aware_times_and_a_count() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Attempt(1, 500, None, datetime(2026, 3, 1), T0)
    with pytest.raises(ValueError, match="at least 1"):
        Attempt(0, 500, None, T0, T0)
