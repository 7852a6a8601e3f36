"""Outbound delivery: the retry policy and the per-host circuit breaker.

Both are pure of I/O and the clock: callers pass ``now`` and, for jitter, a
``random.Random``. The worker asks ``CircuitBreaker.allow`` before sending,
records the outcome, and stores ``decide``'s answer on the delivery row.
"""

from federation.delivery.circuit import CircuitBreaker, CircuitConfig, CircuitState, HostHealth
from federation.delivery.retry import (
    DEFAULT_POLICY,
    Attempt,
    Decision,
    DecisionKind,
    RetryPolicy,
    backoff,
    classify,
    decide,
    parse_retry_after,
)

__all__ = [
    "DEFAULT_POLICY",
    "Attempt",
    "CircuitBreaker",
    "CircuitConfig",
    "CircuitState",
    "Decision",
    "DecisionKind",
    "HostHealth",
    "RetryPolicy",
    "backoff",
    "classify",
    "decide",
    "parse_retry_after",
]
