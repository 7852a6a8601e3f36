"""Handlers for suggested matches, and the one action that tells the other group."""

from __future__ import annotations

from node.ap.matches import notify_match
from node.api.claims import claim_out
from node.api.endpoints import Call, Endpoint
from node.domain.suggestions import Suggestion
from schemas.coalition import ClaimOut, MatchList, MatchOut, NotifyMatch, OriginOut
from schemas.vocab import Purpose, Role


def match_out(found: Suggestion) -> MatchOut:
    theirs = found.theirs
    return MatchOut(
        ours=found.ours.id,
        theirs=theirs.id,
        theirs_title=theirs.title,
        theirs_origin=OriginOut(
            actor=theirs.origin_actor, name=theirs.origin_name, local=theirs.local
        ),
        score=round(found.match.score, 4),
        factors=dict(found.match.factors),
        explanations=dict(found.match.explanations),
        distance_km=found.match.distance_km,
    )


async def our_matches(call: Call) -> MatchList:
    found = await call.services.suggestions.for_our_items()
    return MatchList(matches=[match_out(f) for f in found])


async def item_matches(call: Call) -> MatchList:
    url = call.services.settings.uris.item(call.kind, call.match("id"))
    found = await call.services.suggestions.for_item(url)
    return MatchList(matches=[match_out(f) for f in found])


async def notify(call: Call) -> ClaimOut:
    """Tell the other group: claim their offer for our request, or offer to meet their
    request with ours, for as much as the match covers."""
    body = call.body_as(NotifyMatch)
    assert call.principal is not None
    claim = await notify_match(
        call.services,
        call.services.claims,
        body.ours,
        body.theirs,
        who=call.principal.name,
    )
    return claim_out(claim)


def match_endpoints() -> list[Endpoint]:
    endpoints = [
        Endpoint(
            "GET",
            "/api/v1/matches",
            our_matches,
            "listMatches",
            "Suggested matches for our open requests and offers, urgent needs first",
            MatchList,
            role=Role.COORDINATOR,
            errors=(401, 403),
        ),
        Endpoint(
            "POST",
            "/api/v1/matches/notify",
            notify,
            "notifyMatch",
            "Tell the other group about a match (sends them a claim)",
            ClaimOut,
            201,
            body=NotifyMatch,
            role=Role.COORDINATOR,
            errors=(400, 401, 403, 404, 413, 415, 422, 502),
        ),
    ]
    for purpose in Purpose:
        endpoints.append(
            Endpoint(
                "GET",
                f"/api/v1/{purpose.value}s/{{id}}/matches",
                item_matches,
                f"match{purpose.value.capitalize()}",
                f"The best matches for one of our {purpose.value}s, each factor explained",
                MatchList,
                role=Role.COORDINATOR,
                purpose=purpose,
                errors=(401, 403, 404),
            )
        )
    return endpoints
