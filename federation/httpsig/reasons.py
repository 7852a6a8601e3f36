"""Stable reason codes for signature failures (logged, counted, never renamed)."""

from __future__ import annotations

from enum import StrEnum

from federation.errors import SignatureError


class Reason(StrEnum):
    """Why a request's signature was refused. Every one answers 401."""

    SIGNATURE_MISSING = "signature-missing"
    SIGNATURE_MALFORMED = "signature-malformed"
    ALGORITHM_UNSUPPORTED = "algorithm-unsupported"
    COMPONENT_MISSING = "component-missing"
    COMPONENT_UNSUPPORTED = "component-unsupported"
    DIGEST_MISSING = "digest-missing"
    DIGEST_MISMATCH = "digest-mismatch"
    DIGEST_ALGORITHM_UNSUPPORTED = "digest-algorithm-unsupported"
    DATE_OUT_OF_WINDOW = "date-out-of-window"
    SIGNATURE_EXPIRED = "signature-expired"
    KEY_UNAVAILABLE = "key-unavailable"
    KEY_TOO_WEAK = "key-too-weak"
    KEY_TYPE_MISMATCH = "key-type-mismatch"
    SIGNATURE_INVALID = "signature-invalid"


def fail(reason: Reason, detail: str) -> SignatureError:
    """Build the error to raise; the status is always 401 so senders may retry."""
    return SignatureError(detail, reason=reason.value, status=401)
