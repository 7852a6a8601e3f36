"""Operations: backups that are safe while the node runs, restores, migrations."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from admin.commands.common import Commands, add_command, existing
from node.ops import DataDirBusy, backup, restore
from node.settings import load_settings
from node.storage import Store
from node.storage.database import SchemaTooNew, migration_scripts


def register(commands: Commands) -> None:
    made = add_command(
        commands,
        "backup",
        "copy the database, keys and settings (safe while the node runs)",
        _backup,
    )
    made.add_argument("destination", type=Path, help="a new directory for the backup")
    put = add_command(
        commands, "restore", "put a backup in place (refused while the node runs)", _restore
    )
    put.add_argument("source", type=Path, help="a directory made by 'solidarity backup'")
    add_command(
        commands, "migrate", "apply pending database migrations and show the schema", _migrate
    )


def _backup(args: argparse.Namespace) -> int:
    settings = existing(args.data)
    target = backup(settings.database_path, args.data, args.destination)
    print(f"Backed up {args.data} to {args.destination} ({target.stat().st_size} bytes, verified).")
    return 0


def _restore(args: argparse.Namespace) -> int:
    database = load_settings(args.source).database_path.name
    try:
        restore(args.source, args.data, database)
    except DataDirBusy as error:
        print(f"solidarity: {error}; stop it before restoring.", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"solidarity: the backup is damaged: {error}", file=sys.stderr)
        return 1
    print(f"Restored {args.source} into {args.data} (integrity verified).")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    settings = existing(args.data)

    async def run() -> list[int]:
        store = Store(settings.database_path)
        await store.open()
        try:
            return await store.database.applied_versions()
        finally:
            await store.close()

    try:
        versions = asyncio.run(run())
    except SchemaTooNew as error:
        print(f"solidarity: {error}", file=sys.stderr)
        return 1
    newest = max(version for version, _ in migration_scripts())
    print(f"Schema version {max(versions)} (this software knows up to {newest}); up to date.")
    return 0
