"""Operations: health and readiness, metrics, backups under writes, restores, migrations."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from admin.app import build_app
from admin.cli import main
from node.ops import DataDirBusy, backup, restore
from node.settings import load_settings
from node.storage import Store
from node.storage.database import SchemaTooNew
from tests.conftest import Node, NodeFactory, dump_database


async def test_health_and_readiness(make_node: NodeFactory, aiohttp_client: Any) -> None:
    node: Node = await make_node()
    assert (await node.client.get("/healthz")).status == 200
    running = build_app(node.services.settings, run_workers=True)
    await node.client.close()  # one node per data dir: release its lock first
    client = await aiohttp_client(running)
    ready = await client.get("/readyz")
    assert ready.status == 200
    assert (await ready.json())["status"] == "ready"


async def test_metrics_expose_the_named_series(node: Node) -> None:
    await node.offer()
    await node.call("GET", "/api/v1/offers", expect=200)
    text = await (await node.client.get("/metrics")).text()
    for series in (
        "solidarity_inbox_accepted_total",
        "solidarity_http_request_seconds_bucket",
        'solidarity_items{purpose="offer",status="open"} 1.0',
    ):
        assert series in text, series
    for declared in (
        "solidarity_inbox_rejected_total",
        "solidarity_delivery_queue",
        "solidarity_circuit_open",
        "solidarity_inbox_queue",
    ):
        assert f"# TYPE {declared}" in text, declared


def _writer(
    database: Path, stop: threading.Event, done: list[int], enough: threading.Event
) -> None:
    """Insert pairs of rows (an item and its private record) in single transactions."""
    conn = sqlite3.connect(database, timeout=10)
    n = 0
    while not stop.is_set():
        n += 1
        with conn:
            conn.execute(
                "INSERT INTO items (id, purpose, title, language, category, action, unit,"
                " quantity, available_quantity, urgency, begins_at, visibility, status,"
                " created_at, updated_at) VALUES (?, 'offer', ?, 'en', 'food', 'transfer',"
                " 'one', 1, 1, 'anytime', 't', 'public', 'open', 't', 't')",
                (f"item-{n}", f"Item {n}"),
            )
            conn.execute(
                "INSERT INTO item_private (item_id, contact) VALUES (?, 'x')", (f"item-{n}",)
            )
        done.append(n)
        if n == 50:
            enough.set()
    conn.close()


async def test_backup_under_writes_restores_a_consistent_snapshot(
    node: Node, tmp_path: Path
) -> None:
    settings = node.services.settings
    stop, enough, done = threading.Event(), threading.Event(), []
    writer = threading.Thread(target=_writer, args=(settings.database_path, stop, done, enough))
    writer.start()
    try:
        assert await asyncio.to_thread(enough.wait, 30)
        copy = backup(settings.database_path, settings.data_dir, tmp_path / "backup")
    finally:
        stop.set()
        writer.join()
    restored = tmp_path / "restored"
    restore(tmp_path / "backup", restored, copy.name)
    with sqlite3.connect(restored / copy.name) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        items = [r[0] for r in conn.execute("SELECT id FROM items WHERE id LIKE 'item-%'")]
        private = {r[0] for r in conn.execute("SELECT item_id FROM item_private")}
    numbers = sorted(int(i.split("-")[1]) for i in items)
    assert numbers == list(range(1, len(numbers) + 1)), "a prefix of the writes, no gaps"
    assert set(items) <= private, "each transaction is there whole or not at all"
    assert 50 <= len(numbers) <= len(done)
    assert dump_database(restored / copy.name) == dump_database(copy)
    assert (restored / "keys" / "rsa.pem").read_bytes() == (
        settings.keys_dir / "rsa.pem"
    ).read_bytes()


async def test_restore_is_refused_under_a_running_node(node: Node, tmp_path: Path) -> None:
    settings = node.services.settings
    copy = backup(settings.database_path, settings.data_dir, tmp_path / "backup")
    with pytest.raises(DataDirBusy):
        restore(tmp_path / "backup", settings.data_dir, copy.name)
    code = main(["restore", str(tmp_path / "backup"), "--data", str(settings.data_dir)])
    assert code == 1


def test_a_newer_schema_is_never_opened(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["init", "--data", str(tmp_path / "d"), "--public-url", "https://aid.example"])
    settings = load_settings(tmp_path / "d")
    assert main(["migrate", "--data", str(tmp_path / "d")]) == 0
    assert "up to date" in capsys.readouterr().out
    with sqlite3.connect(settings.database_path) as conn:
        conn.execute("INSERT INTO schema_migrations (version) VALUES (999)")
    with pytest.raises(SchemaTooNew):
        asyncio.run(Store(settings.database_path).open())
    assert main(["migrate", "--data", str(tmp_path / "d")]) == 1
    assert "newer than this software" in capsys.readouterr().err


def test_json_logs_are_one_object_per_line() -> None:
    import json
    import logging

    from node.logs import JsonFormatter

    record = logging.LogRecord(
        "solidarity.inbox",
        logging.INFO,
        __file__,
        1,
        "inbox rejected status=%d reason=%s",
        (401, "signature-invalid"),
        None,
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "inbox rejected status=401 reason=signature-invalid"
    assert (entry["level"], entry["logger"]) == ("info", "solidarity.inbox")


async def test_the_access_log_leaves_out_accepted_activities_only(
    aiohttp_server: Any, aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from aiohttp import web

    from node.accesslog import AccessLog

    async def accepted(_: web.Request) -> web.Response:
        return web.Response(status=202)

    async def refused(_: web.Request) -> web.Response:
        return web.Response(status=401, text="no")

    app = web.Application()
    app.router.add_post("/inbox", accepted)
    app.router.add_post("/actor/inbox", refused)
    app.router.add_get("/offers", accepted)
    client = await aiohttp_client(await aiohttp_server(app, access_log_class=AccessLog))
    with caplog.at_level("INFO", logger="aiohttp.access"):
        for method, path in (("POST", "/inbox"), ("POST", "/actor/inbox"), ("GET", "/offers")):
            await client.request(method, path, headers={"User-Agent": "Mastodon/4.3"})
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(lines) == 2, "the worker logs each accepted activity once it is processed"
    assert lines[0].startswith("POST /actor/inbox 401 ")
    assert lines[0].endswith(' 127.0.0.1 "Mastodon/4.3"')
    assert lines[1].startswith("GET /offers 202 ")


async def test_the_heap_settles_once_started() -> None:
    import gc

    from aiohttp import web

    from node.ops import settle_heap

    gc.unfreeze()
    await settle_heap(web.Application())
    try:
        assert gc.get_freeze_count() > 0, "start-up's objects are out of the collector's way"
    finally:
        gc.unfreeze()
