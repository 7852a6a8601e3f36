"""The offer/request form: submitted text → an API body, or messages per field.

Nothing is saved unless the whole form is valid: the handler only calls the
service with a body this module built. Messages are message ids, translated
when the form is rendered again with what the coordinator typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from node.domain.model import Item, PrivateDetails
from node.errors import NodeError
from node.web.i18n import N_
from schemas.api import ItemCreate, ItemUpdate

M = TypeVar("M", bound=BaseModel)

FIELDS = (
    "title",
    "description",
    "category",
    "action",
    "amount",
    "unit",
    "minimum",
    "unit_based",
    "urgency",
    "begins_on",
    "ends_on",
    "visibility",
    "location_mode",
    "area",
    "latitude",
    "longitude",
    "contact",
    "notes",
    "draft",
)

MESSAGES = {
    "title": N_("Give a title of 1 to 200 characters."),
    "description": N_("Keep the description under 5,000 characters."),
    "category": N_("Choose a category."),
    "action": N_("Choose what kind of help this is."),
    "amount": N_("Enter a quantity greater than 0."),
    "unit": N_("Choose a unit."),
    "minimum": N_("The minimum must be greater than 0 and no more than the quantity."),
    "urgency": N_("Choose how urgent this is."),
    "begins_on": N_("Enter a valid start date."),
    "ends_on": N_("The end date must be after the start date and in the future."),
    "visibility": N_("Choose who may see this."),
    "location": N_(
        "Choose an area, or give both latitude (−90 to 90) and longitude (−180 to 180)."
    ),
    "contact": N_("Keep contact details under 500 characters."),
    "notes": N_("Keep notes under 5,000 characters."),
}

# Where an API field's error is shown on the form.
_FIELD_OF = {
    "quantity.amount": "amount",
    "quantity.minimum": "minimum",
    "quantity": "minimum",
    "quantity.unit": "unit",
    "begins_at": "begins_on",
    "ends_at": "ends_on",
    "private.contact": "contact",
    "private.notes": "notes",
}


@dataclass
class ItemForm:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def ordered_errors(self) -> list[tuple[str, str]]:
        """The messages in the order the fields appear on the form."""
        order = {name: index for index, name in enumerate(FIELDS)}
        order["location"] = order["location_mode"]
        return sorted(self.errors.items(), key=lambda pair: order.get(pair[0], len(order)))

    def fail(self, name: str) -> None:
        self.errors.setdefault(name, MESSAGES.get(name, N_("Check this field.")))

    def absorb(self, error: NodeError) -> None:
        """Show a service's field errors next to the fields they concern."""
        for problem in error.errors or []:
            self.fail(_form_field(problem.field))
        if not error.errors:
            self.errors.setdefault("form", error.detail)


def _form_field(api_field: str) -> str:
    if api_field.startswith("location"):
        return "location"
    return _FIELD_OF.get(api_field, api_field)


def submitted(form: Mapping[str, str]) -> ItemForm:
    return ItemForm({name: form.get(name, "").strip() for name in FIELDS})


def _number(item: ItemForm, name: str, *, optional: bool = False) -> float | None:
    text = item.values[name].replace(",", ".")
    if not text and optional:
        return None
    try:
        return float(text)
    except ValueError:
        item.fail(name)
        return None


def _day(item: ItemForm, name: str, at: time) -> datetime | None:
    text = item.values[name]
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), at, tzinfo=UTC)
    except ValueError:
        item.fail(name)
        return None


def _location(item: ItemForm) -> dict[str, Any] | None:
    mode = item.values["location_mode"]
    if mode == "area":
        return {"area": item.values["area"] or None}
    if mode == "point":
        latitude = _number(item, "latitude")
        longitude = _number(item, "longitude")
        if latitude is None or longitude is None:
            item.fail("location")
            return None
        return {"latitude": latitude, "longitude": longitude}
    return None


def _body(item: ItemForm) -> dict[str, Any]:
    values = item.values
    body: dict[str, Any] = {
        "title": values["title"],
        "description": values["description"],
        "category": values["category"],
        "action": values["action"] or "transfer",
        "urgency": values["urgency"] or "anytime",
        "visibility": values["visibility"] or "public",
        "unit_based": values["unit_based"] == "on",
        "quantity": {
            "amount": _number(item, "amount"),
            "unit": values["unit"] or "one",
            "minimum": _number(item, "minimum", optional=True),
        },
        "location": _location(item),
        "private": {"contact": values["contact"], "notes": values["notes"]},
    }
    begins = _day(item, "begins_on", time(0, 0))
    ends = _day(item, "ends_on", time(23, 59))
    if begins is not None:
        body["begins_at"] = begins
    if ends is not None:
        body["ends_at"] = ends
    if begins is not None and ends is not None and ends <= begins:
        item.fail("ends_on")
    return body


def _validate(item: ItemForm, model: type[M], body: dict[str, Any]) -> M | None:
    try:
        parsed = model.model_validate(body)
    except ValidationError as error:
        for problem in error.errors(include_input=False, include_url=False):
            loc = ".".join(str(part) for part in problem["loc"])
            item.fail(_form_field(loc))
        return None
    return None if item.errors else parsed


def to_create(item: ItemForm) -> ItemCreate | None:
    body = _body(item)
    body["draft"] = item.values["draft"] == "on"
    if body["location"] is None:
        body.pop("location")
    return _validate(item, ItemCreate, body)


def to_update(item: ItemForm) -> ItemUpdate | None:
    return _validate(item, ItemUpdate, _body(item))


def from_item(item: Item, details: PrivateDetails | None) -> ItemForm:
    """The form filled in with an item's current values, for editing."""
    place = item.place
    mode = "area" if place and place.area else ("point" if place else "none")
    values = {
        "title": item.title,
        "description": item.description,
        "category": item.category.value,
        "action": item.action.value,
        "amount": f"{item.quantity:g}",
        "unit": item.unit.value,
        "minimum": f"{item.minimum_quantity:g}" if item.minimum_quantity else "",
        "unit_based": "on" if item.unit_based else "",
        "urgency": item.urgency.value,
        "begins_on": item.begins_at.date().isoformat(),
        "ends_on": item.ends_at.date().isoformat() if item.ends_at else "",
        "visibility": item.visibility.value,
        "location_mode": mode,
        "area": place.area or "" if place else "",
        "latitude": f"{place.latitude}" if place and not place.area else "",
        "longitude": f"{place.longitude}" if place and not place.area else "",
        "contact": details.contact if details else "",
        "notes": details.notes if details else "",
        "draft": "",
    }
    return ItemForm(values)


def blank(purpose: str) -> ItemForm:
    values = dict.fromkeys(FIELDS, "")
    values.update(
        amount="1",
        unit="one",
        urgency="anytime",
        visibility="public",
        action="transfer",
        location_mode="none",
    )
    return ItemForm(values)
