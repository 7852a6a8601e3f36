"""RFC 9457 problem responses, in one middleware (for the API and federation's refusals
alike), and the request body guard."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from federation.errors import FederationError
from federation.inbox import RateLimited
from node.errors import (
    BadRequest,
    FieldError,
    NodeError,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)
from schemas.api import FieldProblem, Problem

log = logging.getLogger("solidarity.api")
PROBLEM_TYPE = "application/problem+json"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def problem_response(
    status: int, title: str, detail: str, reason: str, errors: list[FieldError] | None = None
) -> web.Response:
    body = Problem(
        title=title,
        status=status,
        detail=detail,
        reason=reason,
        errors=[FieldProblem(field=e.field, message=e.message) for e in errors or []],
    )
    return web.Response(status=status, text=body.model_dump_json(), content_type=PROBLEM_TYPE)


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except NodeError as error:
        log.info(
            "rejected %s %s status=%d reason=%s",
            request.method,
            request.path,
            error.status,
            error.reason,
        )
        response = problem_response(
            error.status, error.title, error.detail, error.reason, error.errors
        )
        if error.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="solidarity"'
        return response
    except FederationError as error:  # from the inbox and the other federation routes
        log.info(
            "rejected %s %s status=%d reason=%s",
            request.method,
            request.path,
            error.status,
            error.reason,
        )
        response = problem_response(error.status, "Refused", error.detail, error.reason)
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    except web.HTTPException as error:
        if error.status < 400:
            raise
        reason = "body-too-large" if error.status == 413 else f"http-{error.status}"
        log.info(
            "rejected %s %s status=%d reason=%s", request.method, request.path, error.status, reason
        )
        response = problem_response(error.status, error.reason, error.text or error.reason, reason)
        for name in ("Allow", "Retry-After"):
            if name in error.headers:
                response.headers[name] = error.headers[name]
        return response


def validation_errors(error: ValidationError) -> list[FieldError]:
    """Field-level messages, without echoing the rejected input back."""
    return [
        FieldError(".".join(str(part) for part in e["loc"]) or "body", e["msg"])
        for e in error.errors(include_input=False, include_url=False)
    ]


async def read_json(request: web.Request, limit: int) -> Any:
    """The request's JSON body: 415, 413 (before reading) and 400 on bad input."""
    if request.content_type != "application/json" and not request.content_type.endswith("+json"):
        raise UnsupportedMediaType(
            f"Send application/json, not {request.content_type or 'nothing'}."
        )
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"The body is over the limit of {limit} bytes.")
    raw = await request.read()
    if len(raw) > limit:
        raise PayloadTooLarge(f"The body is over the limit of {limit} bytes.")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise BadRequest("The body is not valid JSON.", reason="json-malformed") from error


def unprocessable(error: ValidationError, what: str) -> Unprocessable:
    return Unprocessable(f"The {what} is not valid.", errors=validation_errors(error))
