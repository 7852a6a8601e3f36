"""Readable output: rich tables on a terminal, plain text when piped.

Every value is shown as plain text (never rich markup), with control and
bidirectional-override characters escaped: peers choose host names, actor ids,
comments and report texts, and must not be able to drive the admin's terminal.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich loads with the first table: ``solidarity serve`` never needs it
    from rich.console import Console
    from rich.table import Column, Table

GAP = 2  # a column's right padding and the space between columns
MIN_WRAPPED = 12  # the narrowest a wrapped column gets, when the terminal allows
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(value: object) -> str:
    """``value`` as text with control characters shown as escapes (``\\x1b``)."""
    return _UNSAFE.sub(lambda found: repr(found.group())[1:-1], str(value))


def console() -> Console:
    """A console on the current stdout (plain text, no colour, when it is not a terminal)."""
    from rich.console import Console

    return Console(highlight=False, markup=False, emoji=False)


def say(*lines: str) -> None:
    """Plain lines, left to the terminal to wrap, so commands in them copy whole."""
    from rich.text import Text

    out = console()
    for line in lines:
        out.print(Text(safe(line)), soft_wrap=True)


def whole(header: str) -> Column:
    """A column kept unwrapped (hosts, levels, times) as long as the others keep room."""
    from rich.table import Column

    return Column(header, no_wrap=True, overflow="fold")


def table(*columns: str | Column, title: str | None = None) -> Table:
    """A compact table; plain-named columns wrap (long URLs fold). Nothing is ever cut off."""
    from rich import box
    from rich.table import Column, Table

    return Table(
        *(
            column if isinstance(column, Column) else Column(column, overflow="fold")
            for column in columns
        ),
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        title=title,
        title_justify="left",
        title_style="bold",
    )


def add_row(grid: Table, *values: object) -> None:
    from rich.text import Text

    grid.add_row(*(Text(safe(value)) for value in values))


def _natural(column: Column) -> int:
    """The width of the column's longest line, header included."""
    from rich.cells import cell_len
    from rich.text import Text

    texts = [str(column.header), *(cell.plain for cell in column.cells if isinstance(cell, Text))]
    return max(cell_len(line) for text in texts for line in text.split("\n"))


def _widen(widths: list[int], naturals: list[int], members: list[int], budget: int) -> int:
    """Give ``budget`` cells to the narrowest of ``members`` below their natural width."""
    while budget > 0:
        short = [i for i in members if widths[i] < naturals[i]]
        if not short:
            break
        widths[min(short, key=lambda i: widths[i])] += 1
        budget -= 1
    return budget


def fit(grid: Table, width: int) -> None:
    """Column widths for a table wider than ``width``: every column gets some room, then
    ``whole`` columns grow to their full text first, and the others share what is left.

    rich alone would cut unwrappable columns short; here every cell wraps (long
    words fold) when it must, so nothing is ever cut off.
    """
    columns = grid.columns
    naturals = [_natural(column) for column in columns]
    available = width - GAP * (len(columns) - 1)
    if sum(naturals) <= available:
        return
    # Wrapping columns are kept to at least a fair share, so one long host cannot starve them.
    share = max(MIN_WRAPPED, available // len(columns))
    widths = [
        min(natural, MIN_WRAPPED if column.no_wrap else share)
        for natural, column in zip(naturals, columns, strict=True)
    ]
    budget = available - sum(widths)
    if budget >= 0:
        first = [i for i, column in enumerate(columns) if column.no_wrap]
        rest = [i for i, column in enumerate(columns) if not column.no_wrap]
        _widen(widths, naturals, rest, _widen(widths, naturals, first, budget))
    for column, chosen in zip(columns, widths, strict=True):
        column.no_wrap = False
        column.width = chosen if budget >= 0 else None


def show(grid: Table, *, empty: str) -> None:
    """Print the table, or ``empty`` when it has no rows."""
    if not grid.row_count:
        say(empty if grid.title is None else f"{grid.title}: {empty}")
        return
    out = console()
    fit(grid, out.width)
    out.print(grid)


def when(stamp: str) -> str:
    """A stored timestamp (``2026-03-01T12:00:00Z``) to the minute: ``2026-03-01 12:00``.

    Table headers say "(UTC)"; the CSV export keeps the stored form.
    """
    return stamp[:16].replace("T", " ")


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def flags(**named: bool) -> str:
    """The names of the flags that are set, ``reject_media`` shown as ``reject-media``."""
    return ", ".join(name.replace("_", "-") for name, on in named.items() if on)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return '""' if value == "" else str(value)


def change(value: Any) -> str:
    """An audit detail value: ``[before, after]`` as ``before -> after``."""
    if isinstance(value, list) and len(value) == 2:
        return f"{_plain(value[0])} -> {_plain(value[1])}"
    return _plain(value)


def detail(entries: dict[str, Any]) -> str:
    return "; ".join(f"{key}: {change(value)}" for key, value in entries.items())
