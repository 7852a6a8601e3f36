"""Schemathesis against the node's own OpenAPI document (/api/v1/openapi.json).

A real node on a real SQLite file, served on a loopback port; Schemathesis reads the
document from it and sends every operation its boundary cases (the coverage phase:
missing, extra, oversized and wrongly typed values, unexpected methods), then
Hypothesis-generated requests, valid and invalid, with an admin's bearer token so the
write endpoints run; then valid requests on one real offer and one real request, so
updates, closing, renewal, matches and referral reach the domain code. Every response
must be no server error, and its status, content type and body what the document
says for that operation (Schemathesis' own checks).

The node's outbound client resolves names only through an empty StaticResolver and
creates sockets only through LoopbackOnlySockets, so an operation that reaches out to
a peer (following, referral, claims, matches, reports) cannot leave the machine. Its
answer is then the gateway problem its document lists (502, with the fetch's reason):
the one 5xx the node gives, because the peer failed, not the node.

Bounded for CI (about 5,000 requests in 20 s): EXAMPLES per operation and generation
mode, a timeout per request. The totals are printed (run with -s).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup  # noqa: E402

from admin.app import build_app  # noqa: E402
from federation.fetch import AddressPolicy, guarded_session  # noqa: E402
from federation.fetch.testing import LoopbackOnlySockets, StaticResolver  # noqa: E402
from node.clock import ManualClock  # noqa: E402
from node.datadir import initialise  # noqa: E402
from node.settings import load_settings  # noqa: E402
from tests.conftest import START  # noqa: E402
from tests.hostile.conftest import free_ports  # noqa: E402
from tests.hostile.harness import shared_keys  # noqa: E402

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("SOLIDARITY_SCHEMATHESIS_EXAMPLES", "12"))
"""Generated cases per operation and generation mode (besides the boundary cases); raise
it for a deeper run than CI's."""
TIMEOUT = 10
"""Seconds for one request."""
GATEWAY = 502
URL_LIMIT = 8190
"""aiohttp's ``max_line_size``: a longer request target is refused (400, plain text) by
the HTTP parser before any routing, so no operation and no document ever sees it."""
# The reasons of a refused or failed fetch from a peer (federation/fetch).
FETCH_REASONS = ("fetch-", "address-", "scheme-", "redirect-", "url-", "origin-", "actor-")
ANY_HEALTH = list(HealthCheck)


@dataclass
class Tally:
    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    gateway: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    operations: set[str] = field(default_factory=set)

    def summary(self, seconds: float) -> str:
        return (
            f"schemathesis: {len(self.cases)} operations, {self.cases.total()} cases in "
            f"{seconds:.0f}s; statuses {dict(sorted(self.statuses.items()))}; "
            f"documented 502s (peer unreachable) {dict(self.gateway)}; "
            f"URLs too long for the HTTP parser {self.unreadable}"
        )


class Runner:
    """Sends cases to the node at ``url`` and checks each response against the document."""

    def __init__(self, url: str, token: str, tally: Tally) -> None:
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}"}
        self.tally = tally
        self.schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")

    def check(self, case: Any) -> None:
        response = case.call(base_url=self.url, headers=self.headers, timeout=TIMEOUT)
        label = case.operation.label
        self.tally.cases[label] += 1
        self.tally.statuses[response.status_code] += 1
        if len(response.request.path_url.encode()) > URL_LIMIT:
            assert response.status_code == 400, response.text
            self.tally.unreadable += 1
            return
        checks = CHECKS
        documented = case.operation.definition.raw["responses"]
        if response.status_code == GATEWAY and str(GATEWAY) in documented:
            # The peer failed, not the node: the documented gateway problem, with the
            # fetch's reason; every other check still applies.
            assert response.json()["reason"].startswith(FETCH_REASONS), response.text
            self.tally.gateway[label] += 1
            checks = [c for c in CHECKS if c is not not_a_server_error]
        case.validate_response(response, checks=checks, headers=self.headers)

    def fuzz(self, operation: Any, mode: GenerationMode, **fixed: Any) -> None:
        strategy = operation.as_strategy(generation_mode=mode, **fixed)
        test = given(case=strategy)(self.check)
        bounded = settings(
            max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=ANY_HEALTH
        )
        try:
            bounded(test)()
        except Unsatisfiable:
            # Nothing in the operation can be made invalid (no parameters, a free string).
            if mode is not GenerationMode.NEGATIVE:
                raise

    def boundaries(self, operation: Any) -> None:
        config = self.schema.config.generation_for(operation=operation)
        for case in self.schema.iter_coverage_cases(
            operation, generation_modes=list(GenerationMode), generation_config=config
        ):
            self.check(case)

    def attempt(self, name: str, step: Any, *args: Any, **kwargs: Any) -> None:
        try:
            step(*args, **kwargs)
        except (Exception, FailureGroup) as error:  # every operation reports, not the first
            self.tally.failures.setdefault(name, f"{type(error).__name__}: {error}"[:2000])

    def run(self, items: dict[str, str]) -> None:
        operations = [result.ok() for result in self.schema.get_all_operations()]
        self.tally.operations = {operation.label for operation in operations}
        for operation in operations:
            self.attempt(operation.label, self.boundaries, operation)
            for mode in GenerationMode:
                self.attempt(operation.label, self.fuzz, operation, mode)
        # On a real offer and a real request; deleting them comes last.
        on_items = [
            (operation, items[kind])
            for operation in operations
            if (kind := _item_kind(operation.path)) in items
        ]
        on_items.sort(key=lambda pair: pair[0].method.upper() == "DELETE")
        for operation, item_id in on_items:
            self.attempt(
                f"{operation.label} (on {item_id})",
                self.fuzz,
                operation,
                GenerationMode.POSITIVE,
                path_parameters={"id": item_id},
            )


def _item_kind(path: str) -> str | None:
    """``offers`` or ``requests`` for an operation on one item, else None."""
    parts = path.split("/")
    return parts[3] if parts[3:5] in (["offers", "{id}"], ["requests", "{id}"]) else None


async def test_every_operation_conforms_to_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = iter([shared_keys(100), shared_keys(101)])
    monkeypatch.setattr("node.datadir.generate_keys", lambda: next(pool))
    (port,) = free_ports(1)
    sockets = LoopbackOnlySockets()

    def session(policy: AddressPolicy) -> ClientSession:
        return guarded_session(policy, base_resolver=StaticResolver(), socket_factory=sockets)

    url = f"http://127.0.0.1:{port}"
    data = tmp_path / "node"
    done = await initialise(data, public_url=url, handle="eastside", name="Eastside Mutual Aid")
    app = build_app(
        load_settings(data), clock=ManualClock(START), run_workers=False, session_factory=session
    )
    client = TestClient(TestServer(app, host="127.0.0.1", port=port))
    await client.start_server()
    auth = {"Authorization": f"Bearer {done.admin_token}"}
    items: dict[str, str] = {}
    tally = Tally()
    try:
        for kind, category in (("offers", "food"), ("requests", "shelter")):
            body = {
                "title": f"Schemathesis {kind}",
                "category": category,
                "quantity": {"amount": 20, "unit": "kilogram"},
                "location": {"latitude": 51.5, "longitude": -0.1},
            }
            response = await client.post(f"/api/v1/{kind}", json=body, headers=auth)
            assert response.status == 201, await response.text()
            items[kind] = (await response.json())["id"]
        # An admin account's token: the node's admin token has every role's rights, and an
        # account's also reaches what belongs to a user (notifications, preferences).
        account = {"username": "fuzz", "password": "a long enough password", "role": "admin"}
        response = await client.post("/api/v1/accounts", json=account, headers=auth)
        assert response.status == 201, await response.text()
        signed_in = {"username": "fuzz", "password": account["password"], "label": "fuzz"}
        response = await client.post("/api/v1/tokens", json=signed_in)
        assert response.status == 201, await response.text()
        token = (await response.json())["token"]
        started = time.monotonic()
        # In a thread: Schemathesis' client blocks, and the node serves from this loop.
        await asyncio.to_thread(lambda: Runner(url, token, tally).run(items))
        elapsed = time.monotonic() - started
    finally:
        await client.close()
    print("\n" + tally.summary(elapsed))
    assert not tally.failures, "\n\n".join(f"{k}: {v}" for k, v in tally.failures.items())
    assert set(tally.cases) == tally.operations, "operations never called"
