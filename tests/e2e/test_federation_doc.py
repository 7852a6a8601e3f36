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


def _direct_activity_types() -> set[str]:
    """Types passed to ``local_activity`` anywhere in node/ap (Follow, Accept, …)."""
    source = "".join(
        p.read_text() for p in (Path(__file__).parents[2] / "node" / "ap").glob("*.py")
    )
    return set(re.findall(r'local_activity\(\s*[\w.]+,\s*"(\w+)"', source))


def test_sent_activity_types_are_documented() -> None:
    direct = _direct_activity_types()
    assert {"Follow", "Accept", "Undo"} <= direct
    assert _table("Activities sent") == set(CHANGE_TYPES.values()) | direct
