"""Exports of the regional feed: HXL-tagged CSV, JSON and Atom. Pure: text in, text out.

An :class:`ExportItem` has no contact or notes field, so an export cannot carry
personal data (design brief, section 1, rule 1); ``tests/node/test_exports.py``
fails if a field with such a name is ever added. Coordinates are written as
stored (already coarse, rule 2) and never with more than 5 decimals.

HXL columns (HXL 1.1 hashtag dictionary, hxlstandard.org/standard/1-1final/dictionary/):
core hashtags where one fits, attributes to refine them, as HXL allows.

- ``#sector``: the category's humanitarian cluster (``schemas.taxonomy``).
- ``#item+type`` (category code), ``#item+name`` (title), ``#item+spec`` (item
  detail), ``#item+unit`` (OM2 unit): the ``#item`` family as in WFP's food-price
  datasets on HDX (``#item+type``, ``#item+name``, ``#item+unit``, ``#value``).
- ``#value``: the available quantity; ``#value+total``: the whole quantity. The
  dictionary words ``#value`` for money, but HXL tools (libhxl's default schema)
  check it as a number and sum it; the ``#item+unit`` column says what it counts.
- ``#indicator+purpose``: offer or request; ``#status+urgency``: the urgency code.
- ``#loc+name``: the declared area. Its administrative level is unknown, so it is
  not ``#adm1``, which would mislead merges with P-coded admin-1 data.
- ``#geo+lat`` / ``#geo+lon`` (decimal degrees), ``#geo+radius`` (km) and
  ``#geo+precision`` (grid-1km, grid-5km or admin-area): empty without a location.
- ``#date+start`` / ``#date+end`` / ``#date+updated``: UTC, ISO 8601.
- ``#org+name`` / ``#org+url``: the origin group and its actor; ``#org+relay+url``:
  the node that relayed it. ``#meta+id`` / ``#meta+url``: the item's IRI and page.
- ``#description``: the summary.

Text that a spreadsheet would read as a formula (a leading ``=``, ``+``,
``-``, ``@``, tab or carriage return) gets a ``'`` in front in the CSV only: the
text comes from peers, and a coordinator opens the file in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from node.clock import to_text
from schemas.taxonomy import CATEGORIES
from schemas.vocab import TAXONOMY_NS, Category, Purpose

ATOM_NS = "http://www.w3.org/2005/Atom"
COORDINATE_DECIMALS = 5
_INFO = {info.code: info for info in CATEGORIES}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry at all, even escaped (NUL and most C0 controls);
# dropped from the CSV too, where they break spreadsheet and CSV readers.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, kw_only=True)
class ExportItem:
    """One offer or request as the regional feed shows it: public fields only."""

    id: str
    url: str
    purpose: Purpose
    title: str
    summary: str
    category: Category
    item_spec: str = ""
    quantity: float | None = None
    available: float | None = None
    unit: str | None = None
    urgency: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    area: str | None = None
    location_precision: str | None = None
    begins_at: datetime | None = None
    ends_at: datetime | None = None
    origin_name: str
    origin_actor: str
    relayed_by: str | None = None
    updated_at: datetime


def _date(moment: datetime | None) -> str | None:
    return None if moment is None else to_text(moment)


def _coord(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _text(value: str | None) -> str:
    value = _NOT_XML.sub("", value or "")
    return "'" + value if value.startswith(_FORMULA_START) else value


def _degrees(value: float | None) -> str:
    coord = _coord(value)
    return "" if coord is None else f"{coord:.{COORDINATE_DECIMALS}f}"


Column = tuple[str, str, Callable[[ExportItem], str]]

HXL_COLUMNS: tuple[Column, ...] = (
    ("Item", "#meta+id", lambda i: _text(i.id)),
    ("Link", "#meta+url", lambda i: _text(i.url)),
    ("Purpose", "#indicator+purpose", lambda i: i.purpose.value),
    ("Cluster", "#sector", lambda i: _INFO[i.category].cluster),
    ("Category", "#item+type", lambda i: i.category.value),
    ("Title", "#item+name", lambda i: _text(i.title)),
    ("Item detail", "#item+spec", lambda i: _text(i.item_spec)),
    ("Summary", "#description", lambda i: _text(i.summary)),
    ("Available", "#value", lambda i: _number(i.available)),
    ("Quantity", "#value+total", lambda i: _number(i.quantity)),
    ("Unit", "#item+unit", lambda i: _text(i.unit)),
    ("Urgency", "#status+urgency", lambda i: _text(i.urgency)),
    ("Area", "#loc+name", lambda i: _text(i.area)),
    ("Latitude", "#geo+lat", lambda i: _degrees(i.latitude)),
    ("Longitude", "#geo+lon", lambda i: _degrees(i.longitude)),
    ("Radius (km)", "#geo+radius", lambda i: _number(i.radius_km)),
    ("Location precision", "#geo+precision", lambda i: _text(i.location_precision)),
    ("Starts (UTC)", "#date+start", lambda i: _date(i.begins_at) or ""),
    ("Ends (UTC)", "#date+end", lambda i: _date(i.ends_at) or ""),
    ("Group", "#org+name", lambda i: _text(i.origin_name)),
    ("Group actor", "#org+url", lambda i: _text(i.origin_actor)),
    ("Relayed by", "#org+relay+url", lambda i: _text(i.relayed_by)),
    ("Updated (UTC)", "#date+updated", lambda i: _date(i.updated_at) or ""),
)


def to_hxl_csv(items: Sequence[ExportItem]) -> str:
    """CSV with a human header row, then the HXL hashtag row, then one row per item."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header for header, _, _ in HXL_COLUMNS)
    writer.writerow(tag for _, tag, _ in HXL_COLUMNS)
    writer.writerows([cell(item) for _, _, cell in HXL_COLUMNS] for item in items)
    return out.getvalue()


def to_record(item: ExportItem) -> dict[str, Any]:
    """The JSON form of one item: every field, dates as UTC ISO 8601."""
    record = asdict(item)
    record.update(
        purpose=item.purpose.value,
        category=item.category.value,
        latitude=_coord(item.latitude),
        longitude=_coord(item.longitude),
        begins_at=_date(item.begins_at),
        ends_at=_date(item.ends_at),
        updated_at=_date(item.updated_at),
    )
    return record


def to_json(items: Sequence[ExportItem], *, generated: datetime) -> str:
    """``{"generated": ..., "items": [...]}``; ``generated`` comes from the caller's clock."""
    document = {"generated": to_text(generated), "items": [to_record(i) for i in items]}
    return json.dumps(document, ensure_ascii=False)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    clean = {name: _NOT_XML.sub("", value) for name, value in attrs.items()}
    element = ET.SubElement(parent, tag, clean)
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def to_atom(
    items: Sequence[ExportItem],
    *,
    feed_id: str,
    title: str,
    updated: datetime,
    self_url: str,
    author: str | None = None,
) -> str:
    """An Atom 1.0 feed (RFC 4287); the caller passes only public, open offers.

    Each entry's author is its origin group; the feed's own author (``author``,
    else ``title``) keeps an empty feed valid.
    """
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _add(feed, "id", feed_id)
    _add(feed, "title", title)
    _add(feed, "updated", to_text(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(_add(feed, "author"), "name", author or title)
    for item in items:
        entry = _add(feed, "entry")
        _add(entry, "id", item.id)
        _add(entry, "title", item.title)
        _add(entry, "updated", to_text(item.updated_at))
        _add(entry, "link", rel="alternate", href=item.url)
        group = _add(entry, "author")
        _add(group, "name", item.origin_name)
        _add(group, "uri", item.origin_actor)
        _add(entry, "summary", item.summary, type="text")
        label = _INFO[item.category].label
        _add(entry, "category", term=item.category.value, scheme=TAXONOMY_NS, label=label)
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
