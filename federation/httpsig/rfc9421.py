"""RFC 9421 HTTP Message Signatures: ``Signature-Input`` and ``Signature``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from federation.httpsig.algorithms import RFC9421_ALGORITHMS, sign_ed25519, sign_rsa_sha256
from federation.httpsig.components import component_values
from federation.httpsig.digest import check_content_digest, check_digest, content_digest_header
from federation.httpsig.message import (
    Headers,
    HeaderSource,
    HttpRequest,
    is_safe_value,
    parse_target,
)
from federation.httpsig.policy import (
    Coverage,
    VerificationPolicy,
    check_coverage,
    check_expires,
    check_window,
    from_timestamp,
    parse_http_date,
    require_aware,
)
from federation.httpsig.reasons import Reason, fail
from federation.httpsig.records import Candidate
from federation.httpsig.structured_fields import (
    BareItem,
    InnerList,
    Item,
    Params,
    StructuredFieldError,
    is_key,
    param,
    parse_dictionary,
    serialize_bare_item,
    serialize_inner_list,
    serialize_item,
)

_INT_PARAMS = frozenset({"created", "expires"})
_STR_PARAMS = frozenset({"keyid", "alg", "nonce", "tag"})


@dataclass(frozen=True)
class Rfc9421Signature:
    """One labelled signature: its covered components, parameters and bytes."""

    label: str
    components: tuple[Item, ...]
    params: Params
    signature: bytes


def parse_signatures(headers: Headers) -> list[Rfc9421Signature]:
    """Pair up ``Signature-Input`` and ``Signature`` members by label."""
    inputs_text = headers.combined("signature-input")
    signatures_text = headers.combined("signature")
    if inputs_text is None:
        raise fail(Reason.SIGNATURE_MISSING, "no Signature-Input header")
    if signatures_text is None:
        raise fail(Reason.SIGNATURE_MALFORMED, "Signature-Input without Signature")
    try:
        inputs = parse_dictionary(inputs_text)
        signatures = dict(parse_dictionary(signatures_text))
    except StructuredFieldError as error:
        raise fail(Reason.SIGNATURE_MALFORMED, f"signature headers: {error}") from error
    if not inputs:
        raise fail(Reason.SIGNATURE_MALFORMED, "Signature-Input is empty")
    if {label for label, _ in inputs} != set(signatures):
        raise fail(Reason.SIGNATURE_MALFORMED, "Signature-Input and Signature labels differ")
    return [_one(label, member, signatures[label]) for label, member in inputs]


def _one(label: str, member: Item | InnerList, signature: Item | InnerList) -> Rfc9421Signature:
    if not isinstance(member, InnerList):
        raise fail(Reason.SIGNATURE_MALFORMED, f"Signature-Input {label} is not an inner list")
    if any(not isinstance(item.value, str) for item in member.items):
        raise fail(Reason.SIGNATURE_MALFORMED, f"{label}: component identifiers must be strings")
    for name, value in member.params:
        _check_param(label, name, value)
    if not isinstance(signature, Item) or not isinstance(signature.value, bytes):
        raise fail(Reason.SIGNATURE_MALFORMED, f"Signature {label} is not a byte sequence")
    if not signature.value:
        raise fail(Reason.SIGNATURE_MALFORMED, f"Signature {label} is empty")
    return Rfc9421Signature(label, member.items, member.params, signature.value)


def _check_param(label: str, name: str, value: BareItem) -> None:
    if name in _INT_PARAMS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise fail(
                Reason.SIGNATURE_MALFORMED, f"{label}: {name} must be a non-negative integer"
            )
        from_timestamp(value, f"{label}: {name}")  # in datetime's range, or malformed
    if name in _STR_PARAMS and (not isinstance(value, str) or not value):
        raise fail(Reason.SIGNATURE_MALFORMED, f"{label}: {name} must be a non-empty string")


def signature_base(request: HttpRequest, components: Sequence[Item], params: Params) -> bytes:
    """Build the signature base (RFC 9421 section 2.5) of ``request``."""
    try:
        target = parse_target(request.url)
    except ValueError as error:
        raise fail(Reason.SIGNATURE_MALFORMED, "the request URL is not absolute") from error
    lines = []
    seen: set[tuple[BareItem, frozenset[tuple[str, BareItem]]]] = set()
    for item in components:
        identity = (item.value, frozenset(item.params))
        if identity in seen or item.value == "@signature-params":
            raise fail(Reason.SIGNATURE_MALFORMED, f"component {item.value!r} repeated or reserved")
        seen.add(identity)
        if isinstance(item.value, str) and item.value != item.value.lower():
            raise fail(Reason.SIGNATURE_MALFORMED, f"component {item.value!r} is not lower-case")
        for value in component_values(request, target, item):
            if not is_safe_value(value):
                raise fail(Reason.SIGNATURE_MALFORMED, f"{item.value!r} has uncoverable characters")
            lines.append(f"{serialize_item(item)}: {value}")
    try:
        signature_params = serialize_inner_list(InnerList(tuple(components), params))
    except StructuredFieldError as error:
        raise fail(Reason.SIGNATURE_MALFORMED, f"signature parameters: {error}") from error
    lines.append(f'"@signature-params": {signature_params}')
    return "\n".join(lines).encode("ascii")


def prepare_rfc9421(
    request: HttpRequest, sig: Rfc9421Signature, now: datetime, policy: VerificationPolicy
) -> Candidate:
    """Run every check that needs no key; return what the key must verify."""
    alg = param(sig.params, "alg")
    if alg is not None and alg not in RFC9421_ALGORITHMS:
        raise fail(Reason.ALGORITHM_UNSUPPORTED, f"{sig.label}: alg {alg!r} is not supported")
    key_id = param(sig.params, "keyid")
    if not isinstance(key_id, str):
        raise fail(Reason.SIGNATURE_MALFORMED, f"{sig.label}: keyid is required")
    try:
        target = parse_target(request.url)
    except ValueError as error:
        raise fail(Reason.SIGNATURE_MALFORMED, "the request URL is not absolute") from error
    message = signature_base(request, sig.components, sig.params)
    created = param(sig.params, "created")
    names = {item.value for item in sig.components if not item.params}
    by_path = "@path" in names and ("@query" in names or not target.query)
    coverage = Coverage(
        method_and_target="@method" in names
        and ("@target-uri" in names or "@request-target" in names or by_path),
        host=bool(names & {"@authority", "@target-uri", "host"}),
        time=created is not None or "date" in names,
        digest=bool(names & {"content-digest", "digest"}),
    )
    digest_present = "digest" in request.headers or "content-digest" in request.headers
    check_coverage(
        coverage, expects_body=request.expects_body, digest_present=digest_present, policy=policy
    )
    created_at = _check_times(request, sig, names, now, policy)
    if "content-digest" in names:
        check_content_digest(request.headers.combined("content-digest") or "", request.body)
    if "digest" in names:
        check_digest(request.headers.combined("digest") or "", request.body)
    declared = alg if isinstance(alg, str) else None
    return Candidate("rfc9421", key_id, declared, message, sig.signature, created_at)


def _check_times(
    request: HttpRequest,
    sig: Rfc9421Signature,
    names: set[BareItem],
    now: datetime,
    policy: VerificationPolicy,
) -> datetime | None:
    created_at: datetime | None = None
    expires = param(sig.params, "expires")
    if isinstance(expires, int):
        check_expires(from_timestamp(expires, "expires"), now)
    created = param(sig.params, "created")
    if isinstance(created, int):
        created_at = from_timestamp(created, "created")
        check_window(created_at, now, policy, "created")
    if "date" in names:
        moment = parse_http_date(request.headers.combined("date") or "")
        check_window(moment, now, policy, "Date")
        created_at = created_at or moment
    return created_at


def sign_rfc9421(
    method: str,
    url: str,
    headers: HeaderSource,
    body: bytes,
    key_id: str,
    private_key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey,
    now: datetime,
    *,
    label: str = "sig1",
    expires: datetime | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Sign a request; return Content-Digest (with a body), Signature-Input and Signature.

    Covers ``"@method" "@target-uri" "@authority"`` and ``"content-digest"``
    when the request has a body (or is a POST); parameters ``created``,
    ``keyid`` and ``alg`` (``ed25519``, or ``rsa-v1_5-sha256`` for an RSA key).
    """
    require_aware(now)
    if not is_key(label):
        raise ValueError(f"invalid signature label {label!r}")
    for text in (key_id, nonce or "-"):
        serialize_bare_item(text)  # raises StructuredFieldError (a ValueError) if unquotable
    base = Headers(headers)
    request = HttpRequest(method, url, base, body)
    out: dict[str, str] = {}
    components = ["@method", "@target-uri", "@authority"]
    if request.expects_body:
        out["Content-Digest"] = content_digest_header(body)
        components.append("content-digest")
    alg = "ed25519" if isinstance(private_key, ed25519.Ed25519PrivateKey) else "rsa-v1_5-sha256"
    params: list[tuple[str, BareItem]] = [("created", int(now.timestamp()))]
    if expires is not None:
        params.append(("expires", int(expires.timestamp())))
    params += [("keyid", key_id), ("alg", alg)]
    if nonce is not None:
        params.append(("nonce", nonce))
    items = tuple(Item(name) for name in components)
    kept = [(name, value) for name, value in base if name != "content-digest"]
    signed = HttpRequest(method, url, Headers([*kept, *out.items()]), body)
    message = signature_base(signed, items, tuple(params))
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        raw = sign_ed25519(private_key, message)
    else:
        raw = sign_rsa_sha256(private_key, message)
    out["Signature-Input"] = f"{label}={serialize_inner_list(InnerList(items, tuple(params)))}"
    out["Signature"] = f"{label}={serialize_bare_item(raw)}"
    return out
