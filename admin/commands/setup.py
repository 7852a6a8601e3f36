"""Setting a node up: init, serve, tokens and accounts."""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from pathlib import Path

import click
from aiohttp import web

from admin.app import build_app
from admin.commands.common import WHO, command, existing, group, open_services, with_services
from admin.commands.output import add_row, say, show, table, whole
from node.accesslog import AccessLog
from node.datadir import create_token, initialise, is_initialised
from node.logs import configure as configure_logging
from node.ops import settle_heap
from node.services import Services
from node.settings import load_settings
from schemas.vocab import Role

DEFAULT_HANDLE = "group"
DEFAULT_NAME = "Mutual aid group"
ROLES = click.Choice([r.value for r in Role])

token = group("token", "API tokens")
account = group("account", "local accounts")


@command("init", "create a data directory, keys and database")
@click.option("--public-url", required=True)
@click.option("--handle", default=DEFAULT_HANDLE)
@click.option("--name", default=DEFAULT_NAME)
def init(data: Path, public_url: str, handle: str, name: str) -> int:
    done = asyncio.run(initialise(data, public_url=public_url, handle=handle, name=name))
    print(f"Initialised {done.settings.name!r} in {data} at {done.settings.public_url}")
    print("Admin token (shown once, keep it safe):")
    print(done.admin_token)
    return 0


@command("serve", "run the node (initialising an empty data dir)")
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--public-url", default=None)
def serve(data: Path, host: str | None, port: int | None, public_url: str | None) -> int:
    flags = {"host": host, "port": port, "public_url": public_url}
    if not is_initialised(data):
        done = asyncio.run(initialise(data, handle=DEFAULT_HANDLE, name=DEFAULT_NAME, **flags))
        print(f"Initialised a new node in {data}.")
        print(f"Admin token (shown once, keep it safe): {done.admin_token}")
    settings = load_settings(data, **flags)
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


@command("create", "print a new bearer token", token)
@click.option("--role", type=ROLES, required=True)
@click.option("--label", default="")
def create_token_command(data: Path, role: str, label: str) -> int:
    settings = existing(data)
    created = asyncio.run(create_token(settings, Role(role), label))
    print(f"New {role} token:")
    print(created)
    return 0


@command("list", "tokens and page sessions (never the tokens)", token)
@click.option("--revoked", is_flag=True, help="the revoked ones too")
@with_services
async def list_tokens(services: Services, revoked: bool) -> int:
    grid = table(whole("id"), whole("role"), "account", "label", whole("created"), whole("revoked"))
    for issued in await services.accounts.tokens(revoked=revoked):
        add_row(
            grid,
            str(issued.id),
            issued.role.value,
            issued.username or "-",
            issued.label,
            issued.created_at,
            issued.revoked_at or "-",
        )
    show(grid, empty="No tokens.")
    return 0


@command("revoke", "revoke a token or end a page session at once", token)
@click.argument("token_id", metavar="ID", type=int, help="its id, from `token list`")
@with_services
async def revoke_token(services: Services, token_id: int) -> int:
    await services.accounts.revoke_id(token_id, who=WHO)
    say(f"Revoked token {token_id}.")
    return 0


@command(
    "create",
    "create an account; the password is read from SOLIDARITY_PASSWORD or asked",
    account,
)
@click.option("--username", required=True)
@click.option("--role", type=ROLES, required=True)
def create_account(data: Path, username: str, role: str) -> int:
    existing(data)
    password = os.environ.get("SOLIDARITY_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 12:
        print("The password needs at least 12 characters.", file=sys.stderr)
        return 2
    asyncio.run(_create_account(data, username, password, Role(role)))
    print(f"Created {role} {username!r}.")
    return 0


async def _create_account(data: Path, username: str, password: str, role: Role) -> None:
    async with open_services(data) as services:
        await services.accounts.create_account(username, password, role)


COMMANDS = (init, serve, token, account)
