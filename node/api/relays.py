"""Handlers for passing items on: relaying a peer's item, referring our request."""

from __future__ import annotations

from node.api.endpoints import Call, Endpoint
from schemas.api import RelayIn, RelayOut
from schemas.coalition import ReferIn, ReferOut
from schemas.vocab import Purpose, Role


async def relay(call: Call) -> RelayOut:
    assert call.principal is not None
    relays = call.services.relays
    announce = await relays.announce(call.body_as(RelayIn).id, who=call.principal.name)
    return RelayOut(activity_id=announce)


async def refer(call: Call) -> ReferOut:
    assert call.principal is not None
    offer = await call.services.referrals.refer(
        call.match("id"), call.body_as(ReferIn).target, who=call.principal.name
    )
    return ReferOut(activity_id=offer)


def relay_endpoints() -> list[Endpoint]:
    return [
        Endpoint(
            "POST",
            "/api/v1/requests/{id}/refer",
            refer,
            "referRequest",
            "Pass a request on to another group; ours closes as referred",
            ReferOut,
            201,
            body=ReferIn,
            role=Role.COORDINATOR,
            purpose=Purpose.REQUEST,
            errors=(400, 401, 403, 404, 409, 413, 415, 422, 502),
        ),
        Endpoint(
            "POST",
            "/api/v1/relays",
            relay,
            "relayItem",
            "Relay a peer's offer or request to our followers, with its origin proof",
            RelayOut,
            201,
            body=RelayIn,
            role=Role.COORDINATOR,
            errors=(400, 401, 403, 404, 409, 413, 415, 422),
        ),
    ]
