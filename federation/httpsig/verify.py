"""Inbound verification: pick the scheme, check everything, then ask for the key."""

from __future__ import annotations

from datetime import datetime

from federation.errors import FederationError, SignatureError
from federation.httpsig.algorithms import verify_with_key
from federation.httpsig.cavage import find_signature_header, prepare_cavage
from federation.httpsig.message import HttpRequest
from federation.httpsig.policy import DEFAULT_POLICY, VerificationPolicy, require_aware
from federation.httpsig.reasons import Reason, fail
from federation.httpsig.records import (
    Candidate,
    KeyResolver,
    PublicKeyRecord,
    VerifiedSignature,
)
from federation.httpsig.rfc9421 import parse_signatures, prepare_rfc9421
from federation.refetch import refetch_once

# Failures that a rotated key could cure: worth one lookup that bypasses caches.
_KEY_DEPENDENT = frozenset(
    {
        Reason.SIGNATURE_INVALID.value,
        Reason.KEY_TYPE_MISMATCH.value,
        Reason.KEY_TOO_WEAK.value,
        Reason.ALGORITHM_UNSUPPORTED.value,
    }
)


async def verify_request(
    request: HttpRequest,
    resolve_key: KeyResolver,
    *,
    now: datetime,
    policy: VerificationPolicy = DEFAULT_POLICY,
) -> VerifiedSignature:
    """Verify the request's HTTP signature or raise ``SignatureError``.

    RFC 9421 when ``Signature-Input`` is present, else draft-cavage
    (``Signature`` or ``Authorization: Signature``). Every check that needs no
    key (syntax, coverage, clock, digest) runs before ``resolve_key`` is called.
    The key owner is returned, not compared: that is the caller's job.
    """
    require_aware(now)
    errors: list[SignatureError] = []
    for prepared in _prepare(request, now, policy):
        if isinstance(prepared, SignatureError):
            errors.append(prepared)
            continue
        try:
            return await _verify_candidate(prepared, resolve_key, policy)
        except SignatureError as error:
            errors.append(error)
    raise errors[0]


def _prepare(
    request: HttpRequest, now: datetime, policy: VerificationPolicy
) -> list[Candidate | SignatureError]:
    """Each signature, in header order, checked as far as possible without its key."""
    if "signature-input" in request.headers:
        signatures = parse_signatures(request.headers)
        if len(signatures) > policy.max_signatures:
            raise fail(Reason.SIGNATURE_MALFORMED, f"more than {policy.max_signatures} signatures")
        prepared: list[Candidate | SignatureError] = []
        for sig in signatures:
            try:
                prepared.append(prepare_rfc9421(request, sig, now, policy))
            except SignatureError as error:
                prepared.append(error)
        return prepared
    header = find_signature_header(request.headers)
    if header is None:
        raise fail(Reason.SIGNATURE_MISSING, "the request is not signed")
    return [prepare_cavage(request, header, now, policy)]


async def _verify_candidate(
    candidate: Candidate, resolve_key: KeyResolver, policy: VerificationPolicy
) -> VerifiedSignature:
    # A key that cannot be had is final; a key that does not verify is fetched once more.
    cached = await _resolve(resolve_key, candidate.key_id, refresh=False)

    async def attempt(refresh: bool) -> tuple[PublicKeyRecord, str]:
        record = await _resolve(resolve_key, candidate.key_id, refresh=True) if refresh else cached
        return record, verify_with_key(candidate, record, policy)

    record, algorithm = await refetch_once(attempt, _KEY_DEPENDENT)
    return VerifiedSignature(
        key_id=candidate.key_id,
        owner=record.owner,
        scheme=candidate.scheme,
        algorithm=algorithm,
        created=candidate.created,
    )


async def _resolve(resolve_key: KeyResolver, key_id: str, *, refresh: bool) -> PublicKeyRecord:
    try:
        return await resolve_key(key_id, refresh)
    except SignatureError:
        raise
    except FederationError as error:
        raise fail(Reason.KEY_UNAVAILABLE, f"key {key_id} is unavailable: {error}") from error
