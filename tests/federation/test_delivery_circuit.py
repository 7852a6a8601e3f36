"""The per-host circuit breaker: opening, half-open probes, doubling, expiry and the host cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from federation.delivery import CircuitBreaker, CircuitConfig, HostHealth

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
HOST = "dead.example"


def fail(breaker: CircuitBreaker, host: str, *times: datetime) -> None:
    for when in times:
        breaker.record_failure(host, when)


def open_circuit(breaker: CircuitBreaker, host: str = HOST, at: datetime = T0) -> None:
    fail(breaker, host, *(at + i * MINUTE for i in range(5)))


def test_unknown_hosts_are_closed_and_leave_no_state() -> None:
    breaker = CircuitBreaker()
    assert breaker.state(HOST, T0) == "closed"
    assert breaker.allow(HOST, T0)
    breaker.record_success(HOST, T0)
    assert len(breaker) == 0
    assert breaker.snapshot(T0) == {}


def test_opens_after_five_failures_within_the_window() -> None:
    breaker = CircuitBreaker()
    fail(breaker, HOST, *(T0 + i * MINUTE for i in range(4)))
    assert breaker.state(HOST, T0 + 4 * MINUTE) == "closed"
    breaker.record_failure(HOST, T0 + 4 * MINUTE)
    assert breaker.state(HOST, T0 + 4 * MINUTE) == "open"
    assert not breaker.allow(HOST, T0 + 5 * MINUTE)
    assert breaker.allow("healthy.example", T0 + 5 * MINUTE)


@pytest.mark.parametrize(
    "minutes",
    [
        [0, 3, 6, 9, 12],  # spread past the ten-minute window
        [0, 2.5, 5, 7.5, 10],  # the first is exactly one window old
        [0, 1, 2, 3, 30],
    ],
)
def test_failures_spread_beyond_the_window_do_not_open(minutes: list[float]) -> None:
    breaker = CircuitBreaker()
    fail(breaker, HOST, *(T0 + m * MINUTE for m in minutes))
    assert breaker.state(HOST, T0 + minutes[-1] * MINUTE) == "closed"


def test_a_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker()
    fail(breaker, HOST, *(T0 + i * MINUTE for i in range(4)))
    breaker.record_success(HOST, T0 + 4 * MINUTE)
    assert len(breaker) == 0
    breaker.record_failure(HOST, T0 + 5 * MINUTE)
    assert breaker.state(HOST, T0 + 5 * MINUTE) == "closed"


def test_half_open_allows_one_probe_and_success_closes() -> None:
    breaker = CircuitBreaker()
    open_circuit(breaker)
    reopen = T0 + 4 * MINUTE + 10 * MINUTE
    assert breaker.state(HOST, reopen - timedelta(seconds=1)) == "open"
    assert breaker.state(HOST, reopen) == "half-open"
    assert breaker.allow(HOST, reopen)
    assert not breaker.allow(HOST, reopen + timedelta(seconds=5))
    breaker.record_success(HOST, reopen + timedelta(seconds=10))
    assert breaker.state(HOST, reopen + timedelta(seconds=10)) == "closed"
    assert breaker.allow(HOST, reopen + timedelta(seconds=11))
    assert breaker.allow(HOST, reopen + timedelta(seconds=12))


def test_a_lost_probe_is_replaced_after_the_probe_timeout() -> None:
    breaker = CircuitBreaker()
    open_circuit(breaker)
    half_open = T0 + 14 * MINUTE
    assert breaker.allow(HOST, half_open)
    assert not breaker.allow(HOST, half_open + MINUTE)
    assert breaker.allow(HOST, half_open + 2 * MINUTE)


def test_probe_failure_reopens_for_twice_as_long_up_to_the_cap() -> None:
    breaker = CircuitBreaker()
    open_circuit(breaker)
    now = T0 + 4 * MINUTE
    periods = []
    for _ in range(8):
        health = breaker.snapshot(now)[HOST]
        assert health.opened_until is not None
        periods.append(int((health.opened_until - now) / MINUTE))
        now = health.opened_until
        assert breaker.allow(HOST, now)
        breaker.record_failure(HOST, now)
    assert periods == [10, 20, 40, 80, 160, 320, 360, 360]
    assert breaker.snapshot(now)[HOST].opens == 9


def test_a_flapping_host_keeps_doubling_while_remembered() -> None:
    breaker = CircuitBreaker()
    open_circuit(breaker)
    probe = T0 + 14 * MINUTE
    assert breaker.allow(HOST, probe)
    breaker.record_success(HOST, probe)
    open_circuit(breaker, at=probe + MINUTE)
    health = breaker.snapshot(probe + 5 * MINUTE)[HOST]
    assert health.opens == 2
    assert health.opened_until == probe + 5 * MINUTE + 20 * MINUTE


def test_failures_while_open_do_not_extend_it() -> None:
    breaker = CircuitBreaker()
    open_circuit(breaker)
    until = breaker.snapshot(T0 + 4 * MINUTE)[HOST].opened_until
    fail(breaker, HOST, *(T0 + (5 + i) * MINUTE for i in range(5)))
    assert breaker.snapshot(T0 + 10 * MINUTE)[HOST].opened_until == until


def test_snapshot_reports_health() -> None:
    breaker = CircuitBreaker()
    open_circuit(breaker)
    fail(breaker, "flaky.example", T0, T0 + MINUTE)
    now = T0 + 5 * MINUTE
    assert breaker.snapshot(now) == {
        HOST: HostHealth(
            state="open",
            failures=0,
            opened_until=T0 + 14 * MINUTE,
            opens=1,
            last_failure_at=T0 + 4 * MINUTE,
        ),
        "flaky.example": HostHealth(
            state="closed",
            failures=2,
            opened_until=None,
            opens=0,
            last_failure_at=T0 + MINUTE,
        ),
    }


def test_an_idle_open_host_is_forgotten_after_the_ttl() -> None:
    config = CircuitConfig()
    breaker = CircuitBreaker(config)
    open_circuit(breaker)
    opened_until = T0 + 14 * MINUTE
    assert breaker.state(HOST, opened_until + config.ttl - MINUTE) == "half-open"
    assert breaker.state(HOST, opened_until + config.ttl) == "closed"
    assert len(breaker) == 0
    later = opened_until + config.ttl + MINUTE
    open_circuit(breaker, at=later)
    assert breaker.snapshot(later + 4 * MINUTE)[HOST].opens == 1  # the doubling starts over


def test_a_recovered_host_is_forgotten_a_ttl_after_its_last_failure() -> None:
    config = CircuitConfig(ttl=timedelta(hours=2))
    breaker = CircuitBreaker(config)
    open_circuit(breaker)
    probe = T0 + 14 * MINUTE
    assert breaker.allow(HOST, probe)
    breaker.record_success(HOST, probe)
    assert HOST in breaker.snapshot(probe + timedelta(hours=1))
    assert breaker.snapshot(probe + timedelta(hours=2)) == {}


def test_failures_that_never_opened_are_forgotten_after_the_window() -> None:
    breaker = CircuitBreaker()
    fail(breaker, HOST, T0, T0 + MINUTE)
    assert len(breaker) == 1
    assert breaker.purge(T0 + 10 * MINUTE) == 0
    assert breaker.purge(T0 + 11 * MINUTE) == 1
    assert len(breaker) == 0


def test_the_host_cap_drops_the_least_recently_updated() -> None:
    breaker = CircuitBreaker(CircuitConfig(max_hosts=3))
    for i, host in enumerate(["a.example", "b.example", "c.example"]):
        breaker.record_failure(host, T0 + i * MINUTE)
    breaker.record_failure("a.example", T0 + 3 * MINUTE)
    breaker.record_failure("d.example", T0 + 4 * MINUTE)
    assert set(breaker.snapshot(T0 + 5 * MINUTE)) == {"a.example", "c.example", "d.example"}


def test_many_dead_hosts_stay_bounded_and_expire() -> None:
    config = CircuitConfig(max_hosts=100)
    breaker = CircuitBreaker(config)
    for i in range(10_000):
        open_circuit(breaker, f"dead{i}.example", T0 + i * timedelta(seconds=1))
        assert len(breaker) <= 100
    end = T0 + timedelta(seconds=10_000)
    assert len(breaker.snapshot(end)) == 100
    assert breaker.snapshot(end + config.window + config.open_for + config.ttl) == {}


def test_open_period_doubles_and_caps() -> None:
    config = CircuitConfig()
    assert [config.open_period(n) / MINUTE for n in range(1, 9)] == [
        10,
        20,
        40,
        80,
        160,
        320,
        360,
        360,
    ]
    assert config.open_period(10**6) == config.max_open_for


@pytest.mark.parametrize(
    "kwargs",
    [
        {"failure_threshold": 0},
        {"max_hosts": 0},
        {"window": timedelta(0)},
        {"ttl": -MINUTE},
        {"max_open_for": MINUTE},
    ],
)
def test_config_rejects_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        CircuitConfig(**kwargs)  # type: ignore[arg-type]
