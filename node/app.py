"""The node's aiohttp application factory.

One ``cleanup_ctx`` per resource: the database, the outbound HTTP client, and
the background workers. ``admin.app`` composes this with the admin pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from node.api import setup_api
from node.api.problems import problem_middleware
from node.clock import Clock, SystemClock
from node.domain.accounts import AccountService
from node.domain.items import ItemService
from node.services import SERVICES, Services
from node.settings import Settings
from node.storage import Store
from node.version import SOFTWARE_NAME, VERSION
from node.workers import ExpirySweep, RetentionSweep, Sweep, run_periodically

log = logging.getLogger("solidarity.app")

HTTP_CLIENT = web.AppKey("http_client", aiohttp.ClientSession)
SWEEPS: web.AppKey[list[Sweep]] = web.AppKey("sweeps")
USER_AGENT = f"{SOFTWARE_NAME}/{VERSION}"


def build_services(settings: Settings, clock: Clock) -> Services:
    store = Store(settings.database_path)
    return Services(
        settings=settings,
        clock=clock,
        store=store,
        items=ItemService(store, settings, clock),
        accounts=AccountService(store, clock),
    )


async def _database(app: web.Application) -> AsyncIterator[None]:
    store = app[SERVICES].store
    await store.open()
    yield
    await store.close()


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    timeout = aiohttp.ClientTimeout(total=30, connect=5)
    async with aiohttp.ClientSession(
        timeout=timeout, headers={"User-Agent": USER_AGENT}
    ) as session:
        app[HTTP_CLIENT] = session
        yield


async def _workers(app: web.Application) -> AsyncIterator[None]:
    interval = app[SERVICES].settings.worker_interval_seconds
    tasks = [asyncio.create_task(run_periodically(s, interval)) for s in app[SWEEPS]]
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(
    settings: Settings, *, clock: Clock | None = None, run_workers: bool = True
) -> web.Application:
    """The node application. Tests pass ``run_workers=False`` and step sweeps themselves."""
    services = build_services(settings, clock or SystemClock())
    app = web.Application(middlewares=[problem_middleware], client_max_size=settings.max_body_bytes)
    app[SERVICES] = services
    sweeps: list[Sweep] = [ExpirySweep(services.items), RetentionSweep(services.items)]
    app[SWEEPS] = sweeps
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_http_client)
    if run_workers:
        app.cleanup_ctx.append(_workers)
    setup_api(app)
    return app
