"""Shared fixtures: a real node on a real SQLite file in a temp dir.

Nodes run in-process on loopback with a manual clock; background sweeps are
stepped by the tests (``run_once()``), never by sleeping.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from admin.app import build_app
from node.clock import ManualClock
from node.datadir import initialise
from node.services import SERVICES, Services
from node.settings import load_settings
from schemas.vocab import Role

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def dump_database(path: Path) -> list[str]:
    """Every row of every table (WAL included), to compare state before and after."""
    with sqlite3.connect(path) as conn:
        return [line for line in conn.iterdump() if not line.startswith('INSERT INTO "items_fts')]


@dataclass
class Node:
    client: TestClient
    app: web.Application
    clock: ManualClock
    admin_token: str
    coordinator_token: str

    @property
    def services(self) -> Services:
        return self.app[SERVICES]

    def headers(self, role: Role | None = Role.COORDINATOR) -> dict[str, str]:
        if role is None:
            return {}
        token = self.admin_token if role is Role.ADMIN else self.coordinator_token
        return {"Authorization": f"Bearer {token}"}

    def dump(self) -> list[str]:
        return dump_database(self.services.settings.database_path)

    async def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        role: Role | None = Role.COORDINATOR,
        expect: int | None = None,
        **kwargs: Any,
    ) -> Any:
        response = await self.client.request(
            method, path, json=json, headers=self.headers(role), **kwargs
        )
        body = await response.json() if response.content_length else None
        if expect is not None:
            assert response.status == expect, (response.status, body)
        return body

    async def offer(self, **fields: Any) -> dict[str, Any]:
        body = {"title": "Rice, 20 kg", "category": "food", **fields}
        result: dict[str, Any] = await self.call("POST", "/api/v1/offers", body, expect=201)
        return result


NodeFactory = Callable[..., Any]


@pytest.fixture
async def make_node(tmp_path: Path, aiohttp_client: Any) -> AsyncIterator[Callable[..., Any]]:
    count = 0

    async def factory(**settings: Any) -> Node:
        nonlocal count
        count += 1
        data = tmp_path / f"node{count}"
        fields = {
            "public_url": "http://node.test",
            "handle": "eastside",
            "name": "Eastside Mutual Aid",
            **settings,
        }
        done = await initialise(data, **fields)
        clock = ManualClock(START)
        app = build_app(load_settings(data), clock=clock, run_workers=False)
        client = await aiohttp_client(app)
        coordinator = await app[SERVICES].accounts.issue_token(Role.COORDINATOR)
        return Node(client, app, clock, done.admin_token, coordinator)

    return factory


@pytest.fixture
async def node(make_node: Callable[..., Any]) -> Node:
    result: Node = await make_node()
    return result
