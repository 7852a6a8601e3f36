"""Handlers for the node's description, the taxonomy, accounts and tokens."""

from __future__ import annotations

from node.api.endpoints import Call, Endpoint
from node.version import SOFTWARE_NAME, VERSION
from schemas.api import (
    AccountCreate,
    AccountOut,
    AreaOut,
    CategoryList,
    CategoryOut,
    NodeOut,
    SoftwareOut,
    TokenCreate,
    TokenOut,
)
from schemas.taxonomy import CATEGORIES, related_categories
from schemas.vocab import Purpose, Role, Status


async def categories(call: Call) -> CategoryList:
    return CategoryList(
        categories=[
            CategoryOut(
                code=info.code,
                label=info.label,
                iri=info.iri,
                includes=info.includes,
                cluster=info.cluster,
                hxl=info.hxl,
                related=related_categories(info.code),
            )
            for info in CATEGORIES
        ]
    )


async def node_info(call: Call) -> NodeOut:
    settings = call.services.settings
    counts = await call.services.store.reader.items.count_by_status()
    return NodeOut(
        name=settings.name,
        handle=settings.handle,
        summary=settings.summary,
        public_url=settings.public_url,
        actor=settings.actor_url,
        software=SoftwareOut(name=SOFTWARE_NAME, version=VERSION),
        location_precision=settings.location_precision,
        areas=[AreaOut(**area.model_dump()) for area in settings.areas],
        open_offers=counts.get((Purpose.OFFER, Status.OPEN), 0),
        open_requests=counts.get((Purpose.REQUEST, Status.OPEN), 0),
    )


async def create_token(call: Call) -> TokenOut:
    body = call.body_as(TokenCreate)
    token, role = await call.services.accounts.sign_in(body.username, body.password, body.label)
    return TokenOut(token=token, role=role)


async def create_account(call: Call) -> AccountOut:
    body = call.body_as(AccountCreate)
    account = await call.services.accounts.create_account(body.username, body.password, body.role)
    return AccountOut(
        id=account.id, username=account.username, role=account.role, created_at=account.created_at
    )


def meta_endpoints() -> list[Endpoint]:
    return [
        Endpoint("GET", "/api/v1/node", node_info, "getNode", "This node", NodeOut),
        Endpoint("GET", "/api/v1/categories", categories, "listCategories",
                 "The category taxonomy", CategoryList),
        Endpoint("POST", "/api/v1/tokens", create_token, "createToken",
                 "Sign in with a username and password; returns a bearer token", TokenOut, 201,
                 body=TokenCreate, errors=(400, 401, 413, 415, 422)),
        Endpoint("POST", "/api/v1/accounts", create_account, "createAccount",
                 "Create a coordinator or admin account", AccountOut, 201, body=AccountCreate,
                 role=Role.ADMIN, errors=(400, 401, 403, 409, 413, 415, 422)),
    ]  # fmt: skip
