"""Hostile or broken signature headers: always a 401 SignatureError, never another exception."""

from __future__ import annotations

import random

import pytest

from federation.errors import SignatureError
from federation.httpsig import HttpRequest, sign_cavage, sign_rfc9421, verify_request
from tests.federation.test_httpsig_support import (
    BODY,
    JSON,
    KEY_ID,
    NOW,
    URL,
    Resolver,
    ed_key,
    replace_header,
    request_with,
    rsa_key,
)

SIG = "c2lnbmF0dXJl"  # base64 of "signature"
CAVAGE_OK = f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="(request-target) host date",'


def cavage() -> HttpRequest:
    out = sign_cavage("POST", URL, JSON, BODY, KEY_ID, rsa_key(), NOW)
    return request_with("POST", URL, {**JSON, **out}, BODY)


def rfc() -> HttpRequest:
    out = sign_rfc9421("POST", URL, JSON, BODY, KEY_ID, ed_key(), NOW)
    return request_with("POST", URL, {**JSON, **out}, BODY)


async def reason_for(request: HttpRequest) -> str:
    resolver = Resolver(rsa_key().public_key())
    with pytest.raises(SignatureError) as caught:
        await verify_request(request, resolver, now=NOW)
    assert caught.value.status == 401
    return caught.value.reason


@pytest.mark.parametrize(
    "value",
    [
        CAVAGE_OK + f'keyId="other",signature="{SIG}"',  # duplicate keyId
        CAVAGE_OK + f'keyid="other",signature="{SIG}"',  # duplicate, other case
        CAVAGE_OK + f'headers="date",signature="{SIG}"',  # duplicate headers=
        CAVAGE_OK + f'signature="{SIG}",signature="{SIG}"',  # duplicate signature
        f'keyId="{KEY_ID}",algorithm="rsa-sha256",algorithm="hs2019",signature="{SIG}"',
    ],
)
async def test_duplicate_cavage_parameters(value: str) -> None:
    assert await reason_for(replace_header(cavage(), "Signature", value)) == "signature-malformed"


async def test_two_signature_header_lines_are_duplicates() -> None:
    request = cavage()
    value = request.headers.combined("signature") or ""
    doubled = request_with("POST", URL, [*request.headers, ("Signature", value)], BODY)
    assert await reason_for(doubled) == "signature-malformed"


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        CAVAGE_OK + 'signature=""',
        f'keyId="",algorithm="rsa-sha256",headers="date",signature="{SIG}"',
        f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="",signature="{SIG}"',
        f'keyId="{KEY_ID}",algorithm="",headers="date",signature="{SIG}"',
        f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers=" ",signature="{SIG}"',
        f'keyId="{KEY_ID}",signature=',
    ],
)
async def test_empty_cavage_values(value: str) -> None:
    assert await reason_for(replace_header(cavage(), "Signature", value)) == "signature-malformed"


@pytest.mark.parametrize(
    "value",
    [
        CAVAGE_OK,  # no signature
        f'algorithm="rsa-sha256",headers="date",signature="{SIG}"',  # no keyId
        CAVAGE_OK + f'signature="{SIG}",',  # trailing comma
        CAVAGE_OK + 'signature="not base64!"',
        CAVAGE_OK + f'signature="{SIG}" junk',
        CAVAGE_OK + f"signature={SIG}==,created=abc",
        CAVAGE_OK + f'signature="{SIG}",expires="soon"',
        CAVAGE_OK + f'signature="{SIG}",created=99999999999999',  # year out of range
        f'keyId="{KEY_ID}",headers="host host date",signature="{SIG}",algorithm="rsa-sha256"',
        f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="(created) date",signature="{SIG}"',
        f'keyId="{KEY_ID}",algorithm="hs2019",headers="(created) date",signature="{SIG}"',
        'keyId="unterminated,signature="x"',
        'keyId="a\nb",signature="x"',
        "Signature Signature",
        "=" * 50,
        "keyId=" + '"' * 3,
        "\x00\x01\x02",
        'ключ="значение"',
    ],
)
async def test_malformed_cavage_headers(value: str) -> None:
    assert await reason_for(replace_header(cavage(), "Signature", value)) == "signature-malformed"


async def test_unknown_pseudo_header() -> None:
    value = (
        f'keyId="{KEY_ID}",algorithm="hs2019",headers="(request-target) (foo)",signature="{SIG}"'
    )
    assert await reason_for(replace_header(cavage(), "Signature", value)) == (
        "component-unsupported"
    )


SI = f'("@method" "@target-uri" "@authority" "content-digest");created={int(NOW.timestamp())}'


@pytest.mark.parametrize(
    ("signature_input", "signature"),
    [
        (f'sig1={SI};keyid="k", sig1={SI};keyid="k"', f"sig1=:{SIG}:"),  # duplicate label
        (f'sig1={SI};keyid="k"', f"sig1=:{SIG}:, sig1=:{SIG}:"),  # duplicate label in Signature
        (f'sig1={SI};keyid="k";keyid="j"', f"sig1=:{SIG}:"),  # duplicate parameter
        (f'sig1={SI};created=1;keyid="k"', f"sig1=:{SIG}:"),  # created twice
        ('sig1=("@method" "@method");created=1;keyid="k"', f"sig1=:{SIG}:"),  # repeated component
        (f'sig1={SI};keyid="k"', "sig1=::"),  # empty signature
        (f'sig1={SI};keyid=""', f"sig1=:{SIG}:"),  # empty keyid
        (f"sig1={SI}", f"sig1=:{SIG}:"),  # no keyid
        ("", f"sig1=:{SIG}:"),  # empty Signature-Input
        (f'sig1={SI};keyid="k"', ""),  # empty Signature
        (f'sig1={SI};keyid="k"', f'sig1="{SIG}"'),  # signature not a byte sequence
        (f'sig1={SI};keyid="k"', f"sig2=:{SIG}:"),  # labels differ
        (f"sig1={SI};keyid=k", f"sig1=:{SIG}:"),  # keyid a token
        (f'sig1={SI};keyid="k";created="1"', f"sig1=:{SIG}:"),  # created a string
        (f'sig1={SI};keyid="k";expires=?1', f"sig1=:{SIG}:"),  # expires a boolean
        (f'sig1={SI};keyid="k";expires=-5', f"sig1=:{SIG}:"),
        ('sig1=(@method);keyid="k"', f"sig1=:{SIG}:"),  # component a token
        ('sig1="@method";keyid="k"', f"sig1=:{SIG}:"),  # not an inner list
        (f'sig1={SI};keyid="k",', f"sig1=:{SIG}:"),  # trailing comma
        (f'sig1={SI};keyid="k"', f"sig1=:{SIG}"),  # unterminated bytes
        (f'sig1={SI};keyid="k"', "sig1=:not base64!:"),
        (f'Sig1={SI};keyid="k"', f"Sig1=:{SIG}:"),  # upper-case label
        (f'sig1={SI};keyid="k";created=1.5', f"sig1=:{SIG}:"),
        (f'sig1={SI};keyid="k";created=9999999999999', f"sig1=:{SIG}:"),  # year out of range
        ('sig1=("@method" "@target-uri" "Content-Digest");created=1;keyid="k"', f"sig1=:{SIG}:"),
        ('sig1=("@signature-params");created=1;keyid="k"', f"sig1=:{SIG}:"),
        ('sig1=("caf\\u00e9");created=1;keyid="k"', f"sig1=:{SIG}:"),
        ('sig1=("@query-param");created=1;keyid="k"', f"sig1=:{SIG}:"),
        ('sig1=("a" "b"', f"sig1=:{SIG}:"),
        ("sig1=?2", f"sig1=:{SIG}:"),
    ],
)
async def test_malformed_rfc9421_headers(signature_input: str, signature: str) -> None:
    request = replace_header(
        replace_header(rfc(), "Signature-Input", signature_input), "Signature", signature
    )
    assert await reason_for(request) == "signature-malformed"


@pytest.mark.parametrize(
    "component", ['"@status"', '"content-digest";sf', '"x";bs', '"@nope"', '"@method";req']
)
async def test_unsupported_rfc9421_components(component: str) -> None:
    signature_input = (
        f'sig1=("@method" "@target-uri" "content-digest" {component});created=1;keyid="k"'
    )
    request = replace_header(
        replace_header(rfc(), "Signature-Input", signature_input), "Signature", f"sig1=:{SIG}:"
    )
    assert await reason_for(request) == "component-unsupported"


async def test_header_values_that_could_inject_lines_are_refused() -> None:
    names = "(request-target) host date digest content-type"
    signature = f'keyId="k",algorithm="rsa-sha256",headers="{names}",signature="{SIG}"'
    kept = [(n, v) for n, v in cavage().headers if n not in ("signature", "content-type")]
    injected = [("Content-Type", "a\ndate: forged"), ("Signature", signature)]
    request = request_with("POST", URL, [*kept, *injected], BODY)
    assert await reason_for(request) == "signature-malformed"


async def test_relative_url_is_malformed() -> None:
    request = cavage()
    broken = HttpRequest("POST", "/actor/inbox", request.headers, BODY)
    assert await reason_for(broken) == "signature-malformed"


_NOISE = '",;=:()\\ ?*-@\t\x00é' + "0123456789abcdefABCDEF"


def _mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        pos = rng.randrange(len(chars) + 1)
        if op < 0.4 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif op < 0.8:
            chars.insert(pos, rng.choice(_NOISE))
        else:
            chars[pos:pos] = chars[rng.randrange(len(chars)) :][: rng.randint(1, 12)]
    return "".join(chars)


@pytest.mark.parametrize("scheme", ["cavage", "rfc9421"])
async def test_fuzzed_headers_only_ever_raise_signature_error(scheme: str) -> None:
    """Random edits to valid headers: accepted (edit was harmless) or SignatureError."""
    rng = random.Random(f"httpsig-{scheme}")
    base = cavage() if scheme == "cavage" else rfc()
    names = ["signature"] if scheme == "cavage" else ["signature-input", "signature"]
    resolver = Resolver(rsa_key().public_key() if scheme == "cavage" else ed_key().public_key())
    statuses: list[int] = []
    accepted = 0
    for _ in range(400):
        request = base
        for name in rng.sample(names, rng.randint(1, len(names))):
            request = replace_header(request, name, _mutate(rng, base.headers.combined(name) or ""))
        try:
            await verify_request(request, resolver, now=NOW)
        except SignatureError as error:
            statuses.append(error.status)
        else:
            accepted += 1
    assert set(statuses) == {401}
    assert len(statuses) > 350 > accepted
