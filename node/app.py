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
from prometheus_client import generate_latest

from federation.fetch import guarded_session
from node.ap.routes import FEDERATION, federation_errors, setup_routes
from node.ap.wiring import SessionFactory, build_federation
from node.api import setup_api
from node.api.problems import problem_middleware
from node.clock import Clock, SystemClock
from node.services import SERVICES, build_services
from node.settings import Settings
from node.workers import ExpirySweep, HoldSweep, RetentionSweep, Sweep, run_periodically

log = logging.getLogger("solidarity.app")

SWEEPS: web.AppKey[list[Sweep]] = web.AppKey("sweeps")


async def _database(app: web.Application) -> AsyncIterator[None]:
    store = app[SERVICES].store
    await store.open()
    yield
    await store.close()


SESSION_FACTORY: web.AppKey[SessionFactory] = web.AppKey("session_factory")


async def _federation(app: web.Application) -> AsyncIterator[None]:
    """The outbound HTTP client (behind the SSRF guard) and everything that uses it."""
    federation = build_federation(app[SERVICES], app[SESSION_FACTORY])
    app[FEDERATION] = federation
    yield
    await federation.session.close()


async def _workers(app: web.Application) -> AsyncIterator[None]:
    interval = app[SERVICES].settings.worker_interval_seconds
    federation = app[FEDERATION]
    quick = app[SERVICES].settings.federation_interval_seconds
    loops = [
        run_periodically(s, interval) for s in [*app[SWEEPS], HoldSweep(federation.claims)]
    ] + [
        run_periodically(federation.inbox_worker, quick, federation.inbox_wake),
        run_periodically(federation.delivery_worker, quick, federation.delivery_wake),
        run_periodically(federation.backfill, quick),
    ]
    tasks = [asyncio.create_task(loop) for loop in loops]
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
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
    app = web.Application(
        middlewares=[problem_middleware, federation_errors], client_max_size=settings.max_body_bytes
    )
    app[SERVICES] = services
    app[SESSION_FACTORY] = session_factory
    sweeps: list[Sweep] = [ExpirySweep(services.items), RetentionSweep(services.items)]
    app[SWEEPS] = sweeps
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_federation)
    if run_workers:
        app.cleanup_ctx.append(_workers)
    setup_api(app)
    setup_routes(app)
    app.router.add_get("/metrics", serve_metrics)
    return app


async def serve_metrics(request: web.Request) -> web.Response:
    return web.Response(body=generate_latest(), content_type="text/plain", charset="utf-8")
