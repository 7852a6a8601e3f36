"""Helpers for page tests: a signed-in form client over a real node, and peers' items."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse

from node.clock import to_text
from node.domain.trust import Level
from node.storage.remote_items import RemoteItem
from schemas.vocab import Role
from tests.conftest import Node
from tests.e2e.conftest import make_peer  # noqa: F401 (the real-peers fixture, for browser tests)

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Pages:
    """A browser-like client of one node: keeps cookies, fills in CSRF tokens."""

    node: Node

    async def get(self, path: str, **kwargs: Any) -> tuple[ClientResponse, str]:
        response = await self.node.client.get(path, **kwargs)
        return response, await response.text()

    async def csrf(self, path: str = "/sign-in") -> str:
        _, text = await self.get(path)
        found = CSRF.search(text)
        assert found, text[:500]
        return found.group(1)

    async def post(
        self,
        path: str,
        data: dict[str, str],
        *,
        token_from: str = "/",  # noqa: S107 (a path, not a password)
        follow: bool = False,
        **kwargs: Any,
    ) -> tuple[ClientResponse, str]:
        form = {"csrf": await self.csrf(token_from), **data}
        response = await self.node.client.post(path, data=form, allow_redirects=follow, **kwargs)
        return response, await response.text()

    async def sign_in(self, username: str, password: str = PASSWORD) -> ClientResponse:
        response, _ = await self.post(
            "/sign-in",
            {"username": username, "password": password, "next": "/"},
            token_from="/sign-in",
        )
        return response


PagesFactory = Callable[..., Any]


@pytest.fixture
async def pages(make_node: Callable[..., Any]) -> Callable[..., Any]:
    """``await pages(role)``: a node with an account of that role, signed in (or not)."""

    async def factory(role: Role | None = Role.COORDINATOR, **settings: Any) -> Pages:
        node: Node = await make_node(**settings)
        accounts = node.services.accounts
        await accounts.create_account("ana", PASSWORD, Role.COORDINATOR)
        await accounts.create_account("root", PASSWORD, Role.ADMIN)
        client = Pages(node)
        if role is not None:
            response = await client.sign_in("root" if role is Role.ADMIN else "ana")
            assert response.status == 303, await response.text()
        return client

    return factory


async def add_peer_item(node: Node, host: str = "peer.example", **fields: Any) -> RemoteItem:
    """A peer's offer as if it had arrived in the inbox, from a trusted peer."""
    actor = f"https://{host}/actor"
    values: dict[str, Any] = {
        "id": f"https://{host}/offers/1",
        "actor_id": actor,
        "purpose": "offer",
        "title": "Blankets",
        "summary": "Warm blankets",
        "category": "household",
        "urgency": "anytime",
        "unit": "one",
        "quantity": 30.0,
        "available_quantity": 30.0,
        "latitude": None,
        "longitude": None,
        "radius_km": None,
        "area_name": "Eastside",
        "begins_at": None,
        "ends_at": None,
        "document": {},
        "intent_id": f"https://{host}/i/1",
    }
    values.update(fields)
    item = RemoteItem(**values)
    services = node.services
    async with services.store.transaction() as repos:
        await repos.remote_items.upsert(item, to_text(services.clock.now()))
    await services.trust.set_level(host, Level.TRUSTED, who="test")
    return item
