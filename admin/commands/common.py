"""What every admin command shares: the data dir, the services and the federation parts.

Admin commands work on the data dir in-process, whether or not the server runs:
SQLite in WAL mode lets both write, the server reads changes from the database,
and its key ring reloads key files when they change. Commands that "send" only
write outbox and delivery rows; the server's delivery worker sends them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from federation.fetch import guarded_session
from node.ap.wiring import SessionFactory
from node.clock import SystemClock
from node.datadir import is_initialised
from node.services import Services, build_services
from node.settings import DEFAULT_DATA_DIR, Settings, load_settings

WHO = "cli"  # the audit log's ``who`` for everything done from the command line

F = TypeVar("F", bound=Callable[..., object])
ServiceCommand = Callable[..., Awaitable[int]]  # (services, **params)
FederationCommand = Callable[..., Awaitable[int]]  # (services, federation, **params)


@dataclass(frozen=True)
class Invocation:
    """What ``main`` hands every command (click's context object)."""

    session_factory: SessionFactory  # builds the outbound HTTP client


def data_option(command: F) -> F:
    """``--data DIR``, on every runnable command; the environment variable is named
    explicitly (click's automatic prefix would make other names)."""
    return click.option(
        "--data",
        metavar="DIR",
        type=click.Path(path_type=Path),
        envvar="SOLIDARITY_DATA",
        default=DEFAULT_DATA_DIR,
        help="the node's data directory (env SOLIDARITY_DATA, default ./solidarity-data)",
    )(command)


def group(name: str, help_: str) -> click.Group:
    """A command with subcommands, such as ``peers``."""
    return click.Group(name, help=help_, short_help=help_)


def command(
    name: str, help_: str, parent: click.Group | None = None
) -> Callable[[Callable[..., int]], click.Command]:
    """A runnable command (in ``parent``, when given) that takes ``--data``."""

    def make(run: Callable[..., int]) -> click.Command:
        made = click.command(name, help=help_, short_help=help_)(data_option(run))
        if parent is not None:
            parent.add_command(made)
        return made

    return make


def existing(data: Path) -> Settings:
    if not is_initialised(data):
        raise SystemExit(f"{data} is not initialised: run 'solidarity init' first")
    return load_settings(data)


@asynccontextmanager
async def open_services(data: Path) -> AsyncIterator[Services]:
    """The node's services on ``data``, built as the server builds them."""
    services = build_services(existing(data), SystemClock())
    await services.store.open()
    try:
        yield services
    finally:
        await services.store.close()


def with_services(command: ServiceCommand) -> Callable[..., int]:
    """Run an async command with the services on ``--data`` open; click passes the
    command's own parameters by name."""

    def handler(data: Path, **params: Any) -> int:
        async def run() -> int:
            async with open_services(data) as services:
                return await command(services, **params)

        return asyncio.run(run())

    return handler


def with_federation(command: FederationCommand) -> Callable[..., int]:
    """Run an async command with the services and the federation parts.

    The invocation's ``session_factory`` builds the outbound HTTP client (``main``
    sets it; tests inject one that refuses every non-loopback address).
    """

    async def run(services: Services, **params: Any) -> int:
        federation = services.start_federation(_session_factory())
        try:
            return await command(services, federation, **params)
        finally:
            await federation.session.close()

    return with_services(run)


def _session_factory() -> SessionFactory:
    invocation = click.get_current_context().find_object(Invocation)
    return guarded_session if invocation is None else invocation.session_factory
