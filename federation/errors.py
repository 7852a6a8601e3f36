"""Typed errors raised by the federation layer.

Every error carries a stable ``reason`` code (logged and counted) and the HTTP
status a handler should answer with. ``node/`` maps these to RFC 9457 problems.
"""

from __future__ import annotations


class FederationError(Exception):
    """Root of every error the federation layer raises on purpose."""

    status: int = 400
    reason: str = "federation-error"

    def __init__(self, detail: str, *, reason: str | None = None, status: int | None = None):
        super().__init__(detail)
        self.detail = detail
        if reason is not None:
            self.reason = reason
        if status is not None:
            self.status = status


class SignatureError(FederationError):
    """An HTTP signature or object proof is missing, malformed or does not verify."""

    status = 401
    reason = "signature-invalid"


class FetchError(FederationError):
    """A remote fetch was refused by policy or failed."""

    status = 502
    reason = "fetch-failed"


class QueueClosed(FederationError):
    """The queue's storage closed under a job (the node is shutting down). The job's
    lease runs out and returns it to the queue, so nothing is lost."""

    status = 503
    reason = "queue-closed"
