"""Authorized fetch: who is asking, and may they see it?

A GET may carry an HTTP signature. A signature whose key lives on a blocked
host is refused at once, before any key fetch. For anything not public (and
for everything in "secure" mode) the signature is verified, and the
requester's host must be allowed by the trust policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiohttp import web

from federation.errors import FederationError, SignatureError
from federation.hosts import peer_host
from federation.httpsig import Headers, HttpRequest, verify_request
from node.ap.wiring import Federation
from node.services import Services
from schemas.vocab import Visibility

_KEY_ID = re.compile(r'keyid="([^"]+)"', re.IGNORECASE)


@dataclass(frozen=True)
class Requester:
    actor: str
    host: str


def claimed_key_host(request: web.Request) -> str | None:
    """The host of the key a signature names, unverified (cheap; for refusals only)."""
    header = request.headers.get("Signature-Input") or request.headers.get("Signature") or ""
    found = _KEY_ID.search(header)
    if found is None:
        return None
    try:
        return peer_host(found.group(1))
    except ValueError:
        return None


async def refuse_blocked(request: web.Request, services: Services) -> None:
    host = claimed_key_host(request)
    if host is not None and await services.trust.refusal(host) == "peer-blocked":
        raise FederationError("this peer is blocked", reason="peer-blocked", status=403)


async def requester(
    request: web.Request, services: Services, federation: Federation
) -> Requester | None:
    """The verified requester of a signed GET, or None when the GET is unsigned."""
    await refuse_blocked(request, services)
    if "Signature" not in request.headers and "Signature-Input" not in request.headers:
        return None
    message = HttpRequest(
        request.method,
        services.settings.uris.received(request.host, request.path_qs),
        Headers(list(request.headers.items())),
        b"",
    )
    verified = await verify_request(
        message, federation.key_directory.resolve, now=services.clock.now()
    )
    return Requester(actor=verified.owner, host=peer_host(verified.owner))


async def require_reader(
    request: web.Request, services: Services, federation: Federation, visibility: Visibility
) -> None:
    """Raise unless the requester may see something with this visibility."""
    try:
        who = await requester(request, services, federation)
    except SignatureError:
        # A signature we cannot check (say, the signer's node is offline) on a public
        # resource counts as no signature, unless the node requires signed fetches.
        if visibility is not Visibility.PUBLIC or (await services.trust.policy()).secure:
            raise
        who = None
    host = who.host if who else None
    follower = host is not None and await services.publication.has_follower_on(host)
    if await services.trust.may_read(host, visibility, follower=follower):
        return
    if who is None:
        raise SignatureError("sign the request to see this", reason="signature-required")
    raise FederationError("not visible to this peer", reason="not-authorized", status=403)
