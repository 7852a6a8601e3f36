"""Receiving an activity: verify, check the actor, ask the trust policy, persist.

The HTTP handler calls :meth:`InboxReceiver.receive` with the raw request; every
check here runs before any side effect, and the only side effect is one row
in the inbox queue. The caller answers 202 on success (duplicates included).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any

from federation.errors import FederationError, SignatureError
from federation.hosts import id_host, peer_host
from federation.httpsig import DEFAULT_POLICY, HttpRequest, KeyResolver, VerificationPolicy
from federation.httpsig import verify_request as verify_signature
from federation.metrics import INBOX_ACCEPTED, INBOX_REJECTED
from federation.ports import InboundActivity, InboxStore
from federation.ratelimit import RateLimiter
from schemas.wire.base import strict_id_of

log = logging.getLogger("solidarity.inbox")

QUIET = 0.01  # seconds without an activity before the receiver counts as idle
JSON_TYPES = frozenset({"application/activity+json", "application/ld+json", "application/json"})

TrustCheck = Callable[[str], Awaitable[str | None]]
"""``refusal(host)``: why this peer may not post here (a reason code), or None."""


class InboxError(FederationError):
    status = 400
    reason = "activity-malformed"


class RateLimited(FederationError):
    status = 429
    reason = "rate-limited"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


@dataclass(frozen=True)
class InboxLimits:
    max_body: int = 256 * 1024
    max_depth: int = 32
    max_recipients: int = 1000


_CONTAINERS = frozenset({dict, list})


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of parsed JSON, level by level, stopping past ``limit``."""
    if type(value) is not dict and type(value) is not list:
        return 1
    level = [value]
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return depth
        level = [
            child
            for node in level
            for child in (node.values() if node.__class__ is dict else node)
            if child.__class__ in _CONTAINERS
        ]
    return depth


AS_CONTEXTS = frozenset(
    {
        "https://www.w3.org/ns/activitystreams",
        "http://www.w3.org/ns/activitystreams",
        "https://www.w3.org/ns/activitystreams.jsonld",
        "as",
    }
)


def defines_activitystreams(context: Any) -> bool:
    """Unknown context URLs are never fetched, so their terms stay undefined: the
    document must bring ActivityStreams itself (absent @context means AS, as is usual)."""
    if context is None:
        return True
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, str) and entry.rstrip("#/") in AS_CONTEXTS:
            return True
        if isinstance(entry, dict) and str(entry.get("@vocab", "")).rstrip("#/") in AS_CONTEXTS:
            return True
    return False


def parse_activity(body: bytes, limits: InboxLimits) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise InboxError("the body is not valid JSON", reason="json-malformed") from error
    if not isinstance(document, dict):
        raise InboxError("an activity must be a JSON object")
    # Every level opens a bracket, so a body with few brackets (strings' included) is
    # shallow enough without walking it: a byte count runs at memory speed.
    brackets = body.count(b"{") + body.count(b"[")
    if brackets > limits.max_depth and _depth(document, limits.max_depth) > limits.max_depth:
        raise InboxError("the activity is nested too deeply", reason="json-too-deep")
    for field in ("to", "cc", "bto", "bcc", "audience"):
        value = document.get(field)
        if isinstance(value, list) and len(value) > limits.max_recipients:
            raise InboxError(f"too many recipients in {field}", reason="too-many-recipients")
    if not defines_activitystreams(document.get("@context")):
        raise InboxError(
            "the @context defines no ActivityStreams terms, and unknown contexts are not fetched",
            reason="context-unresolvable",
            status=422,
        )
    if not isinstance(document.get("id"), str) or not isinstance(document.get("type"), str):
        raise InboxError("an activity needs a string id and type")
    if strict_id_of(document.get("actor")) is None:
        raise InboxError("an activity needs an actor")
    return document


@dataclass
class InboxReceiver:
    resolve_key: KeyResolver
    store: InboxStore
    trust: TrustCheck
    now: Callable[[], datetime]
    limits: InboxLimits = InboxLimits()
    policy: VerificationPolicy = DEFAULT_POLICY
    rate_limiter: RateLimiter | None = None
    _receiving: int = dataclass_field(default=0, init=False, repr=False)
    _last_received: float = dataclass_field(default=0.0, init=False, repr=False)

    @property
    def busy(self) -> bool:
        """Whether activities are being received: one right now, or one within the last
        QUIET seconds (the worker lets them go first, and waits for a real lull rather
        than the instant between two)."""
        return self._receiving > 0 or time.monotonic() - self._last_received < QUIET

    async def receive(self, inbox: str, request: HttpRequest) -> bool:
        """Accept one activity; True if new, False if a duplicate. Raises FederationError."""
        self._receiving += 1
        try:
            accepted = await self._receive(inbox, request)
        except FederationError as error:
            INBOX_REJECTED.labels(reason=error.reason).inc()
            log.info(
                "inbox rejected status=%d reason=%s detail=%s",
                error.status,
                error.reason,
                error.detail,
            )
            raise
        finally:
            self._receiving -= 1
            self._last_received = time.monotonic()
        INBOX_ACCEPTED.inc()
        return accepted

    async def _receive(self, inbox: str, request: HttpRequest) -> bool:
        if len(request.body) > self.limits.max_body:
            raise InboxError("the body is too large", reason="body-too-large", status=413)
        document = parse_activity(request.body, self.limits)
        actor = strict_id_of(document["actor"])
        assert actor is not None
        try:
            actor_host, activity_host = peer_host(actor), id_host(document["id"], actor)
        except ValueError as error:
            raise InboxError("the actor or activity id is not a URL") from error
        if self.rate_limiter is not None:
            wait = self.rate_limiter.take(actor_host, self.now())
            if wait is not None:
                raise RateLimited(f"too many activities from {actor_host}", retry_after=wait)
        refusal = await self.trust(actor_host)
        if refusal is not None:
            raise FederationError("this peer may not post here", reason=refusal, status=403)
        verified = await verify_signature(
            request, self.resolve_key, now=self.now(), policy=self.policy
        )
        if verified.owner != actor:
            raise SignatureError(
                "the signing key does not belong to the activity's actor",
                reason="key-owner-mismatch",
            )
        if activity_host != actor_host:
            raise FederationError(
                "the activity id is on another host than its actor",
                reason="activity-origin-mismatch",
                status=403,
            )
        activity = InboundActivity(
            inbox=inbox,
            activity_id=document["id"],
            actor_id=actor,
            type=document["type"],
            body=request.body.decode(),
            key_id=verified.key_id,
        )
        del document  # not kept alive (hundreds of objects) while the row waits for its commit
        return await self.store.persist(activity, self.now())
