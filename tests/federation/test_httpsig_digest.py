"""Digest (RFC 3230) and Content-Digest (RFC 9530) against the body.

Reference values: the draft-cavage Appendix C request's Digest and the RFC 9421
test-request's Content-Digest, both for the body ``{"hello": "world"}``.
"""

from __future__ import annotations

import pytest

from federation.errors import SignatureError
from federation.httpsig import content_digest_header, digest_header
from federation.httpsig.digest import check_content_digest, check_digest

BODY = b'{"hello": "world"}'
SHA256 = "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
SHA512 = "WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew=="
WRONG = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="  # sha-256 of b""


def reason(call: object, *args: object) -> str:
    with pytest.raises(SignatureError) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.status == 401
    return caught.value.reason


def test_make_headers() -> None:
    assert digest_header(BODY) == f"SHA-256={SHA256}"
    assert digest_header(BODY, "sha-512") == f"SHA-512={SHA512}"
    assert content_digest_header(BODY) == f"sha-256=:{SHA256}:"
    assert content_digest_header(BODY, "sha-512") == f"sha-512=:{SHA512}:"


@pytest.mark.parametrize(
    "value",
    [
        f"SHA-256={SHA256}",
        f"sha-256={SHA256}",
        f"SHA-512={SHA512}",
        f"SHA-256={SHA256}, SHA-512={SHA512}",
        f"MD5=whatever, SHA-256={SHA256}",
        f" SHA-256 = {SHA256} ",
    ],
)
def test_digest_accepts(value: str) -> None:
    check_digest(value, BODY)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"SHA-256={WRONG}", "digest-mismatch"),
        (f"SHA-256={SHA256}, SHA-256={WRONG}", "digest-mismatch"),
        (f"SHA-256={SHA256}, SHA-512={WRONG}", "digest-mismatch"),
        (f"SHA-256={SHA256[:-4]}", "digest-mismatch"),  # truncated digest
        ("MD5=HUXZLQLMuI/KZ5KDcJPcOA==", "digest-algorithm-unsupported"),
        (f"SHA={SHA256}", "digest-algorithm-unsupported"),
        ("SHA-256", "signature-malformed"),
        ("SHA-256=", "signature-malformed"),
        (f"={SHA256}", "signature-malformed"),
        ("", "signature-malformed"),
        (f"SHA-256={SHA256},", "signature-malformed"),
        ("SHA-256=not base64!", "signature-malformed"),
        ("SHA-256=é", "signature-malformed"),
    ],
)
def test_digest_refuses(value: str, expected: str) -> None:
    assert reason(check_digest, value, BODY) == expected


@pytest.mark.parametrize(
    "value",
    [
        f"sha-256=:{SHA256}:",
        f"sha-512=:{SHA512}:",
        f"sha-512=:{SHA512}:, sha-256=:{SHA256}:",
        f"md5=:AAAA:, sha-256=:{SHA256}:",
        f"unixsum=1, sha-256=:{SHA256}:",
    ],
)
def test_content_digest_accepts(value: str) -> None:
    check_content_digest(value, BODY)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"sha-256=:{WRONG}:", "digest-mismatch"),
        (f"sha-256=:{SHA256}:, sha-512=:{WRONG}:", "digest-mismatch"),
        (
            "sha-512=:JlEy2bfUz7WrWIjc1qV6KVLpdr/7L5/L4h7Sxvh6sNHpDQWDCL+GauFQWcZBvVDhiyOnAQsxzZFYwi0wDH+1pw==:",
            "digest-mismatch",
        ),  # RFC 9421 test-response's misprinted value
        ("md5=:AAAA:", "digest-algorithm-unsupported"),
        (f"SHA-256=:{SHA256}:", "signature-malformed"),  # keys are lower-case
        (f"sha-256={SHA256}", "signature-malformed"),  # not a byte sequence
        (f'sha-256="{SHA256}"', "signature-malformed"),
        (f"sha-256=:{SHA256}:, sha-256=:{SHA256}:", "signature-malformed"),  # repeated
        ("", "digest-algorithm-unsupported"),
        ("sha-256=:AAAA", "signature-malformed"),
    ],
)
def test_content_digest_refuses(value: str, expected: str) -> None:
    assert reason(check_content_digest, value, BODY) == expected
