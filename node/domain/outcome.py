"""What applying a peer's activity came to: ``done:<reason>`` or ``dropped:<reason>``.

Domain services return these for the inbox worker to record; reasons are
logged and counted, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    state: str  # done | dropped | failed
    reason: str

    def __str__(self) -> str:
        return f"{self.state}:{self.reason}"


def done(reason: str) -> Outcome:
    return Outcome("done", reason)


def dropped(reason: str) -> Outcome:
    return Outcome("dropped", reason)
