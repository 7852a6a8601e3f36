"""The node's aiohttp application factory.

One ``cleanup_ctx`` per resource: the database, the outbound HTTP client, and
the background workers. ``admin.app`` composes this with the admin pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from federation.fetch import guarded_session
from node.ap.routes import setup_routes
from node.ap.wiring import SessionFactory
from node.api import setup_api
from node.api.problems import problem_middleware
from node.clock import Clock, SystemClock
from node.domain.changes import ChangeFeed
from node.domain.notifications.sweeps import notification_sweeps
from node.ops import DataDirLock, NodeMetrics, render
from node.services import SERVICES, build_services
from node.settings import Settings
from node.web import setup_web
from node.workers import (
    EventPruneSweep,
    ExpirySweep,
    HoldSweep,
    RetentionSweep,
    Sweep,
    run_periodically,
)

log = logging.getLogger("solidarity.app")

SWEEPS: web.AppKey[list[Sweep]] = web.AppKey("sweeps")
WORKER_TASKS: web.AppKey[list[asyncio.Task[None]]] = web.AppKey("worker_tasks")
STOPPING = web.AppKey("stopping", asyncio.Event)
METRICS = web.AppKey("metrics", NodeMetrics)
SHUTDOWN_GRACE = 10.0


async def _database(app: web.Application) -> AsyncIterator[None]:
    """The data dir's lock (no restore under a running node) and the database."""
    services = app[SERVICES]
    lock = DataDirLock(services.settings.data_dir)
    lock.acquire()
    try:
        await services.store.open()
        yield
        await services.store.close()
    finally:
        lock.release()


SESSION_FACTORY: web.AppKey[SessionFactory] = web.AppKey("session_factory")


async def _federation(app: web.Application) -> AsyncIterator[None]:
    """The outbound HTTP client (behind the SSRF guard) and everything that uses it."""
    federation = app[SERVICES].start_federation(app[SESSION_FACTORY])
    yield
    await federation.session.close()


async def _workers(app: web.Application) -> AsyncIterator[None]:
    interval = app[SERVICES].settings.worker_interval_seconds
    federation = app[SERVICES].federation
    quick = app[SERVICES].settings.federation_interval_seconds
    stop = app[STOPPING]
    sweeps = [*app[SWEEPS], HoldSweep(app[SERVICES].claims)]
    publisher = app[SERVICES].publisher
    loops = [run_periodically(s, interval, stop=stop) for s in sweeps] + [
        run_periodically(publisher, quick, publisher.wake, stop=stop),
        run_periodically(federation.inbox_worker, quick, federation.inbox_wake, stop=stop),
        run_periodically(federation.delivery_worker, quick, federation.delivery_wake, stop=stop),
        run_periodically(federation.backfill, quick, stop=stop),
    ]
    notices = notification_sweeps(app[SERVICES], federation.session, federation.addresses)
    every = app[SERVICES].settings.notify_interval_seconds
    loops += [
        run_periodically(notices.scanner, every, stop=stop),
        run_periodically(notices.sender, every, notices.wake, stop=stop),
    ]
    tasks = [asyncio.create_task(loop) for loop in loops]
    app[WORKER_TASKS] = tasks
    yield
    # Let each worker finish the round in hand (a delivery in flight completes or its
    # row stays queued, locked for a retry); then stop the ones still waiting.
    app[STOPPING].set()
    _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE)
    for task in pending:
        task.cancel()
    for task in pending:
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    run_workers: bool = True,
    session_factory: SessionFactory = guarded_session,
) -> web.Application:
    """The node application. Tests pass ``run_workers=False`` and step sweeps themselves,
    and a ``session_factory`` whose sockets refuse anything but loopback."""
    services = build_services(settings, clock or SystemClock())
    metrics = NodeMetrics()
    app = web.Application(
        middlewares=[metrics.middleware(), problem_middleware],
        client_max_size=settings.max_body_bytes,
    )
    app[METRICS] = metrics
    app[STOPPING] = asyncio.Event()
    app[SERVICES] = services
    app[SESSION_FACTORY] = session_factory
    sweeps: list[Sweep] = [
        ExpirySweep(services.items),
        RetentionSweep(services.items),
        EventPruneSweep(ChangeFeed(services.store), services.clock, settings.queue_retention_days),
    ]
    app[SWEEPS] = sweeps
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_federation)
    if run_workers:
        app.cleanup_ctx.append(_workers)
    setup_api(app)
    setup_routes(app)
    setup_web(app)
    app.router.add_get("/metrics", serve_metrics)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


async def serve_metrics(request: web.Request) -> web.Response:
    """Prometheus text: the process-wide counters plus this node's gauges, read now."""
    app, metrics = request.app, request.app[METRICS]
    reader = app[SERVICES].store.reader
    metrics.items.clear()
    for (purpose, status), count in (await reader.items.count_by_status()).items():
        metrics.items.labels(purpose.value, status.value).set(count)
    metrics.queue.clear()
    for host, state, count in await reader.outbox.delivery_states_by_host():
        metrics.queue.labels(host, state).set(count)
    metrics.inbox_queue.clear()
    for state, count in (await reader.inbox.states()).items():
        metrics.inbox_queue.labels(state).set(count)
    metrics.circuit.clear()
    federation = app[SERVICES].federation
    now = app[SERVICES].clock.now()
    for host, health in federation.delivery_worker.breaker.snapshot(now).items():
        metrics.circuit.labels(host).set(1 if health.state == "open" else 0)
    return web.Response(body=render(metrics), content_type="text/plain", charset="utf-8")


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when the database takes a write and every background worker is alive."""
    problems = []
    try:
        async with asyncio.timeout(2):
            async with request.app[SERVICES].store.transaction():
                pass
    except (TimeoutError, OSError, RuntimeError) as error:
        problems.append(f"database: {type(error).__name__}")
    tasks = request.app.get(WORKER_TASKS, [])
    dead = [task.get_name() for task in tasks if task.done()]
    if dead:
        problems.append(f"workers stopped: {', '.join(dead)}")
    status = 503 if problems else 200
    return web.json_response(
        {"status": "ready" if not problems else "not-ready", "problems": problems}, status=status
    )
