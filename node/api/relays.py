"""Handlers for relaying peers' items (coalitions re-sharing a member's offer)."""

from __future__ import annotations

from node.ap.routes import FEDERATION
from node.api.endpoints import Call, Endpoint
from schemas.api import RelayIn, RelayOut
from schemas.vocab import Role


async def relay(call: Call) -> RelayOut:
    assert call.principal is not None
    federation = call.request.app[FEDERATION]
    announce = await federation.relay.announce(call.body_as(RelayIn).id, who=call.principal.name)
    return RelayOut(activity_id=announce)


def relay_endpoints() -> list[Endpoint]:
    return [
        Endpoint("POST", "/api/v1/relays", relay, "relayItem",
                 "Relay a peer's offer or request to our followers, with its origin proof",
                 RelayOut, 201, body=RelayIn, role=Role.COORDINATOR,
                 errors=(400, 401, 403, 404, 409, 413, 415, 422)),
    ]  # fmt: skip
