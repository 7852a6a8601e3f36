"""``solidarity blocks``: import and export blocklists (Mastodon CSV or plain text)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from admin.commands.common import WHO, command, group, with_services
from admin.commands.output import add_row, flags, say, show, table, whole
from node.domain.blocklist import BlockEntry
from node.domain.blocks import Format
from node.errors import BadRequest, FieldError, Unprocessable
from node.services import Services

FORMATS = ("csv", "text")


blocks = group("blocks", "blocklist import and export")


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"{name} is not UTF-8 text.", reason="blocklist-encoding") from error


def _entry(entry: BlockEntry) -> str:
    extra = flags(
        reject_media=entry.reject_media,
        reject_reports=entry.reject_reports,
        obfuscate=entry.obfuscate,
    )
    return entry.severity + (f" ({extra})" if extra else "")


def _entries(title: str, entries: tuple[BlockEntry, ...]) -> None:
    grid = table(whole("domain"), "block", "public comment", title=f"{title} ({len(entries)})")
    for entry in entries:
        add_row(grid, entry.domain, _entry(entry), entry.public_comment)
    show(grid, empty="none")


def _changes(changed: tuple[tuple[BlockEntry, BlockEntry], ...]) -> None:
    grid = table(whole("domain"), "now", "from the file", title=f"Changed ({len(changed)})")
    for before, after in changed:
        add_row(grid, after.domain, _commented(before), _commented(after))
    show(grid, empty="none")


def _commented(entry: BlockEntry) -> str:
    return f"{_entry(entry)}: {entry.public_comment}" if entry.public_comment else _entry(entry)


@command("import", "compare a blocklist with the blocks in force; --apply imports it", blocks)
@click.argument("file", help="the blocklist file, or - for stdin")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    help="Mastodon's domain-block CSV (default) or one domain per line",
)
@click.option("--apply", is_flag=True, help="import (without it: a dry run)")
@with_services
async def import_blocks(services: Services, file: str, fmt: Format, apply: bool) -> int:
    text = _read(file)
    try:
        result = await services.blocks.import_(text, fmt, who=WHO, dry_run=not apply)
    except Unprocessable as error:
        if fmt == "csv" and any("expected the header" in e.message for e in error.errors):
            error.errors.append(FieldError("hint", "for one domain per line, use --format text"))
        raise
    plan = result.diff
    _entries("Added", plan.added)
    _changes(plan.changed)
    _entries("Unchanged", plan.unchanged)
    counts = (
        f"{len(plan.added)} added, {len(plan.changed)} changed, {len(plan.unchanged)} unchanged"
    )
    if result.applied:
        say(f"Imported: {counts}.")
    else:
        data = services.settings.data_dir
        say(
            f"Dry run ({counts}): nothing was imported. To import, run:",
            f"  solidarity blocks import {shlex.quote(file)} --format {fmt}"
            f" --data {shlex.quote(str(data))} --apply",
        )
    return 0


@command("export", "print the blocks in force", blocks)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="write here instead of stdout",
)
@with_services
async def export(services: Services, fmt: Format, output: Path | None) -> int:
    text = await services.blocks.export(fmt)
    if output is None:
        sys.stdout.write(text)
        return 0
    with output.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    say(f"Wrote {len(await services.blocks.current())} blocks to {output}.")
    return 0


COMMANDS = (blocks,)
