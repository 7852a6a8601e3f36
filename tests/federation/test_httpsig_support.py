"""Helpers shared by the HTTP signature tests (no tests here).

``cavage_signed`` and ``rfc9421_signed`` sign arbitrary component lists with the
library's own base builders, so a test can produce a *cryptographically valid*
signature that breaks only the acceptance policy.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from functools import cache

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from federation.errors import FederationError
from federation.httpsig import Headers, HttpRequest, PublicKeyRecord
from federation.httpsig.algorithms import sign_ed25519, sign_rsa_sha256
from federation.httpsig.cavage import CavageSignature, signing_string
from federation.httpsig.message import parse_target
from federation.httpsig.rfc9421 import signature_base
from federation.httpsig.structured_fields import (
    BareItem,
    InnerList,
    Item,
    serialize_bare_item,
    serialize_inner_list,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KEY_ID = "https://peer.example/actor#main-key"
OWNER = "https://peer.example/actor"
URL = "https://node.example/actor/inbox"
BODY = b'{"type": "Create", "actor": "https://peer.example/actor"}'
JSON = {"Content-Type": "application/activity+json"}


@cache
def rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@cache
def other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


class Resolver:
    """resolve_key double: serves ``cached`` unless refreshing, then ``fresh``; records calls."""

    def __init__(
        self,
        cached: PublicKeyTypes | None,
        fresh: PublicKeyTypes | None = None,
        *,
        owner: str = OWNER,
        error: FederationError | None = None,
    ) -> None:
        self.cached = cached
        self.fresh = fresh if fresh is not None else cached
        self.owner = owner
        self.error = error
        self.calls: list[tuple[str, bool]] = []

    async def __call__(self, key_id: str, refresh: bool) -> PublicKeyRecord:
        self.calls.append((key_id, refresh))
        if self.error is not None:
            raise self.error
        key = self.fresh if refresh else self.cached
        assert key is not None
        return PublicKeyRecord(key_id, self.owner, key)


def request_with(
    method: str, url: str, headers: dict[str, str] | list[tuple[str, str]], body: bytes = b""
) -> HttpRequest:
    return HttpRequest(method, url, Headers(headers), body)


def http_date(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


def digest_of(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def cavage_signed(
    headers: list[tuple[str, str]],
    names: str,
    *,
    method: str = "POST",
    url: str = URL,
    body: bytes = BODY,
    key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey | None = None,
    algorithm: str = "rsa-sha256",
    created: int | None = None,
    expires: int | None = None,
    key_id: str = KEY_ID,
) -> HttpRequest:
    """A request whose cavage Signature covers exactly ``names``."""
    key = key if key is not None else rsa_key()
    request = request_with(method, url, headers, body)
    sig = CavageSignature(
        key_id,
        algorithm,
        tuple(names.split()),
        b"",
        None if created is None else str(created),
        None if expires is None else str(expires),
    )
    message = signing_string(request, parse_target(url), sig)
    raw = (
        sign_ed25519(key, message)
        if isinstance(key, ed25519.Ed25519PrivateKey)
        else (sign_rsa_sha256(key, message))
    )
    value = f'keyId="{key_id}",algorithm="{algorithm}",headers="{names}"'
    if created is not None:
        value += f",created={created}"
    if expires is not None:
        value += f",expires={expires}"
    value += f',signature="{base64.b64encode(raw).decode()}"'
    return request_with(method, url, [*headers, ("Signature", value)], body)


def rfc9421_signed(
    headers: list[tuple[str, str]],
    components: list[str],
    params: list[tuple[str, BareItem]],
    *,
    method: str = "POST",
    url: str = URL,
    body: bytes = BODY,
    key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey | None = None,
    label: str = "sig1",
) -> HttpRequest:
    """A request whose RFC 9421 signature covers exactly ``components``."""
    key = key if key is not None else ed_key()
    request = request_with(method, url, headers, body)
    items = tuple(Item(name) for name in components)
    message = signature_base(request, items, tuple(params))
    raw = (
        sign_ed25519(key, message)
        if isinstance(key, ed25519.Ed25519PrivateKey)
        else (sign_rsa_sha256(key, message))
    )
    return request_with(
        method,
        url,
        [
            *headers,
            ("Signature-Input", f"{label}={serialize_inner_list(InnerList(items, tuple(params)))}"),
            ("Signature", f"{label}={serialize_bare_item(raw)}"),
        ],
        body,
    )


def replace_header(request: HttpRequest, name: str, value: str | None) -> HttpRequest:
    """The same request with every ``name`` field replaced by ``value`` (or removed)."""
    pairs = [(n, v) for n, v in request.headers if n != name.lower()]
    if value is not None:
        pairs.append((name, value))
    return HttpRequest(request.method, request.url, Headers(pairs), request.body)
