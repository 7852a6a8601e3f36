"""node/ap reaches storage only through its port adapters (node/ap/ports) and the
composition root (node/ap/wiring.py).

The import contract sees imports; this sees reads: an attribute read through a
store or a reader (``.store``, ``._store``, ``.reader``), or a repository read
through a transaction (``repos.inbox``, ``tx.events``, ``ctx.repos.follows`` …).
A transaction may be passed on to domain services and port adapters, not read.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AP = ROOT / "node" / "ap"
STORE_NAMES = frozenset({"store", "_store", "reader"})
TRANSACTION_NAMES = frozenset({"repos", "_repos", "tx", "reader"})


def _repositories() -> frozenset[str]:
    """The repository names of ``node.storage.Repositories`` (its ``self.<name> =``)."""
    tree = ast.parse((ROOT / "node" / "storage" / "__init__.py").read_text(encoding="utf-8"))
    [cls] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Repositories"]
    return frozenset(
        target.attr
        for node in ast.walk(cls)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Attribute)
    )


REPOSITORIES = _repositories()


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def storage_reads(source: str) -> list[int]:
    """The lines of ``source`` that read through a store, a reader or a transaction."""
    return sorted(
        {
            node.lineno
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute)
            and (
                node.attr in STORE_NAMES
                or (node.attr in REPOSITORIES and _name(node.value) in TRANSACTION_NAMES)
            )
        }
    )


def _modules() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in sorted(AP.rglob("*.py"))
        if (AP / "ports") not in path.parents and path != AP / "wiring.py"
    }


def test_the_check_knows_the_repositories_and_finds_each_kind_of_read() -> None:
    assert {"inbox", "events", "backfills", "follows", "remote_items"} <= REPOSITORIES
    source = """
async def step(self, ctx):
    await self._store.transaction()
    await services.store.reader.items.get(1)
    async with store() as repos:
        await repos.inbox.finish(1)
    await tx.events.last_id()
    await ctx.repos.follows.following("a")
    await ctx.domain.follows.followed(ctx.repos, ctx.now)
"""
    assert storage_reads(source) == [3, 4, 6, 7, 8]


def test_the_scan_covers_the_workers_and_handlers() -> None:
    scanned = _modules()
    for module in ("inbox.py", "backfill.py", "publisher.py", "handlers_base.py", "handlers.py"):
        assert f"node/ap/{module}" in scanned
    assert not any(module.startswith("node/ap/ports/") for module in scanned)
    assert len(scanned) >= 20


@pytest.mark.parametrize("module", sorted(_modules()))
def test_node_ap_reads_storage_only_through_its_ports(module: str) -> None:
    assert storage_reads(_modules()[module]) == []
