"""Typed errors of the node, each mapped to one RFC 9457 problem response.

Services raise these; the problem middleware turns them into
``application/problem+json`` with the status, a stable reason code and, for
validation failures, a list of field-level errors.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class NodeError(Exception):
    """Root of every error the node raises on purpose."""

    status = 400
    title = "Bad request"
    reason = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        reason: str | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        if reason is not None:
            self.reason = reason


class BadRequest(NodeError):
    pass


class Unauthorized(NodeError):
    status = 401
    title = "Unauthorized"
    reason = "unauthorized"


class Forbidden(NodeError):
    status = 403
    title = "Forbidden"
    reason = "forbidden"


class NotFound(NodeError):
    status = 404
    title = "Not found"
    reason = "not-found"


class Conflict(NodeError):
    status = 409
    title = "Conflict"
    reason = "conflict"


class PayloadTooLarge(NodeError):
    status = 413
    title = "Payload too large"
    reason = "body-too-large"


class UnsupportedMediaType(NodeError):
    status = 415
    title = "Unsupported media type"
    reason = "unsupported-media-type"


class Unprocessable(NodeError):
    status = 422
    title = "Unprocessable content"
    reason = "validation-failed"
