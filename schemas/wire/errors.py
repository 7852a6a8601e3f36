"""The one error ingest normalisation raises, with a stable kebab-case reason."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a peer's document was refused; reasons are logged and counted, never renamed."""

    PROPOSAL_MALFORMED = "proposal-malformed"
    """Not a JSON object, no usable ``id`` or ``attributedTo``, or a term of the wrong shape."""
    NOT_A_PROPOSAL = "not-a-proposal"
    """Neither a Proposal (nor a Note carrying ``purpose``) nor a bare ValueFlows Intent."""
    PURPOSE_UNKNOWN = "purpose-unknown"
    """``purpose`` missing, or not ``offer`` / ``request``."""
    INTENT_MISSING = "intent-missing"
    """No embedded primary Intent in ``publishes``."""
    ACTION_UNKNOWN = "action-unknown"
    """The primary Intent's ``action`` is missing or not one of ours."""
    UNIT_UNKNOWN = "unit-unknown"
    """A quantity without ``hasUnit``, or with a unit outside our OM2 subset."""
    UNIT_MISMATCH = "unit-mismatch"
    """The Intent's quantities in units that do not convert (litres and kilograms)."""
    QUANTITY_INVALID = "quantity-invalid"
    """A ``hasNumericalValue`` that is not a finite, non-negative number."""
    ACTIVITY_MALFORMED = "activity-malformed"
    """An activity of a type we accept, with a term of the wrong shape (no ``actor``…)."""
    ACTIVITY_UNSUPPORTED = "activity-unsupported"
    """An activity type we do not accept (``Like``, ``Move``…)."""


class WireError(ValueError):
    """A peer's document we cannot use. ``reason`` is one of :class:`Reason`."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
