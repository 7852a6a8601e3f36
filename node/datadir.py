"""A node's data directory: settings.toml, keys (0600) and the database."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from federation.keys import generate_keys, save_keys
from node.clock import SystemClock
from node.domain.accounts import AccountService
from node.errors import Conflict
from node.settings import SETTINGS_FILE, Settings, load_settings
from node.storage import Store
from node.storage.database import SchemaTooNew, migration_scripts
from schemas.vocab import Role


@dataclass(frozen=True)
class Initialised:
    settings: Settings
    admin_token: str


@dataclass(frozen=True)
class SchemaVersion:
    current: int  # the newest migration applied to the database
    newest: int  # the newest migration this software knows


def is_initialised(data_dir: Path) -> bool:
    return (data_dir / SETTINGS_FILE).exists()


async def initialise(data_dir: Path, **fields: Any) -> Initialised:
    """Create the data dir with its settings, keys and database, plus a first admin token.

    ``fields`` are settings written to settings.toml (``None`` values are skipped).
    """
    given = {key: value for key, value in fields.items() if value is not None}
    settings = await asyncio.to_thread(_prepare, data_dir, given)
    store = Store(settings.database_path)
    await store.open()
    try:
        token = await AccountService(store, SystemClock()).issue_token(
            Role.ADMIN, label="first admin token"
        )
    finally:
        await store.close()
    # Written last: a data dir with settings.toml is a complete one.
    await asyncio.to_thread(
        (data_dir / SETTINGS_FILE).write_text, tomli_w.dumps(given), encoding="utf-8"
    )
    return Initialised(settings=settings, admin_token=token)


def _prepare(data_dir: Path, given: dict[str, Any]) -> Settings:
    """Validate the settings, then create the directory and the keys."""
    if is_initialised(data_dir):
        raise FileExistsError(f"{data_dir} is already initialised")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings = load_settings(data_dir, **given)
    # Keep the public URL fixed from now on: peers store it.
    given["public_url"] = settings.public_url
    save_keys(generate_keys(), settings.keys_dir)
    save_keys(generate_keys(), settings.instance_keys_dir)
    return settings


async def create_token(settings: Settings, role: Role, label: str = "") -> str:
    store = Store(settings.database_path)
    await store.open()
    try:
        return await AccountService(store, SystemClock()).issue_token(role, label=label)
    finally:
        await store.close()


async def migrate(settings: Settings) -> SchemaVersion:
    """Apply pending database migrations (opening the database does) and say where the
    schema stands; a database migrated by a newer release is refused, untouched."""
    store = Store(settings.database_path)
    try:
        await store.open()
        applied = await store.database.applied_versions()
    except SchemaTooNew as error:
        raise Conflict(str(error), reason="schema-too-new") from error
    finally:
        await store.close()
    newest = max(version for version, _ in migration_scripts())
    return SchemaVersion(current=max(applied), newest=newest)
