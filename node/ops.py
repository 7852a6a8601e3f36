"""Day-to-day operations: health and readiness, metrics, the data-dir lock, backups.

``/healthz`` answers while the process is up; ``/readyz`` only when the
database takes a write and every background worker is alive. ``/metrics``
exposes Prometheus series computed at scrape time from the database.
"""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Gauge, Histogram, generate_latest

from node.settings import SETTINGS_FILE

LOCK_FILE = ".lock"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class DataDirBusy(RuntimeError):
    """Another process (a running node) holds the data directory."""


class DataDirLock:
    """An exclusive advisory lock on ``DATA/.lock`` held while a node runs."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            handle.close()
            raise DataDirBusy(f"{self.path.parent} is in use by a running node") from error
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class NodeMetrics:
    """Per-application Prometheus series (one registry per node, so several nodes
    in one process, as in tests, keep their numbers apart)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "solidarity_http_request_seconds",
            "Request latency by route and method.",
            ["method", "route"],
            registry=self.registry,
        )
        self.items = Gauge(
            "solidarity_items",
            "Our offers and requests by status.",
            ["purpose", "status"],
            registry=self.registry,
        )
        self.queue = Gauge(
            "solidarity_delivery_queue",
            "Deliveries by state and peer host.",
            ["host", "state"],
            registry=self.registry,
        )
        self.circuit = Gauge(
            "solidarity_circuit_open",
            "1 while a peer host's circuit breaker is open.",
            ["host"],
            registry=self.registry,
        )
        self.inbox_queue = Gauge(
            "solidarity_inbox_queue",
            "Inbound activities by state.",
            ["state"],
            registry=self.registry,
        )

    def middleware(self) -> Any:
        series: dict[tuple[str, str], Any] = {}  # labels() costs more than the observation

        @web.middleware
        async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
            started = time.perf_counter()
            try:
                return await handler(request)
            finally:
                route = request.match_info.route.resource
                key = (request.method, route.canonical if route is not None else "unmatched")
                child = series.get(key)
                if child is None:
                    child = series[key] = self.latency.labels(*key)
                child.observe(time.perf_counter() - started)

        return timed


async def settle_heap(_app: web.Application) -> None:
    """Once started: hand everything made so far (modules, the app, caches) to the
    collector's permanent generation, so the full collections that a busy inbox
    triggers walk only the objects made since, not the whole heap each time."""
    gc.collect()
    gc.freeze()


def backup(database: Path, data_dir: Path, destination: Path) -> Path:
    """Copy the database (SQLite's online backup: safe while the node writes),
    the keys and the settings into ``destination``; verify the copy's integrity."""
    destination.mkdir(mode=0o700, parents=True, exist_ok=False)
    target = destination / database.name
    with sqlite3.connect(database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        check_integrity(copy)
    shutil.copytree(data_dir / "keys", destination / "keys")
    shutil.copy2(data_dir / SETTINGS_FILE, destination / SETTINGS_FILE)
    return target


def check_integrity(conn: sqlite3.Connection) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchone()
    if result is None or result[0] != "ok":
        raise ValueError(f"integrity check failed: {result}")


def restore(source: Path, data_dir: Path, database_name: str) -> None:
    """Put a backup in place; refuses while a node runs on ``data_dir``."""
    with sqlite3.connect(source / database_name) as conn:
        check_integrity(conn)
    lock = DataDirLock(data_dir) if data_dir.exists() else None
    if lock is not None:
        lock.acquire()
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        for stale in (database_name, f"{database_name}-wal", f"{database_name}-shm"):
            (data_dir / stale).unlink(missing_ok=True)
        with (
            sqlite3.connect(source / database_name) as src,
            sqlite3.connect(data_dir / database_name) as dst,
        ):
            src.backup(dst)
        if (data_dir / "keys").exists():
            shutil.rmtree(data_dir / "keys")
        shutil.copytree(source / "keys", data_dir / "keys")
        shutil.copy2(source / SETTINGS_FILE, data_dir / SETTINGS_FILE)
    finally:
        if lock is not None:
            lock.release()


def render(metrics: NodeMetrics) -> bytes:
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY) + generate_latest(metrics.registry)
