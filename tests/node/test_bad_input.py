"""Bad input gets the right status and an RFC 9457 body, and changes nothing."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from schemas.vocab import Role
from tests.conftest import Node

GOOD = {"title": "Rice", "category": "food"}


async def _rejected(
    node: Node,
    method: str,
    path: str,
    status: int,
    *,
    role: Role | None = Role.COORDINATOR,
    **kwargs: Any,
) -> dict[str, Any]:
    before = node.dump()
    headers = {**node.headers(role), **kwargs.pop("headers", {})}
    response = await node.client.request(method, path, headers=headers, **kwargs)
    assert response.status == status, await response.text()
    assert response.content_type == "application/problem+json"
    problem: dict[str, Any] = await response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    assert problem["reason"]
    assert node.dump() == before, "a rejected request must not change the database"
    return problem


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "food"}, "title"),
        ({"title": "", "category": "food"}, "title"),
        ({"title": "Rice", "category": "snacks"}, "category"),
        ({**GOOD, "quantity": {"amount": -1}}, "quantity.amount"),
        ({**GOOD, "quantity": {"amount": 2, "unit": "bushel"}}, "quantity.unit"),
        ({**GOOD, "quantity": {"amount": 2, "minimum": 3}}, "quantity"),
        ({**GOOD, "urgency": "soon"}, "urgency"),
        ({**GOOD, "visibility": "secret"}, "visibility"),
        ({**GOOD, "location": {"latitude": 91, "longitude": 0}}, "location.latitude"),
        ({**GOOD, "location": {"latitude": 10}}, "location"),
        ({**GOOD, "location": {"area": "Downtown"}}, "location.area"),
        ({**GOOD, "ends_at": "2026-02-01T00:00:00Z"}, "ends_at"),
        (
            {**GOOD, "begins_at": "2026-03-10T00:00:00Z", "ends_at": "2026-03-09T00:00:00Z"},
            "ends_at",
        ),
        ({**GOOD, "owner": "ana"}, "owner"),
        ({**GOOD, "translations": {"not a tag!": {"title": "x"}}}, "translations"),
    ],
)
async def test_invalid_item_is_422_with_field(node: Node, body: dict[str, Any], field: str) -> None:
    problem = await _rejected(node, "POST", "/api/v1/offers", 422, json=body)
    assert any(e["field"].startswith(field) for e in problem["errors"]), problem["errors"]


async def test_malformed_json_is_400(node: Node) -> None:
    problem = await _rejected(
        node,
        "POST",
        "/api/v1/offers",
        400,
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert problem["reason"] == "json-malformed"


async def test_deeply_nested_json_is_400_not_500(node: Node) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    await _rejected(
        node,
        "POST",
        "/api/v1/offers",
        400,
        data=deep,
        headers={"Content-Type": "application/json"},
    )


async def test_wrong_content_type_is_415(node: Node) -> None:
    await _rejected(
        node,
        "POST",
        "/api/v1/offers",
        415,
        data=b"title=Rice",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


async def test_oversized_body_is_413_before_parsing(
    node: Node, caplog: pytest.LogCaptureFixture
) -> None:
    big = b'{"title": "' + b"x" * (300 * 1024) + b'"}'
    with caplog.at_level(logging.INFO, logger="solidarity.api"):
        problem = await _rejected(
            node,
            "POST",
            "/api/v1/offers",
            413,
            data=big,
            headers={"Content-Type": "application/json"},
        )
    assert problem["reason"] == "body-too-large"
    assert "reason=body-too-large" in caplog.text


async def test_missing_and_unknown_tokens_are_401(node: Node) -> None:
    problem = await _rejected(node, "POST", "/api/v1/offers", 401, role=None, json=GOOD)
    assert problem["reason"] == "auth-required"
    problem = await _rejected(
        node,
        "POST",
        "/api/v1/offers",
        401,
        role=None,
        json=GOOD,
        headers={"Authorization": "Bearer sn_not-a-token"},
    )
    assert problem["reason"] == "token-invalid"
    await _rejected(
        node,
        "POST",
        "/api/v1/offers",
        401,
        role=None,
        json=GOOD,
        headers={"Authorization": "Basic YW5hOnB3"},
    )


async def test_coordinators_cannot_manage_accounts(node: Node) -> None:
    account = {"username": "bo", "password": "long enough password", "role": "admin"}
    problem = await _rejected(node, "POST", "/api/v1/accounts", 403, json=account)
    assert problem["reason"] == "role-insufficient"


async def test_wrong_password_is_401(node: Node) -> None:
    await node.services.accounts.create_account("ana", "correct horse battery", Role.COORDINATOR)
    problem = await _rejected(
        node,
        "POST",
        "/api/v1/tokens",
        401,
        role=None,
        json={"username": "ana", "password": "wrong horse battery"},
    )
    assert problem["reason"] == "bad-credentials"
    await _rejected(
        node,
        "POST",
        "/api/v1/tokens",
        401,
        role=None,
        json={"username": "nobody", "password": "wrong horse battery"},
    )


async def test_unknown_item_is_404(node: Node) -> None:
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"title": "x"}),
        ("DELETE", "", None),
        ("POST", "/close", {"reason": "duplicate"}),
    ]:
        await _rejected(node, method, f"/api/v1/offers/nope{suffix}", 404, json=body)


async def test_bad_query_parameters(node: Node) -> None:
    await _rejected(node, "GET", "/api/v1/offers?status=lost", 422)
    await _rejected(node, "GET", "/api/v1/offers?near=north", 422)
    await _rejected(node, "GET", "/api/v1/offers?near=95,10", 422)
    await _rejected(node, "GET", "/api/v1/offers?limit=100000", 422)
    await _rejected(node, "GET", "/api/v1/offers?colour=red", 400)


async def test_unknown_route_and_method_are_problems(node: Node) -> None:
    await _rejected(node, "GET", "/api/v1/nothing", 404)
    problem = await _rejected(node, "PUT", "/api/v1/offers", 405)
    assert problem["reason"] == "http-405"
