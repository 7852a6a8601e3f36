"""What every admin command shares: the data dir, the services and the federation parts.

Admin commands work on the data dir in-process, whether or not the server runs:
SQLite in WAL mode lets both write, the server reads changes from the database,
and its key ring reloads key files when they change. Commands that "send" only
write outbox and delivery rows; the server's delivery worker sends them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeAlias

from node.ap.wiring import Federation, SessionFactory
from node.clock import SystemClock
from node.datadir import is_initialised
from node.services import Services, build_services
from node.settings import DEFAULT_DATA_DIR, Settings, load_settings

# argparse's subcommand collection (a private class, but the one typeshed types).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

WHO = "cli"  # the audit log's ``who`` for everything done from the command line

Handler = Callable[[argparse.Namespace], int]
ServiceCommand = Callable[[Services, argparse.Namespace], Awaitable[int]]
FederationCommand = Callable[[Services, Federation, argparse.Namespace], Awaitable[int]]


def data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("SOLIDARITY_DATA", str(DEFAULT_DATA_DIR))),
        help="the node's data directory (env SOLIDARITY_DATA, default ./solidarity-data)",
    )


def add_group(commands: Commands, name: str, help_: str) -> Commands:
    """A command with subcommands, such as ``peers``."""
    group = commands.add_parser(name, help=help_, description=help_)
    return group.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")


def add_command(
    commands: Commands, name: str, help_: str, handler: Handler
) -> argparse.ArgumentParser:
    """A runnable command: it takes ``--data`` and runs ``handler``."""
    parser = commands.add_parser(name, help=help_, description=help_)
    data_arg(parser)
    parser.set_defaults(handler=handler)
    return parser


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


def with_services(command: ServiceCommand) -> Handler:
    """Run an async command with the services open."""

    def handler(args: argparse.Namespace) -> int:
        async def run() -> int:
            async with open_services(args.data) as services:
                return await command(services, args)

        return asyncio.run(run())

    return handler


def with_federation(command: FederationCommand) -> Handler:
    """Run an async command with the services and the federation parts.

    ``args.session_factory`` builds the outbound HTTP client (``main`` sets it;
    tests inject one that refuses every non-loopback address).
    """

    async def run(services: Services, args: argparse.Namespace) -> int:
        factory: SessionFactory = args.session_factory
        federation = services.start_federation(factory)
        try:
            return await command(services, federation, args)
        finally:
            await federation.session.close()

    return with_services(run)
