"""The full application: the node, plus the admin pages (a sub-app at ``/admin``).

node/ never imports admin/; the command line builds the application here.
"""

from __future__ import annotations

from aiohttp import web

from admin.web import mount_admin_pages
from federation.fetch import guarded_session
from node.ap.wiring import SessionFactory
from node.app import create_app
from node.clock import Clock
from node.settings import Settings


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    run_workers: bool = True,
    session_factory: SessionFactory = guarded_session,
) -> web.Application:
    app = create_app(
        settings, clock=clock, run_workers=run_workers, session_factory=session_factory
    )
    mount_admin_pages(app)
    return app
