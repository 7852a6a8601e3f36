"""The full application: the node, plus the admin pages as they land.

node/ never imports admin/; the command line builds the application here.
"""

from __future__ import annotations

from aiohttp import web

from node.app import create_app
from node.clock import Clock
from node.settings import Settings


def build_app(
    settings: Settings, *, clock: Clock | None = None, run_workers: bool = True
) -> web.Application:
    return create_app(settings, clock=clock, run_workers=run_workers)
