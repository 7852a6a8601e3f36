"""The ``solidarity`` command line: init, serve, token and account management."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from aiohttp import web

from admin.app import build_app
from node.clock import SystemClock
from node.datadir import create_token, initialise, is_initialised
from node.domain.accounts import AccountService
from node.errors import NodeError
from node.settings import DEFAULT_DATA_DIR, Settings, load_settings
from node.storage import Store
from schemas.vocab import Role

DEFAULT_HANDLE = "group"
DEFAULT_NAME = "Mutual aid group"


def _data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("SOLIDARITY_DATA", str(DEFAULT_DATA_DIR))),
        help="the node's data directory (env SOLIDARITY_DATA, default ./solidarity-data)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="solidarity", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create a data directory, keys and database")
    _data_arg(init)
    init.add_argument("--public-url", required=True)
    init.add_argument("--handle", default=DEFAULT_HANDLE)
    init.add_argument("--name", default=DEFAULT_NAME)

    serve = commands.add_parser("serve", help="run the node (initialising an empty data dir)")
    _data_arg(serve)
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--public-url", default=None)

    token = commands.add_parser("token", help="API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    token_create = token_commands.add_parser("create", help="print a new bearer token")
    _data_arg(token_create)
    token_create.add_argument("--role", choices=[r.value for r in Role], required=True)
    token_create.add_argument("--label", default="")

    account = commands.add_parser("account", help="local accounts")
    account_commands = account.add_subparsers(dest="account_command", required=True)
    account_create = account_commands.add_parser(
        "create", help="create an account; the password is read from SOLIDARITY_PASSWORD or asked"
    )
    _data_arg(account_create)
    account_create.add_argument("--username", required=True)
    account_create.add_argument("--role", choices=[r.value for r in Role], required=True)
    return parser


def _existing(data: Path) -> Settings:
    if not is_initialised(data):
        raise SystemExit(f"{data} is not initialised: run 'solidarity init' first")
    return load_settings(data)


def _init(args: argparse.Namespace) -> int:
    done = asyncio.run(
        initialise(args.data, public_url=args.public_url, handle=args.handle, name=args.name)
    )
    print(f"Initialised {done.settings.name!r} in {args.data} at {done.settings.public_url}")
    print("Admin token (shown once, keep it safe):")
    print(done.admin_token)
    return 0


def _serve(args: argparse.Namespace) -> int:
    flags = {"host": args.host, "port": args.port, "public_url": args.public_url}
    if not is_initialised(args.data):
        done = asyncio.run(initialise(args.data, handle=DEFAULT_HANDLE, name=DEFAULT_NAME, **flags))
        print(f"Initialised a new node in {args.data}.")
        print(f"Admin token (shown once, keep it safe): {done.admin_token}")
    settings = load_settings(args.data, **flags)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    ready = f"Serving {settings.name!r} at {settings.public_url}"
    # run_app calls ``print`` once the listener is up: the line means "ready".
    web.run_app(
        build_app(settings),
        host=settings.host,
        port=settings.port,
        print=lambda _: print(ready, flush=True),
    )
    return 0


def _token(args: argparse.Namespace) -> int:
    settings = _existing(args.data)
    token = asyncio.run(create_token(settings, Role(args.role), args.label))
    print(f"New {args.role} token:")
    print(token)
    return 0


async def _create_account(settings: Settings, username: str, password: str, role: Role) -> None:
    store = Store(settings.database_path)
    await store.open()
    try:
        await AccountService(store, SystemClock()).create_account(username, password, role)
    finally:
        await store.close()


def _account(args: argparse.Namespace) -> int:
    settings = _existing(args.data)
    password = os.environ.get("SOLIDARITY_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 12:
        print("The password needs at least 12 characters.", file=sys.stderr)
        return 2
    asyncio.run(_create_account(settings, args.username, password, Role(args.role)))
    print(f"Created {args.role} {args.username!r}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"init": _init, "serve": _serve, "token": _token, "account": _account}
    try:
        return handlers[args.command](args)
    except (NodeError, FileExistsError) as error:
        print(f"solidarity: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
