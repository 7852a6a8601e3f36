"""FEDERATION.md lists every activity type the inbox handles and the outbox sends."""

from __future__ import annotations

import re
from pathlib import Path

from node.ap.handlers import HANDLERS
from node.ap.outbox import CHANGE_TYPES

DOC = (Path(__file__).parents[2] / "FEDERATION.md").read_text()


def _table(heading: str) -> set[str]:
    section = DOC.split(f"### {heading}", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE))


def test_received_activity_types_are_documented() -> None:
    assert _table("Activities received") == set(HANDLERS)


def test_sent_activity_types_are_documented() -> None:
    sent = set(CHANGE_TYPES.values()) | {"Follow", "Accept", "Undo"}
    assert _table("Activities sent") == sent
