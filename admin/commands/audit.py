"""``solidarity audit`` and ``solidarity reports``: what was changed, and what was flagged."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from admin.commands.common import Commands, add_command, with_services
from admin.commands.output import add_row, detail, show, table, when, whole
from federation.hosts import peer_host
from node.services import Services

TABLE_LIMIT = 50
CSV_COLUMNS = ("id", "at", "who", "action", "subject", "detail", "reason")
EVERYTHING = 1_000_000_000


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def register(commands: Commands) -> None:
    audit = add_command(commands, "audit", "the audit log, newest first", with_services(audit_log))
    audit.add_argument("--subject", default=None, help="only entries about this host or actor")
    audit.add_argument(
        "--limit",
        type=_positive,
        default=None,
        help=f"at most N entries (default {TABLE_LIMIT} in the table, all with --csv)",
    )
    audit.add_argument(
        "--csv", action="store_true", help=f"CSV on stdout ({','.join(CSV_COLUMNS)})"
    )
    add_command(commands, "reports", "reports (Flags) sent and received", with_services(reports))


def _subject(given: str | None) -> str | None:
    """Hosts are stored normalised (``Example.ORG.`` is ``example.org``); URLs as given."""
    if given is None or "://" in given:
        return given
    try:
        return peer_host(given)
    except ValueError:
        return given


async def audit_log(services: Services, args: argparse.Namespace) -> int:
    limit = args.limit or (EVERYTHING if args.csv else TABLE_LIMIT)
    entries = await services.store.reader.trust.audit_entries(_subject(args.subject), limit)
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for e in entries:
            compact = json.dumps(e.detail, separators=(",", ":"), sort_keys=True)
            writer.writerow([e.id, e.at, e.who, e.action, e.subject, compact, e.reason])
        return 0
    # Two facts a cell, one above the other, so four columns fit 80 characters.
    grid = table(whole("at (UTC)\nwho"), whole("action\nsubject"), "detail", "reason")
    for e in entries:
        add_row(
            grid, f"{when(e.at)}\n{e.who}", f"{e.action}\n{e.subject}", detail(e.detail), e.reason
        )
    show(
        grid,
        empty="The audit log is empty."
        if args.subject is None
        else f"No audit entries about {args.subject}.",
    )
    return 0


async def reports(services: Services, args: argparse.Namespace) -> int:
    grid = table(
        whole("id"),
        whole("direction"),
        whole("state"),
        "reporter",
        "objects",
        "content",
        whole("created (UTC)"),
    )
    for report in await services.store.reader.trust.reports():
        add_row(
            grid,
            report.id,
            report.direction,
            report.state,
            report.reporter,
            "\n".join(report.objects),
            report.content,
            when(report.created_at),
        )
    show(grid, empty="No reports.")
    return 0
