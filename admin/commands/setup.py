"""Setting a node up: init, serve, tokens and accounts."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from aiohttp import web

from admin.app import build_app
from admin.commands.common import WHO, Commands, add_command, add_group, existing, with_services
from admin.commands.output import add_row, say, show, table, whole
from node.accesslog import AccessLog
from node.clock import SystemClock
from node.datadir import create_token, initialise, is_initialised
from node.domain.accounts import AccountService
from node.logs import configure as configure_logging
from node.ops import settle_heap
from node.services import Services
from node.settings import Settings, load_settings
from node.storage import Store
from schemas.vocab import Role

DEFAULT_HANDLE = "group"
DEFAULT_NAME = "Mutual aid group"


def register(commands: Commands) -> None:
    init = add_command(commands, "init", "create a data directory, keys and database", _init)
    init.add_argument("--public-url", required=True)
    init.add_argument("--handle", default=DEFAULT_HANDLE)
    init.add_argument("--name", default=DEFAULT_NAME)

    serve = add_command(commands, "serve", "run the node (initialising an empty data dir)", _serve)
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--public-url", default=None)

    token = add_group(commands, "token", "API tokens")
    token_create = add_command(token, "create", "print a new bearer token", _token)
    token_create.add_argument("--role", choices=[r.value for r in Role], required=True)
    token_create.add_argument("--label", default="")
    token_list = add_command(
        token, "list", "tokens and page sessions (never the tokens)", with_services(_tokens)
    )
    token_list.add_argument("--revoked", action="store_true", help="the revoked ones too")
    token_revoke = add_command(
        token, "revoke", "revoke a token or end a page session at once", with_services(_revoke)
    )
    token_revoke.add_argument("id", type=int, help="its id, from `token list`")

    account = add_group(commands, "account", "local accounts")
    account_create = add_command(
        account,
        "create",
        "create an account; the password is read from SOLIDARITY_PASSWORD or asked",
        _account,
    )
    account_create.add_argument("--username", required=True)
    account_create.add_argument("--role", choices=[r.value for r in Role], required=True)


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
    configure_logging(settings.log_level, settings.log_format)
    ready = f"Serving {settings.name!r} at {settings.public_url}"
    # run_app calls ``print`` once the listener is up: the line means "ready".
    app = build_app(settings)
    app.on_startup.append(settle_heap)  # after the resources' own start-up
    web.run_app(
        app,
        access_log_class=AccessLog,
        host=settings.host,
        port=settings.port,
        print=lambda _: print(ready, flush=True),
    )
    return 0


def _token(args: argparse.Namespace) -> int:
    settings = existing(args.data)
    token = asyncio.run(create_token(settings, Role(args.role), args.label))
    print(f"New {args.role} token:")
    print(token)
    return 0


async def _tokens(services: Services, args: argparse.Namespace) -> int:
    grid = table(whole("id"), whole("role"), "account", "label", whole("created"), whole("revoked"))
    for token in await services.accounts.tokens(revoked=args.revoked):
        add_row(
            grid,
            str(token.id),
            token.role.value,
            token.username or "-",
            token.label,
            token.created_at,
            token.revoked_at or "-",
        )
    show(grid, empty="No tokens.")
    return 0


async def _revoke(services: Services, args: argparse.Namespace) -> int:
    await services.accounts.revoke_id(args.id, who=WHO)
    say(f"Revoked token {args.id}.")
    return 0


async def _create_account(settings: Settings, username: str, password: str, role: Role) -> None:
    store = Store(settings.database_path)
    await store.open()
    try:
        await AccountService(store, SystemClock()).create_account(username, password, role)
    finally:
        await store.close()


def _account(args: argparse.Namespace) -> int:
    settings = existing(args.data)
    password = os.environ.get("SOLIDARITY_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 12:
        print("The password needs at least 12 characters.", file=sys.stderr)
        return 2
    asyncio.run(_create_account(settings, args.username, password, Role(args.role)))
    print(f"Created {args.role} {args.username!r}.")
    return 0
