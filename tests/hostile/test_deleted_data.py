"""Deleted personal data leaves no copy in the node's files. SQLite keeps deleted
content in freed pages and in the write-ahead log until they are reused; the node
overwrites freed content (``secure_delete``) and truncates the log after the retention
sweep deletes private details, so the raw bytes of every file in the data dir (the
database, its WAL, and a backup made afterwards) no longer hold the contact."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from node.ops import backup
from node.workers import ExpirySweep, RetentionSweep
from tests.conftest import Node

CONTACT = "Ana Lucia 555-0100-7731"


def _files_holding(folder: Path, needle: bytes) -> list[str]:
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and needle in path.read_bytes()
    )


async def test_a_purged_contact_is_in_no_file_of_the_data_dir(node: Node, tmp_path: Path) -> None:
    data = node.services.settings.database_path.parent
    offer = await node.offer(private={"contact": CONTACT, "notes": "ring twice"})
    await node.offer(private={"contact": "kept 555-0199"})
    await node.call(
        "POST", f"/api/v1/offers/{offer['id']}/close", {"reason": "fulfilled"}, expect=200
    )
    assert _files_holding(data, CONTACT.encode()) != [], "the contact is on disk at first"
    node.clock.advance(timedelta(days=1))
    await ExpirySweep(node.services.items).run_once()
    node.clock.advance(timedelta(days=30))
    assert await RetentionSweep(node.services.items).run_once() == 1

    assert _files_holding(data, CONTACT.encode()) == []
    assert _files_holding(data, b"ring twice") == []
    assert _files_holding(data, b"kept 555-0199") != [], "what is not due stays"
    copy = tmp_path / "backup-after"
    backup(node.services.settings.database_path, data, copy)
    assert _files_holding(copy, CONTACT.encode()) == []
    assert _files_holding(copy, b"kept 555-0199") != []
