"""Telling the other group about a suggested match: one claim for what the match covers.

Shared by the JSON API (``POST /api/v1/matches/notify``) and the dashboard's
"Tell them" button.
"""

from __future__ import annotations

from node.domain.claims import ClaimService
from node.domain.records import Claim
from node.domain.suggestions import Suggestion
from node.errors import Unprocessable
from node.services import Services
from schemas.vocab import Purpose


async def find_match(services: Services, ours: str, theirs: str) -> Suggestion:
    """The suggestion for (our item, their item), which must be another group's."""
    found = [f for f in await services.suggestions.for_item(ours) if f.theirs.id == theirs]
    if not found or found[0].theirs.local:
        raise Unprocessable(
            "That is not a suggested match with another group.", reason="match-unknown"
        )
    return found[0]


def match_quantity(found: Suggestion) -> float:
    """As much as the match covers: the need, up to what is there, in whole steps."""
    ours, theirs = found.ours, found.theirs
    need = ours.available if ours.purpose == Purpose.REQUEST else theirs.available
    have = theirs.available if ours.purpose == Purpose.REQUEST else ours.available
    quantity = min(need or 0, have or 0)
    if theirs.unit_based and theirs.quantity:
        quantity -= quantity % theirs.quantity
    return quantity


async def notify_match(
    services: Services, claims: ClaimService, ours: str, theirs: str, who: str
) -> Claim:
    """Tell the other group: claim their offer for our request, or offer to meet their
    request with ours, for as much as the match covers."""
    found = await find_match(services, ours, theirs)
    quantity = match_quantity(found)
    if quantity <= 0:
        raise Unprocessable("The match leaves nothing to claim.", reason="match-empty")
    return await claims.claim(found.theirs.id, quantity, note=f"match for {found.ours.id}", who=who)
