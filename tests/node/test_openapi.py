"""The OpenAPI 3.1 document is valid, and real responses of every endpoint match it."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from schemas.vocab import Role
from tests.conftest import Node

DOC_URI = "urn:solidarity:openapi"


class Checker:
    """Validates responses against the operation they came from; remembers coverage."""

    def __init__(self, node: Node, doc: dict[str, Any]) -> None:
        self.node = node
        self.doc = doc
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)
        self.seen: set[tuple[str, str, str]] = set()

    async def __call__(
        self,
        method: str,
        template: str,
        path: str,
        body: Any = None,
        role: Role | None = Role.COORDINATOR,
    ) -> Any:
        response = await self.node.client.request(
            method, path, json=body, headers=self.node.headers(role)
        )
        status = str(response.status)
        operation = self.doc["paths"][template][method.lower()]
        assert status in operation["responses"], (
            f"{method} {template} answered undocumented {status}"
        )
        spec = operation["responses"][status]
        self.seen.add((method.lower(), template, status))
        if "content" not in spec:
            assert response.content_length in (None, 0)
            return None
        ((media_type, content),) = spec["content"].items()
        assert response.content_type == media_type
        data = await response.json()
        pointer = content["schema"]["$ref"].removeprefix("#")
        schema = {"$ref": f"{DOC_URI}#{pointer}"}
        Draft202012Validator(schema, registry=self.registry).validate(data)
        return data


async def test_document_is_valid_openapi_31(node: Node) -> None:
    doc = await node.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    create = doc["paths"]["/api/v1/offers"]["post"]["requestBody"]["content"]["application/json"]
    assert create["schema"] == {"$ref": "#/components/schemas/ItemCreate"}
    required = doc["components"]["schemas"]["ItemCreate"]["required"]
    assert set(required) == {"title", "category"}


async def test_every_endpoint_answers_as_documented(node: Node) -> None:
    doc = await node.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    check = Checker(node, doc)
    account = {"username": "ana", "password": "correct horse battery", "role": "coordinator"}
    await check("POST", "/api/v1/accounts", "/api/v1/accounts", account, role=Role.ADMIN)
    await check("POST", "/api/v1/accounts", "/api/v1/accounts", account, role=Role.ADMIN)  # 409
    await check("POST", "/api/v1/accounts", "/api/v1/accounts", account)  # 403
    await check(
        "POST",
        "/api/v1/tokens",
        "/api/v1/tokens",
        {"username": "ana", "password": "correct horse battery"},
        role=None,
    )
    await check(
        "POST",
        "/api/v1/tokens",
        "/api/v1/tokens",
        {"username": "ana", "password": "nope"},
        role=None,
    )
    await check("GET", "/api/v1/node", "/api/v1/node", role=None)
    await check("GET", "/api/v1/categories", "/api/v1/categories", role=None)
    for kind in ("offers", "requests"):
        base, one = f"/api/v1/{kind}", f"/api/v1/{kind}/{{id}}"
        item = await check(
            "POST",
            base,
            base,
            {
                "title": "Blankets",
                "category": "household",
                "draft": True,
                "location": {"latitude": 1.5, "longitude": 2.5},
                "private": {"contact": "Ana"},
            },
        )
        await check("POST", base, base, {"title": ""})  # 422
        await check("POST", base, base, {"title": "x", "category": "food"}, role=None)  # 401
        path = f"{base}/{item['id']}"
        await check("GET", one, path)
        await check("GET", one, f"{base}/missing", role=None)  # 404
        await check("POST", f"{one}/publish", f"{path}/publish")
        await check("POST", f"{one}/publish", f"{path}/publish")  # 409
        await check("PATCH", one, path, {"urgency": "within-3-5-days"})
        await check("PATCH", one, path, {"urgency": "whenever"})  # 422
        await check("GET", base, f"{base}?category=household&near=1.5,2.5", role=None)
        await check("GET", base, f"{base}?limit=0")  # 422
        await check("POST", f"{one}/renew", f"{path}/renew", {})
        await check("POST", f"{one}/close", f"{path}/close", {"reason": "referred"})
        await check("POST", f"{one}/close", f"{path}/close", {"reason": "referred"})  # 409
        await check("POST", f"{one}/renew", f"{path}/renew", {})  # 409
        await check("DELETE", one, path)
        await check("DELETE", one, path)  # 404
    # Operations that need peers are exercised against real nodes in tests/e2e.
    # Notifications need an account's token: tests/notifications/test_api_documented.py.
    federated = (
        "/api/v1/admin",
        "/api/v1/relays",
        "/api/v1/claims",
        "/api/v1/feed",
        "/api/v1/matches",
        "/api/v1/notifications",
    )
    operations = {
        (m, p)
        for p, ops in doc["paths"].items()
        for m in ops
        if not p.startswith(federated) and not p.endswith(("/matches", "/refer"))
    }
    covered = {(m, p) for m, p, status in check.seen if status.startswith("2")}
    assert operations == covered, f"not exercised: {operations - covered}"
