"""draft-cavage-http-signatures-12: the ``Signature`` header the fediverse speaks."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from cryptography.hazmat.primitives.asymmetric import rsa

from federation.httpsig.algorithms import CAVAGE_ALGORITHMS, sign_rsa_sha256
from federation.httpsig.digest import check_content_digest, check_digest, digest_header
from federation.httpsig.message import (
    Headers,
    HeaderSource,
    HttpRequest,
    Target,
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

_PARAM = re.compile(
    r'[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|([^\s",]+))[ \t]*'
)
_CREATED = re.compile(r"\d{1,15}")
_EXPIRES = re.compile(r"\d{1,15}(\.\d{1,9})?")
_KNOWN = ("keyid", "algorithm", "headers", "signature", "created", "expires")


@dataclass(frozen=True)
class CavageSignature:
    """The parsed parameters of a ``Signature`` header."""

    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes
    created: str | None = None
    expires: str | None = None


def find_signature_header(headers: Headers) -> str | None:
    """The ``Signature`` value, else the parameters of ``Authorization: Signature``."""
    value = headers.combined("signature")
    if value is not None:
        return value
    authorization = headers.combined("authorization")
    if authorization is not None:
        scheme, _, rest = authorization.partition(" ")
        if scheme.lower() == "signature":
            return rest
    return None


_ESCAPED = re.compile(r"\\(.)")


def parse_signature_header(value: str) -> CavageSignature:
    """Parse ``keyId="...",algorithm="...",headers="...",signature="..."``.

    Parameter names are matched case-insensitively; a repeated one is malformed.
    """
    params: dict[str, str] = {}
    pos = 0
    while True:
        match = _PARAM.match(value, pos)
        if match is None:
            raise fail(Reason.SIGNATURE_MALFORMED, f"bad Signature parameter at offset {pos}")
        name = match.group(1).lower()
        if name in params:
            raise fail(Reason.SIGNATURE_MALFORMED, f"duplicate Signature parameter {name!r}")
        quoted = match.group(2)
        if quoted is None:
            params[name] = match.group(3)
        else:
            params[name] = _ESCAPED.sub(r"\1", quoted) if "\\" in quoted else quoted
        pos = match.end()
        if pos == len(value):
            break
        if value[pos] != ",":
            raise fail(Reason.SIGNATURE_MALFORMED, f"expected ',' at offset {pos}")
        pos += 1
    return _from_params(params)


def _from_params(params: dict[str, str]) -> CavageSignature:
    for name in _KNOWN:
        if name in params and not params[name].strip():
            raise fail(Reason.SIGNATURE_MALFORMED, f"Signature parameter {name} is empty")
    if "keyid" not in params or "signature" not in params:
        raise fail(Reason.SIGNATURE_MALFORMED, "Signature needs keyId and signature")
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in CAVAGE_ALGORITHMS:
        raise fail(Reason.ALGORITHM_UNSUPPORTED, f"algorithm {algorithm!r} is not supported")
    default = "(created)" if algorithm == "hs2019" else "date"
    names = tuple(params.get("headers", default).lower().split())
    if len(set(names)) != len(names):
        raise fail(Reason.SIGNATURE_MALFORMED, "headers lists a name twice")
    created, expires = params.get("created"), params.get("expires")
    if created is not None and not _CREATED.fullmatch(created):
        raise fail(Reason.SIGNATURE_MALFORMED, "created is not a Unix time")
    if expires is not None and not _EXPIRES.fullmatch(expires):
        raise fail(Reason.SIGNATURE_MALFORMED, "expires is not a Unix time")
    for name, value in (("created", created), ("expires", expires)):
        if value is not None:
            from_timestamp(float(value), name)  # in datetime's range, or malformed
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError as error:  # binascii.Error, or non-ASCII input
        raise fail(Reason.SIGNATURE_MALFORMED, "signature is not base64") from error
    return CavageSignature(params["keyid"], algorithm, names, signature, created, expires)


def signing_string(request: HttpRequest, target: Target, sig: CavageSignature) -> bytes:
    """Build the string the signature covers (draft-cavage-12 section 2.3)."""
    lines = []
    for name in sig.headers:
        value = _component(request, target, sig, name)
        if not is_safe_value(value):
            raise fail(Reason.SIGNATURE_MALFORMED, f"{name} has characters a signature can't cover")
        lines.append(f"{name}: {value}")
    return "\n".join(lines).encode("ascii")


def _component(request: HttpRequest, target: Target, sig: CavageSignature, name: str) -> str:
    if name == "(request-target)":
        return f"{request.method.lower()} {target.request_target}"
    if name in ("(created)", "(expires)"):
        if sig.algorithm != "hs2019":
            raise fail(Reason.SIGNATURE_MALFORMED, f"{name} is not allowed with {sig.algorithm}")
        pseudo = sig.created if name == "(created)" else sig.expires
        if pseudo is None:
            raise fail(Reason.SIGNATURE_MALFORMED, f"{name} is covered but not given")
        return pseudo
    if name.startswith("("):
        raise fail(Reason.COMPONENT_UNSUPPORTED, f"unknown pseudo-header {name}")
    value = request.headers.combined(name)
    if value is None:
        reason = Reason.DIGEST_MISSING if name == "digest" else Reason.COMPONENT_MISSING
        raise fail(reason, f"covered header {name} is absent")
    return value


def prepare_cavage(
    request: HttpRequest, header: str, now: datetime, policy: VerificationPolicy
) -> Candidate:
    """Run every check that needs no key; return what the key must verify."""
    sig = parse_signature_header(header)
    try:
        target = parse_target(request.url)
    except ValueError as error:
        raise fail(Reason.SIGNATURE_MALFORMED, "the request URL is not absolute") from error
    message = signing_string(request, target, sig)
    covered = set(sig.headers)
    coverage = Coverage(
        method_and_target="(request-target)" in covered,
        host="host" in covered,
        time="date" in covered or "(created)" in covered,
        digest="digest" in covered or "content-digest" in covered,
    )
    digest_present = "digest" in request.headers or "content-digest" in request.headers
    check_coverage(
        coverage, expects_body=request.expects_body, digest_present=digest_present, policy=policy
    )
    created = _check_times(request, sig, now, policy)
    if "digest" in covered:
        check_digest(request.headers.combined("digest") or "", request.body)
    if "content-digest" in covered:
        check_content_digest(request.headers.combined("content-digest") or "", request.body)
    return Candidate("draft-cavage", sig.key_id, sig.algorithm, message, sig.signature, created)


def _check_times(
    request: HttpRequest, sig: CavageSignature, now: datetime, policy: VerificationPolicy
) -> datetime | None:
    created: datetime | None = None
    if sig.expires is not None:
        check_expires(from_timestamp(float(sig.expires), "expires"), now)
    if sig.created is not None:
        moment = from_timestamp(int(sig.created), "created")
        check_window(moment, now, policy, "created")
        if "(created)" in sig.headers:
            created = moment
    if "date" in sig.headers:
        moment = parse_http_date(request.headers.combined("date") or "")
        check_window(moment, now, policy, "Date")
        created = created or moment
    return created


def sign_cavage(
    method: str,
    url: str,
    headers: HeaderSource,
    body: bytes,
    key_id: str,
    rsa_private_key: rsa.RSAPrivateKey,
    now: datetime,
) -> dict[str, str]:
    """Sign a request with ``rsa-sha256``; return the headers to set on it.

    Covers ``(request-target) host date``, plus ``digest`` when the request has
    a body (or is a POST) and ``content-type`` when ``headers`` has one. The
    returned Host, Date, Digest and Signature replace any the caller set.
    """
    if not key_id or not is_safe_value(key_id) or '"' in key_id or "\\" in key_id:
        raise ValueError(f"key id cannot be quoted in a Signature header: {key_id!r}")
    require_aware(now)
    target = parse_target(url)
    base = Headers(headers)
    out = {"Host": target.authority, "Date": format_datetime(now.astimezone(UTC), usegmt=True)}
    names = ["(request-target)", "host", "date"]
    request = HttpRequest(method, url, base, body)
    if request.expects_body:
        out["Digest"] = digest_header(body)
        names.append("digest")
    if "content-type" in request.headers:
        names.append("content-type")
    signed = HttpRequest(method, url, Headers([*_without(base, out), *out.items()]), body)
    sig = CavageSignature(key_id, "rsa-sha256", tuple(names), b"")
    raw = sign_rsa_sha256(rsa_private_key, signing_string(signed, target, sig))
    out["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(raw).decode("ascii")}"'
    )
    return out


def _without(headers: Headers, replaced: Mapping[str, str]) -> list[tuple[str, str]]:
    names = {name.lower() for name in replaced}
    return [(name, value) for name, value in headers if name not in names]
