"""Operations: backups that are safe while the node runs, restores, migrations."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from admin.commands.common import command, existing
from node.datadir import migrate
from node.ops import DataDirBusy, backup, restore
from node.settings import load_settings

PATH = click.Path(path_type=Path)


@command("backup", "copy the database, keys and settings (safe while the node runs)")
@click.argument("destination", type=PATH, help="a new directory for the backup")
def backup_command(data: Path, destination: Path) -> int:
    settings = existing(data)
    target = backup(settings.database_path, data, destination)
    print(f"Backed up {data} to {destination} ({target.stat().st_size} bytes, verified).")
    return 0


@command("restore", "put a backup in place (refused while the node runs)")
@click.argument("source", type=PATH, help="a directory made by 'solidarity backup'")
def restore_command(data: Path, source: Path) -> int:
    database = load_settings(source).database_path.name
    try:
        restore(source, data, database)
    except DataDirBusy as error:
        print(f"solidarity: {error}; stop it before restoring.", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"solidarity: the backup is damaged: {error}", file=sys.stderr)
        return 1
    print(f"Restored {source} into {data} (integrity verified).")
    return 0


@command("migrate", "apply pending database migrations and show the schema")
def migrate_command(data: Path) -> int:
    schema = asyncio.run(migrate(existing(data)))
    print(
        f"Schema version {schema.current} (this software knows up to {schema.newest}); up to date."
    )
    return 0


COMMANDS = (backup_command, restore_command, migrate_command)
