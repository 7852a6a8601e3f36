"""Handlers for the regional feed and its exports (CSV with HXL tags, JSON, Atom)."""

from __future__ import annotations

from aiohttp import web

from node.api.endpoints import Call, Endpoint, authenticate
from node.domain.exports import ExportItem, to_atom, to_hxl_csv, to_json
from node.domain.feed import FeedEntry, FeedQuery
from node.errors import BadRequest, Unprocessable
from node.services import SERVICES, Services
from schemas.coalition import FeedEntryOut, FeedPage, FeedQueryIn, OriginOut
from schemas.vocab import Category, Purpose, Role


def _query(model: FeedQueryIn) -> FeedQuery:
    near = None
    if model.near is not None:
        lat, lon = (float(part) for part in model.near.split(","))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Unprocessable("near must be a valid latitude,longitude.", reason="near-invalid")
        near = (lat, lon)
    return FeedQuery(
        purposes=tuple(p.value for p in model.purpose),
        categories=tuple(c.value for c in model.category),
        urgencies=tuple(u.value for u in model.urgency),
        text=model.text,
        near=near,
        radius_km=model.radius_km,
        expiring_within_hours=model.expiring_within_hours,
        sort=model.sort,
        limit=model.limit,
    )


def entry_out(entry: FeedEntry) -> FeedEntryOut:
    skip = ("origin_actor", "origin_name", "local", "possible_duplicates")
    fields = {k: v for k, v in entry.__dict__.items() if k not in skip}
    return FeedEntryOut(
        **fields,
        origin=OriginOut(actor=entry.origin_actor, name=entry.origin_name, local=entry.local),
        possible_duplicates=list(entry.possible_duplicates),
    )


def export_item(entry: FeedEntry) -> ExportItem:
    return ExportItem(
        id=entry.id,
        url=entry.id,
        purpose=Purpose(entry.purpose),
        title=entry.title,
        summary=entry.summary,
        category=Category(entry.category or "other"),
        quantity=entry.quantity,
        available=entry.available,
        unit=entry.unit,
        urgency=entry.urgency,
        latitude=entry.latitude,
        longitude=entry.longitude,
        radius_km=entry.radius_km,
        area=entry.area,
        begins_at=entry.begins_at,
        ends_at=entry.ends_at,
        origin_name=entry.origin_name,
        origin_actor=entry.origin_actor,
        relayed_by=entry.relayed_by,
        updated_at=entry.updated_at,
    )


async def get_feed(call: Call) -> FeedPage:
    entries = await call.services.feed.feed(_query(call.query_as(FeedQueryIn)))
    return FeedPage(entries=[entry_out(e) for e in entries])


def feed_endpoints() -> list[Endpoint]:
    return [
        Endpoint(
            "GET",
            "/api/v1/feed",
            get_feed,
            "getFeed",
            "Open offers and requests of this node and every trusted peer",
            FeedPage,
            query=FeedQueryIn,
            role=Role.COORDINATOR,
            errors=(400, 401, 403, 422),
        ),
    ]


async def export_feed(request: web.Request) -> web.Response:
    """GET /api/v1/feed.csv or .json: the filtered feed as a file (coordinators)."""
    services = request.app[SERVICES]
    principal = await authenticate(request, services)
    principal.require(Role.COORDINATOR)
    fmt = request.match_info["format"]
    params = {
        k: (request.query.getall(k) if k in ("purpose", "category", "urgency") else v)
        for k, v in request.query.items()
    }
    try:
        query = FeedQueryIn.model_validate(params)
    except ValueError as error:
        raise BadRequest(f"Bad filter: {error}", reason="query-invalid") from error
    items = [export_item(e) for e in await services.feed.feed(_query(query))]
    if fmt == "csv":
        return web.Response(
            text=to_hxl_csv(items),
            content_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="feed.csv"'},
        )
    return web.Response(
        text=to_json(items, generated=services.clock.now()), content_type="application/json"
    )


async def atom_feed(request: web.Request) -> web.Response:
    """GET /feed.atom: this node's open public offers, for anyone's feed reader."""
    services: Services = request.app[SERVICES]
    entries = await services.feed.public_offers()
    url = services.settings.public_url
    xml = to_atom(
        [export_item(e) for e in entries],
        feed_id=f"{url}/feed.atom",
        title=f"{services.settings.name}: offers",
        updated=services.clock.now(),
        self_url=f"{url}/feed.atom",
    )
    return web.Response(text=xml, content_type="application/atom+xml")


def setup_exports(app: web.Application) -> None:
    app.router.add_get("/api/v1/feed.{format:csv|json}", export_feed)
    app.router.add_get("/feed.atom", atom_feed)
