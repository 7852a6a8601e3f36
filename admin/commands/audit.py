"""``solidarity audit`` and ``solidarity reports``: what was changed, and what was flagged."""

from __future__ import annotations

import csv
import json
import sys

import click

from admin.commands.common import command, with_services
from admin.commands.output import add_row, detail, show, table, when, whole
from federation.hosts import peer_host
from node.services import Services

TABLE_LIMIT = 50
CSV_COLUMNS = ("id", "at", "who", "action", "subject", "detail", "reason")
EVERYTHING = 1_000_000_000


def _subject(given: str | None) -> str | None:
    """Hosts are stored normalised (``Example.ORG.`` is ``example.org``); URLs as given."""
    if given is None or "://" in given:
        return given
    try:
        return peer_host(given)
    except ValueError:
        return given


@command("audit", "the audit log, newest first")
@click.option("--subject", default=None, help="only entries about this host or actor")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help=f"at most N entries (default {TABLE_LIMIT} in the table, all with --csv)",
)
@click.option("--csv", "as_csv", is_flag=True, help=f"CSV on stdout ({','.join(CSV_COLUMNS)})")
@with_services
async def audit_log(
    services: Services, subject: str | None, limit: int | None, as_csv: bool
) -> int:
    limit = limit or (EVERYTHING if as_csv else TABLE_LIMIT)
    entries = await services.oversight.audit(_subject(subject), limit)
    if as_csv:
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
        if subject is None
        else f"No audit entries about {subject}.",
    )
    return 0


@command("reports", "reports (Flags) sent and received")
@with_services
async def reports(services: Services) -> int:
    grid = table(
        whole("id"),
        whole("direction"),
        whole("state"),
        "reporter",
        "objects",
        "content",
        whole("created (UTC)"),
    )
    for report in await services.oversight.reports():
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


COMMANDS = (audit_log, reports)
