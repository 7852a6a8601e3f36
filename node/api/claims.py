"""Handlers for /api/v1/claims: claim a peer's item, answer claims on ours."""

from __future__ import annotations

from datetime import timedelta

from node.api.endpoints import Call, Endpoint
from node.domain.claims import ClaimService
from node.domain.records import Claim
from node.errors import NotFound
from schemas.coalition import ClaimAnswer, ClaimCreate, ClaimList, ClaimOut, ClaimQuery
from schemas.vocab import Role


def claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut(
        id=claim.id,
        direction=claim.direction,
        item=claim.item_id,
        counterparty=claim.counterparty,
        quantity=claim.quantity,
        unit=claim.unit,
        state=claim.state,
        hold_until=claim.hold_until,
        agreement=claim.agreement_id,
        reason=claim.reason,
        note=claim.note,
        created_at=claim.created_at,
        updated_at=claim.updated_at,
    )


def _claims(call: Call) -> ClaimService:
    return call.services.claims


def _who(call: Call) -> str:
    assert call.principal is not None
    return call.principal.name


async def create_claim(call: Call) -> ClaimOut:
    body = call.body_as(ClaimCreate)
    claim = await _claims(call).claim(body.item, body.quantity, note=body.note, who=_who(call))
    return claim_out(claim)


async def list_claims(call: Call) -> ClaimList:
    query = call.query_as(ClaimQuery)
    claims = await call.services.claim_views.find(query.direction, query.state)
    return ClaimList(claims=[claim_out(claim) for claim in claims])


async def get_claim(call: Call) -> ClaimOut:
    claim = await call.services.claim_views.get(call.match("id"))
    if claim is None:
        raise NotFound("No such claim.", reason="claim-not-found")
    return claim_out(claim)


async def _answer(call: Call, answer: str) -> ClaimOut:
    body = call.body_as(ClaimAnswer)
    claim = await _claims(call).answer(
        call.match("id"),
        answer,
        who=_who(call),
        reason=body.reason,
        hold=timedelta(hours=body.hold_hours),
    )
    return claim_out(claim)


async def accept_claim(call: Call) -> ClaimOut:
    return await _answer(call, "accept")


async def hold_claim(call: Call) -> ClaimOut:
    return await _answer(call, "tentative")


async def reject_claim(call: Call) -> ClaimOut:
    return await _answer(call, "reject")


async def withdraw_claim(call: Call) -> ClaimOut:
    return claim_out(await _claims(call).withdraw(call.match("id"), who=_who(call)))


async def confirm_claim(call: Call) -> ClaimOut:
    return claim_out(await _claims(call).confirm(call.match("id"), who=_who(call)))


def claim_endpoints() -> list[Endpoint]:
    base, one, role = "/api/v1/claims", "/api/v1/claims/{id}", Role.COORDINATOR
    bad = (400, 401, 403, 404, 409, 413, 415, 422)
    return [
        Endpoint(
            "POST",
            base,
            create_claim,
            "createClaim",
            "Claim part of a peer's offer, or offer to meet its request",
            ClaimOut,
            201,
            body=ClaimCreate,
            role=role,
            errors=(*bad, 502),
        ),
        Endpoint(
            "GET",
            base,
            list_claims,
            "listClaims",
            "Claims on our items and ours on others",
            ClaimList,
            query=ClaimQuery,
            role=role,
            errors=(401, 403, 422),
        ),
        Endpoint(
            "GET",
            one,
            get_claim,
            "getClaim",
            "One claim",
            ClaimOut,
            role=role,
            errors=(401, 403, 404),
        ),
        Endpoint(
            "POST",
            f"{one}/accept",
            accept_claim,
            "acceptClaim",
            "Accept a claim on our item (lowers what is available)",
            ClaimOut,
            body=ClaimAnswer,
            role=role,
            errors=bad,
        ),
        Endpoint(
            "POST",
            f"{one}/hold",
            hold_claim,
            "holdClaim",
            "Tentatively accept a claim: hold the quantity while pickup is arranged",
            ClaimOut,
            body=ClaimAnswer,
            role=role,
            errors=bad,
        ),
        Endpoint(
            "POST",
            f"{one}/reject",
            reject_claim,
            "rejectClaim",
            "Reject a claim on our item, with a reason",
            ClaimOut,
            body=ClaimAnswer,
            role=role,
            errors=bad,
        ),
        Endpoint(
            "POST",
            f"{one}/withdraw",
            withdraw_claim,
            "withdrawClaim",
            "Withdraw our claim",
            ClaimOut,
            role=role,
            errors=(401, 403, 404, 409),
        ),
        Endpoint(
            "POST",
            f"{one}/confirm",
            confirm_claim,
            "confirmClaim",
            "Record the handover of an accepted claim",
            ClaimOut,
            role=role,
            errors=(401, 403, 404, 409),
        ),
    ]
