"""Sign → verify with our own fresh keys, both schemes, POST and GET."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from federation.errors import SignatureError
from federation.httpsig import (
    HttpRequest,
    VerificationPolicy,
    VerifiedSignature,
    sign_cavage,
    sign_rfc9421,
    verify_request,
)
from federation.httpsig.cavage import CavageSignature, signing_string
from federation.httpsig.message import parse_target
from tests.federation.test_httpsig_support import (
    BODY,
    JSON,
    KEY_ID,
    NOW,
    OWNER,
    URL,
    Resolver,
    cavage_signed,
    digest_of,
    ed_key,
    http_date,
    request_with,
    rsa_key,
)


def cavage_request(method: str = "POST", body: bytes = BODY, url: str = URL) -> HttpRequest:
    headers = dict(JSON) if body else {}
    out = sign_cavage(method, url, headers, body, KEY_ID, rsa_key(), NOW)
    return request_with(method, url, {**headers, **out}, body)


def rfc_request(
    method: str = "POST",
    body: bytes = BODY,
    *,
    key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey | None = None,
    label: str = "sig1",
    nonce: str | None = None,
    expires: datetime | None = None,
) -> HttpRequest:
    out = sign_rfc9421(
        method,
        URL,
        JSON,
        body,
        KEY_ID,
        key or ed_key(),
        NOW,
        label=label,
        nonce=nonce,
        expires=expires,
    )
    return request_with(method, URL, {**JSON, **out}, body)


async def test_cavage_post_round_trip() -> None:
    request = cavage_request()
    signature = request.headers.combined("signature") or ""
    assert 'algorithm="rsa-sha256"' in signature
    assert 'headers="(request-target) host date digest content-type"' in signature
    assert request.headers.combined("digest") == digest_of(BODY)
    assert request.headers.combined("host") == "node.example"
    assert request.headers.combined("date") == "Sun, 01 Mar 2026 12:00:00 GMT"
    resolver = Resolver(rsa_key().public_key(), owner="https://elsewhere.example/someone")
    result = await verify_request(request, resolver, now=NOW)
    # The owner is reported, not judged: the caller compares it with the actor.
    assert result == VerifiedSignature(
        KEY_ID, "https://elsewhere.example/someone", "draft-cavage", "rsa-sha256", NOW
    )
    assert resolver.calls == [(KEY_ID, False)]


async def test_cavage_get_round_trip_has_no_digest() -> None:
    request = cavage_request("GET", b"", "https://node.example:8443/offers/1?page=2")
    assert "digest" not in request.headers
    assert request.headers.combined("host") == "node.example:8443"
    assert 'headers="(request-target) host date"' in (request.headers.combined("signature") or "")
    result = await verify_request(request, Resolver(rsa_key().public_key()), now=NOW)
    assert (result.scheme, result.owner) == ("draft-cavage", OWNER)


async def test_cavage_signature_binds_the_query() -> None:
    request = cavage_request("GET", b"", "https://node.example/offers?page=2")
    moved = HttpRequest("GET", "https://node.example/offers?page=3", request.headers, b"")
    with pytest.raises(SignatureError) as caught:
        await verify_request(moved, Resolver(rsa_key().public_key()), now=NOW)
    assert caught.value.reason == "signature-invalid"


async def test_rfc9421_post_round_trip_ed25519() -> None:
    request = rfc_request()
    created = int(NOW.timestamp())
    assert request.headers.combined("signature-input") == (
        'sig1=("@method" "@target-uri" "@authority" "content-digest")'
        f';created={created};keyid="{KEY_ID}";alg="ed25519"'
    )
    assert re.fullmatch(r"sig1=:[A-Za-z0-9+/]{86}==:", request.headers.combined("signature") or "")
    assert request.headers.combined("content-digest") == (
        "sha-256=:" + digest_of(BODY).removeprefix("SHA-256=") + ":"
    )
    result = await verify_request(request, Resolver(ed_key().public_key()), now=NOW)
    assert result == VerifiedSignature(KEY_ID, OWNER, "rfc9421", "ed25519", NOW)


async def test_rfc9421_get_round_trip_has_no_content_digest() -> None:
    request = rfc_request("GET", b"")
    assert "content-digest" not in request.headers
    assert '"content-digest"' not in (request.headers.combined("signature-input") or "")
    result = await verify_request(request, Resolver(ed_key().public_key()), now=NOW)
    assert result.algorithm == "ed25519"


async def test_rfc9421_round_trip_rsa_v1_5() -> None:
    request = rfc_request(key=rsa_key())
    assert 'alg="rsa-v1_5-sha256"' in (request.headers.combined("signature-input") or "")
    result = await verify_request(request, Resolver(rsa_key().public_key()), now=NOW)
    assert result.algorithm == "rsa-v1_5-sha256"


async def test_rfc9421_label_nonce_and_expires_are_signed() -> None:
    request = rfc_request(label="proof", nonce="n-1", expires=NOW + timedelta(minutes=5))
    signature_input = request.headers.combined("signature-input") or ""
    assert signature_input.startswith("proof=(")
    assert f";expires={int(NOW.timestamp()) + 300}" in signature_input
    assert ';nonce="n-1"' in signature_input
    await verify_request(request, Resolver(ed_key().public_key()), now=NOW)
    tampered = request_with(
        "POST",
        URL,
        [(n, v.replace('nonce="n-1"', 'nonce="n-2"')) for n, v in request.headers],
        BODY,
    )
    with pytest.raises(SignatureError) as caught:
        await verify_request(tampered, Resolver(ed_key().public_key()), now=NOW)
    assert caught.value.reason == "signature-invalid"


@pytest.mark.parametrize("key_kind", ["rsa-v1_5", "ed25519"])
async def test_cavage_hs2019_round_trip(key_kind: str) -> None:
    key = rsa_key() if key_kind == "rsa-v1_5" else ed_key()
    created = int(NOW.timestamp()) - 30
    request = cavage_signed(
        [("Host", "node.example"), ("Digest", digest_of(BODY))],
        "(request-target) host (created) (expires) digest",
        key=key,
        algorithm="hs2019",
        created=created,
        expires=created + 300,
    )
    result = await verify_request(request, Resolver(key.public_key()), now=NOW)
    assert (result.algorithm, result.created) == ("hs2019", NOW - timedelta(seconds=30))


async def test_cavage_hs2019_with_rsa_pss_sha512() -> None:
    headers = [("Host", "node.example"), ("Date", http_date(NOW)), ("Digest", digest_of(BODY))]
    names = "(request-target) host date digest"
    unsigned = request_with("POST", URL, headers, BODY)
    sig = CavageSignature(KEY_ID, "hs2019", tuple(names.split()), b"")
    message = signing_string(unsigned, parse_target(URL), sig)
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
    raw = rsa_key().sign(message, pss, hashes.SHA512())
    value = (
        f'keyId="{KEY_ID}",algorithm="hs2019",headers="{names}",'
        f'signature="{base64.b64encode(raw).decode()}"'
    )
    request = request_with("POST", URL, [*headers, ("Signature", value)], BODY)
    result = await verify_request(request, Resolver(rsa_key().public_key()), now=NOW)
    assert result.algorithm == "hs2019"
    rsa_sha256 = request_with(
        "POST", URL, [*headers, ("Signature", value.replace("hs2019", "rsa-sha256"))], BODY
    )
    with pytest.raises(SignatureError) as caught:
        await verify_request(rsa_sha256, Resolver(rsa_key().public_key()), now=NOW)
    assert caught.value.reason == "signature-invalid"


async def test_signing_replaces_caller_headers_and_validates_inputs() -> None:
    out = sign_cavage(
        "POST",
        URL,
        {"date": "stale", "Digest": "SHA-256=stale", **JSON},
        BODY,
        KEY_ID,
        rsa_key(),
        NOW,
    )
    request = request_with("POST", URL, {**JSON, **out}, BODY)
    await verify_request(request, Resolver(rsa_key().public_key()), now=NOW)
    with pytest.raises(ValueError, match="key id"):
        sign_cavage("GET", URL, {}, b"", 'bad"id', rsa_key(), NOW)
    with pytest.raises(ValueError, match="label"):
        sign_rfc9421("GET", URL, {}, b"", KEY_ID, ed_key(), NOW, label="Bad Label")
    with pytest.raises(ValueError, match="timezone"):
        sign_rfc9421("GET", URL, {}, b"", KEY_ID, ed_key(), NOW.replace(tzinfo=None))


async def test_relaxed_policy_still_verifies_crypto() -> None:
    request = cavage_request()
    relaxed = VerificationPolicy(enforce_coverage=False, min_rsa_bits=1024)
    assert (
        await verify_request(request, Resolver(rsa_key().public_key()), now=NOW, policy=relaxed)
    ).key_id == KEY_ID
    with pytest.raises(SignatureError):
        await verify_request(request, Resolver(ed_key().public_key()), now=NOW, policy=relaxed)
