"""``solidarity blocks``: import and export blocklists (Mastodon CSV or plain text)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from admin.commands.common import WHO, Commands, add_command, add_group, with_services
from admin.commands.output import add_row, flags, say, show, table, whole
from node.domain.blocklist import BlockEntry
from node.domain.blocks import Format
from node.errors import BadRequest, FieldError, Unprocessable
from node.services import Services

FORMATS = ("csv", "text")


def register(commands: Commands) -> None:
    blocks = add_group(commands, "blocks", "blocklist import and export")
    load = add_command(
        blocks,
        "import",
        "compare a blocklist with the blocks in force; --apply imports it",
        with_services(import_blocks),
    )
    load.add_argument("file", help="the blocklist file, or - for stdin")
    load.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="Mastodon's domain-block CSV (default) or one domain per line",
    )
    load.add_argument("--apply", action="store_true", help="import (without it: a dry run)")

    save = add_command(blocks, "export", "print the blocks in force", with_services(export))
    save.add_argument("--format", choices=FORMATS, default="csv")
    save.add_argument("--output", type=Path, default=None, help="write here instead of stdout")


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


async def import_blocks(services: Services, args: argparse.Namespace) -> int:
    text = _read(args.file)
    fmt: Format = args.format
    try:
        result = await services.blocks.import_(text, fmt, who=WHO, dry_run=not args.apply)
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
        say(
            f"Dry run ({counts}): nothing was imported. To import, run:",
            f"  solidarity blocks import {shlex.quote(args.file)} --format {fmt}"
            f" --data {shlex.quote(str(args.data))} --apply",
        )
    return 0


async def export(services: Services, args: argparse.Namespace) -> int:
    fmt: Format = args.format
    text = await services.blocks.export(fmt)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    with args.output.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    say(f"Wrote {len(await services.blocks.current())} blocks to {args.output}.")
    return 0
