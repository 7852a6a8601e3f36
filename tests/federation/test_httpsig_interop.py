"""Round trips against an independent RFC 9421 implementation, ``http-message-signatures``.

Its verifier reads the wall clock (5 s skew), so these tests sign at the real
current time; our library still receives ``now`` as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    InvalidSignature,
    MappingKeyResolver,
    algorithms,
)

from federation.errors import SignatureError
from federation.httpsig import Headers, HttpRequest, sign_rfc9421, verify_request
from tests.federation.test_httpsig_support import (
    BODY,
    KEY_ID,
    OWNER,
    URL,
    Resolver,
    ed_key,
    rsa_key,
)

ALGORITHMS = {"ed25519": algorithms.ED25519, "rsa-v1_5-sha256": algorithms.RSA_V1_5_SHA256}


@dataclass
class Message:
    """The request shape http-message-signatures reads: method, url, mutable headers."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


def key_for(alg: str) -> ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey:
    return ed_key() if alg == "ed25519" else rsa_key()


def as_request(message: Message, body: bytes) -> HttpRequest:
    return HttpRequest(message.method, message.url, Headers(message.headers), body)


def their_signed(alg: str, method: str, body: bytes | None) -> Message:
    message = Message(method, URL, {"Content-Type": "application/activity+json"})
    signer = HTTPMessageSigner(
        signature_algorithm=ALGORITHMS[alg],
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={KEY_ID: key_for(alg)}),
    )
    signer.sign(
        message,
        key_id=KEY_ID,
        created=datetime.now(UTC),
        covered_component_ids=("@method", "@target-uri", "@authority"),
        body=body,
    )
    return message


@pytest.mark.parametrize("alg", ["ed25519", "rsa-v1_5-sha256"])
@pytest.mark.parametrize(("method", "body"), [("POST", BODY), ("GET", None)])
async def test_their_signature_our_verifier(alg: str, method: str, body: bytes | None) -> None:
    message = their_signed(alg, method, body)
    signature_input = message.headers["Signature-Input"]
    assert signature_input.startswith("pyhms=(")
    assert f'alg="{alg}"' in signature_input
    assert ('"content-digest"' in signature_input) == (body is not None)
    key = key_for(alg).public_key()
    result = await verify_request(
        as_request(message, body or b""), Resolver(key), now=datetime.now(UTC)
    )
    assert (result.key_id, result.owner, result.scheme, result.algorithm) == (
        KEY_ID,
        OWNER,
        "rfc9421",
        alg,
    )


async def test_their_signature_with_changed_body_is_refused() -> None:
    message = their_signed("ed25519", "POST", BODY)
    with pytest.raises(SignatureError) as caught:
        await verify_request(
            as_request(message, BODY + b"!"), Resolver(ed_key().public_key()), now=datetime.now(UTC)
        )
    assert caught.value.reason == "digest-mismatch"


async def test_their_signature_outside_our_window_is_refused() -> None:
    message = their_signed("ed25519", "GET", None)
    with pytest.raises(SignatureError) as caught:
        await verify_request(
            as_request(message, b""),
            Resolver(ed_key().public_key()),
            now=datetime.now(UTC) + timedelta(hours=2),
        )
    assert caught.value.reason == "date-out-of-window"


def their_verifier(alg: str) -> HTTPMessageVerifier:
    public = key_for(alg).public_key()
    return HTTPMessageVerifier(
        signature_algorithm=ALGORITHMS[alg],
        key_resolver=MappingKeyResolver(public_keys={KEY_ID: public}, private_keys={}),
    )


@pytest.mark.parametrize("alg", ["ed25519", "rsa-v1_5-sha256"])
@pytest.mark.parametrize(("method", "body"), [("POST", BODY), ("GET", b"")])
def test_our_signature_their_verifier(alg: str, method: str, body: bytes) -> None:
    headers = {"Content-Type": "application/activity+json"}
    out = sign_rfc9421(method, URL, headers, body, KEY_ID, key_for(alg), datetime.now(UTC))
    message = Message(method, URL, {**headers, **out})
    required = ["@method", "@target-uri", "@authority"]
    if body:
        required.append("content-digest")
    [result] = their_verifier(alg).verify(message, body=body, require_components=required)
    assert result.label == "sig1"
    assert result.parameters["keyid"] == KEY_ID
    assert result.parameters["alg"] == alg
    assert result.body == (body or None)


def test_their_verifier_rejects_our_signature_over_a_changed_request() -> None:
    out = sign_rfc9421("POST", URL, {}, BODY, KEY_ID, ed_key(), datetime.now(UTC))
    moved = Message("POST", URL.replace("inbox", "outbox"), dict(out))
    with pytest.raises(InvalidSignature):
        their_verifier("ed25519").verify(moved, body=BODY)
    tampered = Message("POST", URL, dict(out))
    with pytest.raises(InvalidSignature):
        their_verifier("ed25519").verify(tampered, body=BODY + b"!")


QUERY_URL = "https://node.example/search?q=tea%20%26%20bread~&lang=en+gb&empty="


@pytest.mark.parametrize("name", ["q", "lang", "empty"])
async def test_query_param_encoding_matches_theirs(name: str) -> None:
    """RFC 9421 section 2.2.8 re-encoding (space as %20, ~ encoded), both directions."""
    message = Message("GET", QUERY_URL)
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={KEY_ID: ed_key()}),
    )
    component = f'"@query-param";name="{name}"'
    signer.sign(
        message,
        key_id=KEY_ID,
        created=datetime.now(UTC),
        covered_component_ids=("@method", "@target-uri", component),
    )
    assert component in message.headers["Signature-Input"]
    result = await verify_request(
        as_request(message, b""), Resolver(ed_key().public_key()), now=datetime.now(UTC)
    )
    assert result.algorithm == "ed25519"
