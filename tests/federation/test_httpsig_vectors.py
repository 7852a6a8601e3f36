"""Published test vectors: RFC 9421 Appendix B (and section 4.3), draft-cavage-12 Appendix C.

Sources are named in each vector file. The vectors' dates are old and the cavage
key is 1024-bit, so these run with an injected clock and a relaxed policy; the
acceptance policy itself is tested with our own keys in test_httpsig_policy.py.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from federation.errors import SignatureError
from federation.httpsig import (
    Headers,
    HttpRequest,
    PublicKeyRecord,
    VerificationPolicy,
    VerifiedSignature,
    verify_request,
)
from federation.httpsig.algorithms import sign_rsa_sha256, verify_with_key
from federation.httpsig.cavage import CavageSignature, parse_signature_header, signing_string
from federation.httpsig.message import parse_target
from federation.httpsig.records import Candidate
from federation.httpsig.rfc9421 import parse_signatures, signature_base

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
RFC = json.loads((VECTORS / "rfc9421-http-message-signatures.json").read_text())
CAVAGE = json.loads((VECTORS / "draft-cavage-http-signatures-12.json").read_text())
RFC_CASES = {case["label"]: case for case in RFC["cases"]}
CAVAGE_CASES = {case["section"][:3]: case for case in CAVAGE["cases"]}

# The vectors cover little and use a 1024-bit key: only the crypto and syntax are under test.
RELAXED = VerificationPolicy(enforce_coverage=False, min_rsa_bits=1024)
OWNER = "https://vectors.example/actor"
# RFC 9421 B.1.2's key is bound to rsa-pss-sha512 (its PKCS#8 uses the RSASSA-PSS OID).
KEY_ALGORITHMS = {"test-key-rsa-pss": "rsa-pss-sha512"}


def parse_message(text: str, *, scheme: str = "https") -> HttpRequest:
    """Turn a printed HTTP/1.1 request into our request view."""
    head, _, body = text.partition("\n\n")
    request_line, *field_lines = head.split("\n")
    method, target, _version = request_line.split(" ")
    pairs = [(name, value) for name, _, value in (line.partition(": ") for line in field_lines)]
    host = next(value for name, value in pairs if name.lower() == "host")
    return HttpRequest(
        method, f"{scheme}://{host}{target}", Headers(pairs), body.lstrip("\n").encode()
    )


def with_headers(request: HttpRequest, **extra: str) -> HttpRequest:
    pairs = [*request.headers, *((name.replace("_", "-"), v) for name, v in extra.items())]
    return HttpRequest(request.method, request.url, Headers(pairs), request.body)


class Resolver:
    """An in-memory resolve_key that records its calls."""

    def __init__(self, keys: dict[str, Any]) -> None:
        self.keys = keys
        self.calls: list[tuple[str, bool]] = []

    async def __call__(self, key_id: str, refresh: bool) -> PublicKeyRecord:
        self.calls.append((key_id, refresh))
        return PublicKeyRecord(key_id, OWNER, self.keys[key_id], KEY_ALGORITHMS.get(key_id))


def rfc_resolver() -> Resolver:
    return Resolver(
        {
            kid: load_pem_public_key(key["public_pem"].encode())
            for kid, key in RFC["keys"].items()
            if "public_pem" in key
        }
    )


def at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def rfc_request(case: dict[str, Any]) -> HttpRequest:
    request = parse_message(RFC["test_request"])
    return with_headers(
        request,
        Signature_Input=case["signature_input_header"],
        Signature=case["signature_header"],
    )


def base_of(request: HttpRequest) -> bytes:
    (sig,) = parse_signatures(request.headers)
    return signature_base(request, sig.components, sig.params)


# --- RFC 9421 -------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["sig-b21", "sig-b22", "sig-b23", "sig-b25", "sig-b26"])
def test_rfc9421_signature_base_is_byte_exact(label: str) -> None:
    case = RFC_CASES[label]
    assert base_of(rfc_request(case)) == case["signature_base"].encode()


@pytest.mark.parametrize(
    ("label", "algorithm"),
    [
        ("sig-b21", "rsa-pss-sha512"),
        ("sig-b22", "rsa-pss-sha512"),
        ("sig-b23", "rsa-pss-sha512"),
        ("sig-b26", "ed25519"),
    ],
)
async def test_rfc9421_request_vectors_verify(label: str, algorithm: str) -> None:
    case = RFC_CASES[label]
    resolver = rfc_resolver()
    result = await verify_request(rfc_request(case), resolver, now=at(1618884473), policy=RELAXED)
    assert result == VerifiedSignature(
        key_id=case["keyid"],
        owner=OWNER,
        scheme="rfc9421",
        algorithm=algorithm,
        created=at(1618884473),
    )
    assert resolver.calls == [(case["keyid"], False)]


async def test_rfc9421_b26_tampered_signature_fails() -> None:
    case = RFC_CASES["sig-b26"]
    raw = bytearray(base64.b64decode(case["signature_b64"]))
    raw[0] ^= 1
    tampered = dict(case, signature_header=f"sig-b26=:{base64.b64encode(bytes(raw)).decode()}:")
    with pytest.raises(SignatureError) as caught:
        await verify_request(
            rfc_request(tampered), rfc_resolver(), now=at(1618884473), policy=RELAXED
        )
    assert caught.value.reason == "signature-invalid"


def test_rfc9421_b26_ed25519_resigns_byte_exact() -> None:
    case = RFC_CASES["sig-b26"]
    key = load_pem_private_key(RFC["keys"]["test-key-ed25519"]["private_pem"].encode(), None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    signature = key.sign(base_of(rfc_request(case)))
    assert base64.b64encode(signature).decode() == case["signature_b64"]


def test_rfc9421_b25_hmac_is_not_supported() -> None:
    pytest.skip(
        "B.2.5 hmac-sha256: shared secrets have no place between peers, so HMAC is "
        "unsupported (its signature base is still checked byte-exact above)"
    )


async def test_rfc9421_explicit_hmac_alg_is_refused_before_key_lookup() -> None:
    case = RFC_CASES["sig-b25"]
    hmac_case = dict(
        case, signature_input_header=case["signature_input_header"] + ';alg="hmac-sha256"'
    )
    resolver = rfc_resolver()
    with pytest.raises(SignatureError) as caught:
        await verify_request(rfc_request(hmac_case), resolver, now=at(1618884473), policy=RELAXED)
    assert (caught.value.reason, caught.value.status) == ("algorithm-unsupported", 401)
    assert resolver.calls == []


async def test_rfc9421_b24_response_signature_is_out_of_scope() -> None:
    """B.2.4 signs a response (@status, ecdsa-p256): a request claiming @status is refused."""
    case = RFC_CASES["sig-b24"]
    with pytest.raises(SignatureError) as caught:
        await verify_request(rfc_request(case), rfc_resolver(), now=at(1618884473), policy=RELAXED)
    assert caught.value.reason == "component-unsupported"


def proxy_request() -> HttpRequest:
    return parse_message(RFC["section_4_3_proxy_sig"]["signed_message"])


def test_rfc9421_section_4_3_proxy_signature_base_and_resign() -> None:
    vector = RFC["section_4_3_proxy_sig"]
    request = proxy_request()
    sig = next(s for s in parse_signatures(request.headers) if s.label == "proxy_sig")
    base = signature_base(request, sig.components, sig.params)
    assert base == vector["signature_base"].encode()
    key = load_pem_private_key(RFC["keys"]["test-key-rsa"]["private_pem"].encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert base64.b64encode(sign_rsa_sha256(key, base)).decode() == vector["signature_b64"]


async def test_rfc9421_section_4_3_second_signature_verifies() -> None:
    """sig1 (ecdsa-p256) is unsupported; proxy_sig (rsa-v1_5-sha256) verifies."""
    resolver = rfc_resolver()
    result = await verify_request(proxy_request(), resolver, now=at(1618884500), policy=RELAXED)
    assert (result.key_id, result.algorithm) == ("test-key-rsa", "rsa-v1_5-sha256")
    assert ("test-key-ecc-p256", False) in resolver.calls


async def test_rfc9421_section_4_3_honours_expires() -> None:
    with pytest.raises(SignatureError) as caught:
        await verify_request(proxy_request(), rfc_resolver(), now=at(1618884541), policy=RELAXED)
    # Header order: sig1's error (unsupported ecdsa key) comes first.
    assert caught.value.reason == "algorithm-unsupported"
    vector = RFC["section_4_3_proxy_sig"]
    signature_params = vector["signature_base"].rsplit('"@signature-params": ', 1)[1]
    request = proxy_request()
    only_proxy = HttpRequest(
        request.method,
        request.url,
        Headers(
            [(n, v) for n, v in request.headers if not n.startswith("signature")]
            + [
                ("Signature-Input", f"proxy_sig={signature_params}"),
                ("Signature", f"proxy_sig=:{vector['signature_b64']}:"),
            ]
        ),
        request.body,
    )
    with pytest.raises(SignatureError) as caught:
        await verify_request(only_proxy, rfc_resolver(), now=at(1618884541), policy=RELAXED)
    assert caught.value.reason == "signature-expired"
    result = await verify_request(only_proxy, rfc_resolver(), now=at(1618884540), policy=RELAXED)
    assert result.key_id == "test-key-rsa"


async def test_rfc9421_b3_ecdsa_base_matches_but_algorithm_is_refused() -> None:
    vector = RFC["appendix_b3_tls_proxy"]
    request = parse_message(vector["signed_request"])
    assert base_of(request) == vector["signature_base"].encode()
    with pytest.raises(SignatureError) as caught:
        await verify_request(request, rfc_resolver(), now=at(1618884473), policy=RELAXED)
    assert (caught.value.reason, caught.value.status) == ("algorithm-unsupported", 401)


async def test_rfc9421_b4_repeated_fields_are_combined() -> None:
    vector = RFC["appendix_b4_transform"]
    request = parse_message(vector["signed_request"])
    assert base_of(request) == vector["signature_base"].encode()
    result = await verify_request(request, rfc_resolver(), now=at(1618884473), policy=RELAXED)
    assert (result.key_id, result.algorithm) == ("test-key-ed25519", "ed25519")


# --- draft-cavage-12 ------------------------------------------------------------------

CAVAGE_KEY = load_pem_public_key(CAVAGE["public_pem"].encode())
CAVAGE_NOW = datetime(2014, 1, 5, 21, 31, 40, tzinfo=UTC)


def cavage_request(**extra: str) -> HttpRequest:
    return with_headers(parse_message(CAVAGE["request"]), **extra)


def cavage_resolver() -> Resolver:
    return Resolver({"Test": CAVAGE_KEY})


@pytest.mark.parametrize("section", ["C.1", "C.2"])
def test_cavage_signing_strings_are_byte_exact_and_resign(section: str) -> None:
    case = CAVAGE_CASES[section]
    request = cavage_request()
    sig = parse_signature_header(case["authorization_header"].removeprefix("Signature "))
    message = signing_string(request, parse_target(request.url), sig)
    assert message == case["signing_string"].encode()
    key = load_pem_private_key(CAVAGE["private_pem"].encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert base64.b64encode(sign_rsa_sha256(key, message)).decode() == case["signature_b64"]


@pytest.mark.parametrize("section", ["C.1", "C.2"])
@pytest.mark.parametrize("header", ["Signature", "Authorization"])
async def test_cavage_vectors_verify_with_relaxed_policy(section: str, header: str) -> None:
    case = CAVAGE_CASES[section]
    value = case["authorization_header"]
    request = cavage_request(
        **{header: value if header == "Authorization" else value.removeprefix("Signature ")}
    )
    result = await verify_request(request, cavage_resolver(), now=CAVAGE_NOW, policy=RELAXED)
    assert result == VerifiedSignature("Test", OWNER, "draft-cavage", "rsa-sha256", CAVAGE_NOW)


async def test_cavage_vector_respects_the_injected_clock() -> None:
    request = cavage_request(Signature=CAVAGE_CASES["C.2"]["authorization_header"][10:])
    with pytest.raises(SignatureError) as caught:
        await verify_request(
            request, cavage_resolver(), now=CAVAGE_NOW + timedelta(hours=2), policy=RELAXED
        )
    assert caught.value.reason == "date-out-of-window"


async def test_cavage_vector_key_is_too_weak_for_the_default_size() -> None:
    request = cavage_request(Signature=CAVAGE_CASES["C.2"]["authorization_header"][10:])
    resolver = cavage_resolver()
    with pytest.raises(SignatureError) as caught:
        await verify_request(
            request, resolver, now=CAVAGE_NOW, policy=VerificationPolicy(enforce_coverage=False)
        )
    assert caught.value.reason == "key-too-weak"
    assert resolver.calls == [("Test", False), ("Test", True)]


async def test_cavage_vector_fails_default_coverage_policy() -> None:
    """C.2 covers no digest on a POST whose Digest header is present."""
    request = cavage_request(Signature=CAVAGE_CASES["C.2"]["authorization_header"][10:])
    with pytest.raises(SignatureError) as caught:
        await verify_request(request, cavage_resolver(), now=CAVAGE_NOW)
    assert caught.value.reason == "component-missing"


async def test_cavage_c3_created_with_rsa_sha256_is_malformed() -> None:
    """C.3 lists (created) with algorithm rsa-sha256, which section 2.3 forbids."""
    request = cavage_request(Signature=CAVAGE_CASES["C.3"]["signature_header"])
    with pytest.raises(SignatureError) as caught:
        await verify_request(request, cavage_resolver(), now=CAVAGE_NOW, policy=RELAXED)
    assert caught.value.reason == "signature-malformed"


def test_cavage_c3_signature_verifies_over_the_printed_string() -> None:
    case = CAVAGE_CASES["C.3"]
    request = cavage_request()
    names = tuple(n for n in case["headers_param"].split() if n not in ("(created)", "(expires)"))
    sig = CavageSignature("Test", "rsa-sha256", names, base64.b64decode(case["signature_b64"]))
    message = signing_string(request, parse_target(request.url), sig)
    assert message == case["signing_string_as_printed"].encode()
    candidate = Candidate("draft-cavage", "Test", "rsa-sha256", message, sig.signature, None)
    record = PublicKeyRecord("Test", OWNER, CAVAGE_KEY)
    assert verify_with_key(candidate, record, RELAXED) == "rsa-sha256"
