"""The status lifecycle of an offer or request, as data.

draft → open → partly-committed → fulfilled / closed (with a reason) / expired;
an expired item can be renewed back to open.
"""

from __future__ import annotations

from node.errors import Conflict
from schemas.vocab import CloseReason, Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.CLOSED}),
    Status.OPEN: frozenset(
        {Status.PARTLY_COMMITTED, Status.FULFILLED, Status.CLOSED, Status.EXPIRED}
    ),
    Status.PARTLY_COMMITTED: frozenset(
        {Status.OPEN, Status.FULFILLED, Status.CLOSED, Status.EXPIRED}
    ),
    Status.EXPIRED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.FULFILLED: frozenset(),
    Status.CLOSED: frozenset(),
}

EDITABLE = frozenset({Status.DRAFT, Status.OPEN, Status.PARTLY_COMMITTED})
LIVE = frozenset({Status.OPEN, Status.PARTLY_COMMITTED})


def check_transition(current: Status, target: Status) -> None:
    if target not in TRANSITIONS[current]:
        raise Conflict(
            f"An item that is {current.value} cannot become {target.value}.",
            reason="illegal-transition",
        )


def status_after_close(reason: CloseReason) -> Status:
    return Status.FULFILLED if reason is CloseReason.FULFILLED else Status.CLOSED
