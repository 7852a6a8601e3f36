"""Blocklist import and export in Mastodon's domain-block CSV and in plain text.

Pure: parses and writes text, never touches storage. Every domain is keyed by
``federation.hosts.peer_host``, so ``Example.COM.`` and ``example.com:443`` are
one domain. A file with any bad row yields no entries at all: the only way to
get entries out of a ``ParseResult`` is ``require_valid()``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from federation.hosts import peer_host

Severity = Literal["suspend", "silence", "noop"]
SEVERITIES: dict[str, Severity] = {"suspend": "suspend", "silence": "silence", "noop": "noop"}
BOOLEANS = {"true": True, "false": False}

# Mastodon's admin export (Admin::ExportDomainBlocksController#export_headers).
CSV_HEADER = (
    "#domain",
    "#severity",
    "#reject_media",
    "#reject_reports",
    "#public_comment",
    "#obfuscate",
)

_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
OBFUSCATED = "obfuscated domain cannot be imported"


def block_domain(value: str) -> str:
    """The normalised domain a block is keyed by; ``ValueError`` if it is not one."""
    if "*" in value:
        raise ValueError(OBFUSCATED)
    host = peer_host(value)
    name, _, port = host.partition(":")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise ValueError(f"invalid domain {value.strip()!r}")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(f"invalid port in {value.strip()!r}")
    return host


@dataclass(frozen=True)
class BlockEntry:
    """One domain block; the defaults are Mastodon's for empty cells."""

    domain: str
    severity: Severity = "suspend"
    reject_media: bool = False
    reject_reports: bool = False
    public_comment: str = ""
    obfuscate: bool = False  # hide the domain in *our* public listing; not a wildcard

    def __post_init__(self) -> None:
        if block_domain(self.domain) != self.domain:
            raise ValueError(f"domain {self.domain!r} is not normalised")


@dataclass(frozen=True)
class RowError:
    """A bad row, by its 1-based line number in the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class BlocklistError(ValueError):
    """The file had bad rows; nothing from it may be imported."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(map(str, self.errors)))


class ParseResult:
    """Entries or errors, never both: with any error the entries are dropped."""

    __slots__ = ("_entries", "errors")

    def __init__(self, entries: Iterable[BlockEntry], errors: Iterable[RowError]) -> None:
        self.errors: tuple[RowError, ...] = tuple(errors)
        self._entries: tuple[BlockEntry, ...] = () if self.errors else tuple(entries)

    @property
    def ok(self) -> bool:
        return not self.errors

    def require_valid(self) -> list[BlockEntry]:
        """The entries, in file order; ``BlocklistError`` if any row was bad."""
        if self.errors:
            raise BlocklistError(self.errors)
        return list(self._entries)


class _Collector:
    """Builds entries and errors, catching duplicates by normalised domain."""

    def __init__(self) -> None:
        self.entries: list[BlockEntry] = []
        self.errors: list[RowError] = []
        self.first_line: dict[str, int] = {}

    def domain(self, line: int, cell: str) -> str | None:
        if not cell.strip():
            self.errors.append(RowError(line, "empty domain"))
            return None
        try:
            domain = block_domain(cell)
        except ValueError as error:
            self.errors.append(RowError(line, str(error)))
            return None
        if domain in self.first_line:
            first = self.first_line[domain]
            self.errors.append(RowError(line, f"duplicate domain {domain} (line {first})"))
            return None
        self.first_line[domain] = line
        return domain

    def result(self) -> ParseResult:
        return ParseResult(self.entries, self.errors)


def _flag(collector: _Collector, line: int, column: str, cell: str) -> bool:
    value = cell.strip().lower()
    if value and value not in BOOLEANS:
        collector.errors.append(RowError(line, f"{column}: expected true or false, not {cell!r}"))
    return BOOLEANS.get(value, False)


def parse_csv(text: str) -> ParseResult:
    """Parse Mastodon's domain-block CSV; the exact header is required.

    Each row has the six columns; empty cells take Mastodon's defaults
    (severity ``suspend``, flags false, no comment). Blank lines are skipped.
    """
    collector = _Collector()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    header_seen, end = False, 0
    try:
        for row in reader:
            line, end = end + 1, reader.line_num  # a quoted newline spans lines
            if len(row) <= 1 and not "".join(row).strip():
                continue
            if not header_seen:
                if tuple(cell.strip() for cell in row) != CSV_HEADER:
                    message = f"expected the header {','.join(CSV_HEADER)}"
                    return ParseResult((), [RowError(line, message)])
                header_seen = True
                continue
            if len(row) != len(CSV_HEADER):
                message = f"expected {len(CSV_HEADER)} columns, got {len(row)}"
                collector.errors.append(RowError(line, message))
                continue
            _row(collector, line, row)
    except csv.Error as error:
        collector.errors.append(RowError(end + 1, f"malformed CSV: {error}"))
    if not header_seen and not collector.errors:
        collector.errors.append(RowError(1, f"expected the header {','.join(CSV_HEADER)}"))
    return collector.result()


def _row(collector: _Collector, line: int, row: list[str]) -> None:
    cell, severity_cell, media, reports, comment, obfuscate_cell = row
    domain = collector.domain(line, cell)
    severity = SEVERITIES.get(severity_cell.strip().lower() or "suspend")
    if severity is None:
        message = f"#severity: expected suspend, silence or noop, not {severity_cell!r}"
        collector.errors.append(RowError(line, message))
    reject_media = _flag(collector, line, "#reject_media", media)
    reject_reports = _flag(collector, line, "#reject_reports", reports)
    obfuscate = _flag(collector, line, "#obfuscate", obfuscate_cell)
    if domain is not None and severity is not None:
        entry = BlockEntry(domain, severity, reject_media, reject_reports, comment, obfuscate)
        collector.entries.append(entry)


def parse_text(text: str) -> ParseResult:
    """Parse one domain per line (severity ``suspend``); blank and ``#`` lines are skipped."""
    collector = _Collector()
    for line, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        cell = raw.strip()
        if cell and not cell.startswith("#"):
            domain = collector.domain(line, cell)
            if domain is not None:
                collector.entries.append(BlockEntry(domain))
    return collector.result()


def _sorted(entries: Iterable[BlockEntry]) -> list[BlockEntry]:
    return sorted(entries, key=lambda entry: entry.domain)


def to_csv(entries: Iterable[BlockEntry]) -> str:
    """Mastodon's CSV: the exact header, rows sorted by domain, ``true``/``false``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for e in _sorted(entries):
        flags = [str(flag).lower() for flag in (e.reject_media, e.reject_reports)]
        writer.writerow([e.domain, e.severity, *flags, e.public_comment, str(e.obfuscate).lower()])
    return out.getvalue()


def to_text(entries: Iterable[BlockEntry]) -> str:
    """One domain per line, sorted; severity, flags and comments are not kept."""
    return "".join(f"{entry.domain}\n" for entry in _sorted(entries))


@dataclass(frozen=True)
class BlocklistDiff:
    """What an import would do, for the dry run."""

    added: tuple[BlockEntry, ...]
    changed: tuple[tuple[BlockEntry, BlockEntry], ...]  # (current, incoming)
    unchanged: tuple[BlockEntry, ...]


def diff(current: Mapping[str, BlockEntry], incoming: Iterable[BlockEntry]) -> BlocklistDiff:
    """Compare an import with the blocks in force, keyed by normalised domain.

    An import never removes a block: domains in ``current`` but not in the
    file stay blocked and are not listed (as in Mastodon). Mastodon's own
    import also skips domains it already blocks; ``changed`` shows them so the
    admin can choose.
    """
    added: list[BlockEntry] = []
    changed: list[tuple[BlockEntry, BlockEntry]] = []
    unchanged: list[BlockEntry] = []
    for entry in incoming:
        old = current.get(entry.domain)
        if old is None:
            added.append(entry)
        elif old == entry:
            unchanged.append(entry)
        else:
            changed.append((old, entry))
    return BlocklistDiff(tuple(added), tuple(changed), tuple(unchanged))
