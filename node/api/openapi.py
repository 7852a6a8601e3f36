"""The OpenAPI 3.1 document, generated from the endpoint table and its models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from node.api.endpoints import Endpoint
from node.version import VERSION
from schemas.api import Problem

REF = "#/components/schemas/{model}"
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No content",
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    502: "Bad gateway",
}


def _schemas(endpoints: list[Endpoint]) -> dict[str, Any]:
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {(Problem, "serialization"): None}
    for e in endpoints:
        for model in (e.body, e.query):
            if model is not None:
                wanted[(model, "validation")] = None
        if e.response is not None:
            wanted[(e.response, "serialization")] = None
    _, top = models_json_schema(list(wanted), ref_template=REF)
    defs: dict[str, Any] = top.get("$defs", {})
    return defs


def _parameters(endpoint: Endpoint, defs: dict[str, Any]) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", endpoint.path)
    ]
    if endpoint.query is not None:
        schema = defs[endpoint.query.__name__]
        for name, prop in schema["properties"].items():
            param: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": prop}
            if prop.get("type") == "array":
                param.update(style="form", explode=False)
            params.append(param)
    return params


def _operation(endpoint: Endpoint, defs: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    description = STATUS_TEXT.get(endpoint.status, "OK")
    if endpoint.response is None:
        responses[str(endpoint.status)] = {"description": description}
    else:
        schema = {"$ref": REF.format(model=endpoint.response.__name__)}
        responses[str(endpoint.status)] = {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    problem = {"$ref": REF.format(model="Problem")}
    for status in endpoint.statuses:
        responses[str(status)] = {
            "description": STATUS_TEXT[status],
            "content": {"application/problem+json": {"schema": problem}},
        }
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "responses": responses,
        "security": [{"bearerAuth": []}] if endpoint.role else [{}, {"bearerAuth": []}],
    }
    if endpoint.role is not None:
        operation["description"] = f"Needs a token with the {endpoint.role.value} role or higher."
    params = _parameters(endpoint, defs)
    if params:
        operation["parameters"] = params
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": REF.format(model=endpoint.body.__name__)}}
            },
        }
    return operation


def openapi_document(endpoints: list[Endpoint], server_url: str) -> dict[str, Any]:
    defs = _schemas(endpoints)
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint, defs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Solidarity Node API",
            "version": VERSION,
            "description": "Offers (surplus) and requests (needs) of one mutual-aid group.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
