"""When to try a notification again: federation's pure backoff, with its own numbers.

Webhook answers are classified by federation's ``decide`` (Retry-After on 429
and 503, 4xx permanent); a mail failure is transient or not by its SMTP code.
Retrying stops after a day: a notification later than that has lost its point.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from federation.delivery.retry import Attempt, RetryPolicy, backoff, decide

POLICY = RetryPolicy(
    initial_delay=timedelta(minutes=1),
    factor=2.0,
    max_delay=timedelta(hours=2),
    max_attempts=12,
    max_age=timedelta(hours=24),
    jitter=0.3,
)


def after_mail_failure(
    attempts: int,
    first: datetime,
    now: datetime,
    *,
    transient: bool,
    policy: RetryPolicy = POLICY,
    rng: random.Random | None = None,
) -> datetime | None:
    """The next try after the ``attempts``-th failed one, or None to give up."""
    deadline = first + policy.max_age
    if not transient or attempts >= policy.max_attempts or now >= deadline:
        return None
    return min(now + backoff(attempts, policy, rng or random.Random()), deadline)  # noqa: S311


def after_webhook_answer(
    attempts: int,
    first: datetime,
    now: datetime,
    status: int | None,
    retry_after: str | None,
    *,
    policy: RetryPolicy = POLICY,
    rng: random.Random | None = None,
) -> tuple[str, datetime | None, str]:
    """``(outcome, next try, reason)``; outcome is sent, retry or failed. A 404 or 410
    fails the call (the endpoint stays; the admin sees why in its history)."""
    decision = decide(Attempt(attempts, status, retry_after, now, first), policy, rng)
    if decision.kind == "delivered":
        return "sent", None, decision.reason
    if decision.kind == "retry":
        return "retry", decision.next_attempt_at, decision.reason
    return "failed", None, decision.reason
