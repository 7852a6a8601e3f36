"""Handlers for the node's description, the taxonomy, accounts and tokens."""

from __future__ import annotations

from node.api.endpoints import Call, Endpoint
from node.errors import NotFound
from node.version import SOFTWARE_NAME, VERSION
from schemas.admin import TokenInfoOut, TokenList, TokenQuery
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
    counts = await call.services.items.count_by_status()
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


async def list_tokens(call: Call) -> TokenList:
    revoked = call.query_as(TokenQuery).revoked
    tokens = await call.services.accounts.tokens(revoked=revoked)
    return TokenList(tokens=[TokenInfoOut(**token.__dict__) for token in tokens])


async def revoke_token(call: Call) -> None:
    token_id = call.row_id()
    if token_id is None:
        raise NotFound(f"No live token {call.match('id')!r}.", reason="token-unknown")
    assert call.principal is not None
    await call.services.accounts.revoke_id(
        token_id, who=call.principal.name, current=call.principal.token_id
    )


async def create_account(call: Call) -> AccountOut:
    body = call.body_as(AccountCreate)
    account = await call.services.accounts.create_account(body.username, body.password, body.role)
    return AccountOut(
        id=account.id, username=account.username, role=account.role, created_at=account.created_at
    )


def meta_endpoints() -> list[Endpoint]:
    return [
        Endpoint("GET", "/api/v1/node", node_info, "getNode", "This node", NodeOut),
        Endpoint(
            "GET",
            "/api/v1/categories",
            categories,
            "listCategories",
            "The category taxonomy",
            CategoryList,
        ),
        Endpoint(
            "POST",
            "/api/v1/tokens",
            create_token,
            "createToken",
            "Sign in with a username and password; returns a bearer token",
            TokenOut,
            201,
            body=TokenCreate,
            errors=(400, 401, 413, 415, 422),
        ),
        Endpoint(
            "POST",
            "/api/v1/accounts",
            create_account,
            "createAccount",
            "Create a coordinator or admin account",
            AccountOut,
            201,
            body=AccountCreate,
            role=Role.ADMIN,
            errors=(400, 401, 403, 409, 413, 415, 422),
        ),
        Endpoint(
            "GET",
            "/api/v1/admin/tokens",
            list_tokens,
            "listTokens",
            "Bearer tokens and page sessions (never the tokens themselves)",
            TokenList,
            query=TokenQuery,
            role=Role.ADMIN,
            errors=(401, 403, 422),
        ),
        Endpoint(
            "POST",
            "/api/v1/admin/tokens/{id}/revoke",
            revoke_token,
            "revokeToken",
            "Revoke a token or end a page session at once (audited)",
            None,
            204,
            role=Role.ADMIN,
            errors=(401, 403, 404, 409),
        ),
    ]
