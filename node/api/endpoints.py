"""Endpoints declared as data: one table drives routing, auth, parsing and OpenAPI.

A handler receives a :class:`Call` whose ``body`` and ``query`` are already
validated pydantic models and whose ``principal`` already passed the role
check, so handlers stay a few lines long and the document cannot drift.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from node.api.problems import read_json, unprocessable
from node.domain.accounts import Principal
from node.errors import BadRequest, Unauthorized
from node.services import SERVICES, Services
from schemas.vocab import Purpose, Role

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Call:
    request: web.Request
    services: Services
    principal: Principal | None
    purpose: Purpose | None
    body: BaseModel | None
    query: BaseModel | None

    def body_as(self, model: type[M]) -> M:
        assert isinstance(self.body, model)
        return self.body

    def query_as(self, model: type[M]) -> M:
        assert isinstance(self.query, model)
        return self.query

    @property
    def kind(self) -> Purpose:
        assert self.purpose is not None
        return self.purpose

    def match(self, name: str) -> str:
        return self.request.match_info[name]

    def row_id(self, name: str = "id") -> int | None:
        """A path parameter naming a row: ASCII digits within SQLite's INTEGER, else None
        (it names no row; ``"¹".isdigit()`` is true, but ``int`` refuses it)."""
        raw = self.match(name)
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


HandlerFn = Callable[[Call], Awaitable[BaseModel | None]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: HandlerFn
    operation_id: str
    summary: str
    response: type[BaseModel] | None = None
    status: int = 200
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    role: Role | None = None
    purpose: Purpose | None = None
    errors: tuple[int, ...] = field(default=())

    @property
    def statuses(self) -> tuple[int, ...]:
        """Every error status the operation can answer: its declared ``errors`` and those
        :func:`wrap` answers itself (a malformed or unknown token on any operation; a
        missing token or too small a role; an unknown or invalid query parameter; a body
        that is not JSON, too large, of another media type or invalid)."""
        implied = {401}
        if self.role is not None:
            implied |= {403}
        if self.query is not None:
            implied |= {400, 422}
        if self.body is not None:
            implied |= {400, 413, 415, 422}
        return tuple(sorted(implied.union(self.errors)))


async def _principal(request: web.Request, services: Services) -> Principal | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Use 'Authorization: Bearer <token>'.", reason="auth-malformed")
    return await services.accounts.authenticate(token.strip())


async def authenticate(request: web.Request, services: Services) -> Principal:
    """The caller of a raw (non-table) handler; 401 without a valid token."""
    principal = await _principal(request, services)
    if principal is None:
        raise Unauthorized("Sign in or send a bearer token.", reason="auth-required")
    return principal


def _query_dict(request: web.Request, model: type[BaseModel]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in set(request.query.keys()):
        if name not in model.model_fields:
            raise BadRequest(f"Unknown query parameter {name!r}.", reason="query-unknown")
        annotation = str(model.model_fields[name].annotation)
        if annotation.startswith("list"):
            values[name] = [v for raw in request.query.getall(name) for v in raw.split(",") if v]
        else:
            values[name] = request.query[name]
    return values


def wrap(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        services = request.app[SERVICES]
        principal = await _principal(request, services)
        if endpoint.role is not None:
            if principal is None:
                raise Unauthorized("Sign in or send a bearer token.", reason="auth-required")
            principal.require(endpoint.role)
        query = body = None
        if endpoint.query is not None:
            try:
                query = endpoint.query.model_validate(_query_dict(request, endpoint.query))
            except ValidationError as error:
                raise unprocessable(error, "query") from error
        if endpoint.body is not None:
            raw = await read_json(request, services.settings.max_body_bytes)
            try:
                body = endpoint.body.model_validate(raw)
            except ValidationError as error:
                raise unprocessable(error, "request body") from error
        call = Call(request, services, principal, endpoint.purpose, body, query)
        result = await endpoint.handler(call)
        if result is None:
            return web.Response(status=endpoint.status)
        return web.Response(
            status=endpoint.status,
            text=result.model_dump_json(),
            content_type="application/json",
        )

    return handle


def add_routes(app: web.Application, endpoints: list[Endpoint]) -> None:
    for endpoint in endpoints:
        app.router.add_route(endpoint.method, endpoint.path, wrap(endpoint))
