"""What a verified signature must also satisfy: coverage, clock window, key size.

The policy is a parameter of verification so tests (and the published vectors,
whose key is 1024-bit and whose C.1 case covers only ``date``) can relax it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from federation.httpsig.reasons import Reason, fail


@dataclass(frozen=True)
class VerificationPolicy:
    """Acceptance rules applied on top of a cryptographically valid signature."""

    clock_skew: timedelta = timedelta(hours=1)
    """How far ``Date`` or ``created`` may be from ``now``, either way."""
    min_rsa_bits: int = 2048
    """Smaller RSA keys are refused with ``key-too-weak``."""
    enforce_coverage: bool = True
    """Require method+target, host, date or created, and a digest on bodies."""
    max_signatures: int = 4
    """More RFC 9421 signatures than this in one request is malformed."""


DEFAULT_POLICY = VerificationPolicy()


@dataclass(frozen=True)
class Coverage:
    """Which of the required things a signature covers (scheme-neutral)."""

    method_and_target: bool
    host: bool
    time: bool
    digest: bool


def check_coverage(
    coverage: Coverage, *, expects_body: bool, digest_present: bool, policy: VerificationPolicy
) -> None:
    """Raise unless the signature covers everything the policy requires."""
    if not policy.enforce_coverage:
        return
    if not coverage.method_and_target:
        raise fail(Reason.COMPONENT_MISSING, "the method and target are not covered")
    if not coverage.host:
        raise fail(Reason.COMPONENT_MISSING, "the host is not covered")
    if not coverage.time:
        raise fail(Reason.COMPONENT_MISSING, "neither date nor created is covered")
    if expects_body and not coverage.digest:
        if digest_present:
            raise fail(Reason.COMPONENT_MISSING, "the body digest is not covered")
        raise fail(Reason.DIGEST_MISSING, "a request with a body needs a digest")


def require_aware(now: datetime) -> None:
    """Reject a naive ``now``; comparing it with wire times would be a guess."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def check_window(moment: datetime, now: datetime, policy: VerificationPolicy, what: str) -> None:
    """Raise ``date-out-of-window`` when ``moment`` is too far from ``now``."""
    if abs(moment - now) > policy.clock_skew:
        raise fail(Reason.DATE_OUT_OF_WINDOW, f"{what} {moment.isoformat()} is outside the window")


def check_expires(expires: datetime, now: datetime) -> None:
    """Raise ``signature-expired`` once ``expires`` has passed."""
    if now > expires:
        raise fail(Reason.SIGNATURE_EXPIRED, f"the signature expired at {expires.isoformat()}")


_MONTHS = dict(
    zip(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        range(1, 13),
        strict=True,
    )
)
_IMF_FIXDATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) ([A-Z][a-z]{2}) ([0-9]{4})"
    r" ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT"
)


def parse_http_date(value: str) -> datetime:
    """Parse a ``Date`` header (RFC 9110 IMF-fixdate and the obsolete forms)."""
    fixdate = _IMF_FIXDATE.fullmatch(value)
    if fixdate is not None and fixdate[2] in _MONTHS:  # what every sender sends: parsed directly
        day, _, year, hour, minute, second = fixdate.groups()
        try:
            return datetime(
                int(year),
                _MONTHS[fixdate[2]],
                int(day),
                int(hour),
                int(minute),
                int(second),
                tzinfo=UTC,
            )
        except ValueError as error:
            raise fail(Reason.SIGNATURE_MALFORMED, "the Date header is not an HTTP date") from error
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError) as error:
        raise fail(Reason.SIGNATURE_MALFORMED, "the Date header is not an HTTP date") from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def from_timestamp(value: float, what: str) -> datetime:
    """A Unix timestamp from a signature parameter, as an aware datetime."""
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise fail(Reason.SIGNATURE_MALFORMED, f"{what} is not a usable timestamp") from error


def check_rsa_size(bits: int, policy: VerificationPolicy) -> None:
    """Raise ``key-too-weak`` for RSA keys below the policy's minimum."""
    if bits < policy.min_rsa_bits:
        raise fail(Reason.KEY_TOO_WEAK, f"RSA key of {bits} bits is below {policy.min_rsa_bits}")
