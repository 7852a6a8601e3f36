"""THREAT_MODEL.md cannot drift: every test it names exists, and every threat names one.

A reference is ``tests/<path>.py::<function>``; the function must be defined in that file
(at module level or in a class), so a renamed or deleted test fails here.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "THREAT_MODEL.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
THREAT_ROW = re.compile(r"^\| ([A-Z]\d+) \|")
ASSETS = ("Members' private data", "The group's keys", "The trust graph")
ADVERSARIES = (
    "A malicious peer",
    "A compromised coalition node",
    "A curious outsider",
    "A stolen laptop",
)


@cache
def _functions(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    )


def test_every_named_test_exists() -> None:
    references = REFERENCE.findall(DOCUMENT.read_text(encoding="utf-8"))
    assert len(references) >= 40, "the threat model names the tests that prove it"
    missing = [
        f"{path}::{name}"
        for path, name in references
        if not (ROOT / path).is_file() or name not in _functions(path)
    ]
    assert not missing, f"THREAT_MODEL.md names tests that do not exist: {missing}"


def test_every_threat_names_a_proof_and_every_adversary_has_threats() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if THREAT_ROW.match(line)]
    unproved = [line.split("|")[1].strip() for line in rows if not REFERENCE.search(line)]
    assert not unproved, f"threats without a test: {unproved}"
    for asset in ASSETS:
        assert f"**{asset}**" in text, asset
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    for adversary in ADVERSARIES:
        assert f"**{adversary}**" in text, adversary
        (section,) = [s for s in sections if s.startswith(adversary)]
        assert any(THREAT_ROW.match(line) for line in section.splitlines()), adversary
