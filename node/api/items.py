"""Handlers for /api/v1/offers and /api/v1/requests: parse, call one service, render."""

from __future__ import annotations

from node.api.endpoints import Call, Endpoint
from node.api.views import item_out
from node.domain.model import ItemFilter
from node.errors import Unprocessable
from schemas.api import CloseIn, ItemCreate, ItemOut, ItemPage, ItemQuery, ItemUpdate, RenewIn
from schemas.vocab import Purpose, Role


async def list_items(call: Call) -> ItemPage:
    query = call.query_as(ItemQuery)
    near = None
    if query.near is not None:
        lat, lon = (float(part) for part in query.near.split(","))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Unprocessable("near must be a valid latitude,longitude.", reason="near-invalid")
        near = (lat, lon)
    items, cursor = await call.services.items.search(
        ItemFilter(
            purpose=call.kind,
            statuses=tuple(query.status),
            categories=tuple(query.category),
            urgencies=tuple(query.urgency),
            text=query.text,
            public_only=call.principal is None,
            near=near,
            radius_km=query.radius_km if near else None,
            limit=query.limit,
            after_seq=int(query.cursor) if query.cursor else None,
        )
    )
    public_url = call.services.settings.public_url
    return ItemPage(
        items=[item_out(item, public_url) for item in items],
        next_cursor=str(cursor) if cursor is not None else None,
    )


async def create_item(call: Call) -> ItemOut:
    item = await call.services.items.create(call.kind, call.body_as(ItemCreate))
    details = await call.services.items.private_details(item.id)
    return item_out(item, call.services.settings.public_url, details)


async def get_item(call: Call) -> ItemOut:
    signed_in = call.principal is not None
    item = await call.services.items.get(call.kind, call.match("id"), signed_in=signed_in)
    details = await call.services.items.private_details(item.id) if signed_in else None
    return item_out(item, call.services.settings.public_url, details)


async def update_item(call: Call) -> ItemOut:
    item = await call.services.items.update(call.kind, call.match("id"), call.body_as(ItemUpdate))
    details = await call.services.items.private_details(item.id)
    return item_out(item, call.services.settings.public_url, details)


async def publish_item(call: Call) -> ItemOut:
    item = await call.services.items.publish(call.kind, call.match("id"))
    return item_out(item, call.services.settings.public_url)


async def close_item(call: Call) -> ItemOut:
    reason = call.body_as(CloseIn).reason
    item = await call.services.items.close(call.kind, call.match("id"), reason)
    return item_out(item, call.services.settings.public_url)


async def renew_item(call: Call) -> ItemOut:
    ends_at = call.body_as(RenewIn).ends_at
    item = await call.services.items.renew(call.kind, call.match("id"), ends_at)
    return item_out(item, call.services.settings.public_url)


async def delete_item(call: Call) -> None:
    await call.services.items.delete(call.kind, call.match("id"))


def item_endpoints() -> list[Endpoint]:
    endpoints = []
    writer = Role.COORDINATOR
    for purpose in Purpose:
        base = f"/api/v1/{purpose.value}s"
        one = f"{base}/{{id}}"
        noun = purpose.value.capitalize()
        endpoints += [
            Endpoint(
                "GET",
                base,
                list_items,
                f"list{noun}s",
                f"List {purpose.value}s",
                ItemPage,
                query=ItemQuery,
                purpose=purpose,
                errors=(400, 422),
            ),
            Endpoint(
                "POST",
                base,
                create_item,
                f"create{noun}",
                f"Post a new {purpose.value}",
                ItemOut,
                201,
                body=ItemCreate,
                role=writer,
                purpose=purpose,
                errors=(400, 401, 403, 413, 415, 422),
            ),
            Endpoint(
                "GET",
                one,
                get_item,
                f"get{noun}",
                f"One {purpose.value}",
                ItemOut,
                purpose=purpose,
                errors=(404,),
            ),
            Endpoint(
                "PATCH",
                one,
                update_item,
                f"update{noun}",
                f"Edit a {purpose.value}",
                ItemOut,
                body=ItemUpdate,
                role=writer,
                purpose=purpose,
                errors=(400, 401, 403, 404, 409, 413, 415, 422),
            ),
            Endpoint(
                "POST",
                f"{one}/publish",
                publish_item,
                f"publish{noun}",
                f"Publish a draft {purpose.value}",
                ItemOut,
                role=writer,
                purpose=purpose,
                errors=(401, 403, 404, 409),
            ),
            Endpoint(
                "POST",
                f"{one}/close",
                close_item,
                f"close{noun}",
                f"Close a {purpose.value} with a reason",
                ItemOut,
                body=CloseIn,
                role=writer,
                purpose=purpose,
                errors=(400, 401, 403, 404, 409, 415, 422),
            ),
            Endpoint(
                "POST",
                f"{one}/renew",
                renew_item,
                f"renew{noun}",
                f"Renew an open or expired {purpose.value}",
                ItemOut,
                body=RenewIn,
                role=writer,
                purpose=purpose,
                errors=(400, 401, 403, 404, 409, 415, 422),
            ),
            Endpoint(
                "DELETE",
                one,
                delete_item,
                f"delete{noun}",
                f"Delete a {purpose.value}",
                None,
                204,
                role=writer,
                purpose=purpose,
                errors=(401, 403, 404),
            ),
        ]
    return endpoints
