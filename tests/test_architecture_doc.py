"""docs/architecture.md names the one place of each concept: every file, folder and
module it names must exist, so the page cannot drift from the code unnoticed."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
PACKAGES = ("node", "federation", "schemas", "admin")


def _named() -> tuple[list[str], list[str]]:
    """Paths (``node/ap/ports/``, ``federation/uris.py``) and dotted modules
    (``node.domain``, ``schemas.wire.read_activity``) in backticks."""
    spans = re.findall(r"`([^`]+)`", DOC.read_text(encoding="utf-8"))
    paths, modules = [], []
    for span in spans:
        for word in re.split(r"[\s,()]+", span):
            if word.startswith(tuple(f"{p}/" for p in PACKAGES)):
                paths.append(word)
            elif re.fullmatch(r"(node|federation|schemas|admin)(\.[a-z_]+)+", word):
                modules.append(word)
    return paths, modules


def _importable(dotted: str) -> bool:
    """A module, or a name defined at the top of one (``schemas.wire.read_activity``)."""
    if importlib.util.find_spec(dotted) is not None:
        return True
    parent, _, name = dotted.rpartition(".")
    module = importlib.import_module(parent)
    return hasattr(module, name)


def test_every_path_and_module_named_exists() -> None:
    paths, modules = _named()
    assert len(paths) > 20 and len(modules) > 5, "the page should name its places"
    missing = [p for p in paths if not (ROOT / p.rstrip("/")).exists()]
    assert missing == []
    unknown = [m for m in modules if not _importable(m)]
    assert unknown == []
