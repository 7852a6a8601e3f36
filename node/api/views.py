"""Domain records to API bodies."""

from __future__ import annotations

from federation.uris import Uris
from node.domain.model import Item, PrivateDetails
from schemas.api import (
    ItemOut,
    LocationOut,
    PrivateOut,
    QuantityOut,
    TranslationOut,
)


def item_url(public_url: str, item: Item) -> str:
    return Uris(public_url).item(item.purpose, item.id)


def item_out(item: Item, public_url: str, details: PrivateDetails | None = None) -> ItemOut:
    place = item.place
    return ItemOut(
        id=item.id,
        purpose=item.purpose,
        url=item_url(public_url, item),
        title=item.title,
        description=item.description,
        language=item.language,
        translations={
            lang: TranslationOut(title=t.title, description=t.description)
            for lang, t in item.translations.items()
        },
        category=item.category,
        item_spec=item.item_spec,
        action=item.action,
        quantity=QuantityOut(
            amount=item.quantity,
            available=item.available_quantity,
            minimum=item.minimum_quantity,
            unit=item.unit,
        ),
        unit_based=item.unit_based,
        urgency=item.urgency,
        location=LocationOut(
            precision=place.precision,
            latitude=place.latitude,
            longitude=place.longitude,
            radius_km=place.radius_km,
            area=place.area,
        )
        if place
        else None,
        begins_at=item.begins_at,
        ends_at=item.ends_at,
        recurring=item.recurring,
        visibility=item.visibility,
        status=item.status,
        close_reason=item.close_reason,
        closed_at=item.closed_at,
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=item.version,
        referred_from=item.referred_from,
        private=PrivateOut(
            contact=details.contact, notes=details.notes, purge_after=details.purge_after
        )
        if details
        else None,
    )
