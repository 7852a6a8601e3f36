"""The acceptance policy, with our own fresh keys and signatures that are otherwise valid."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from federation.errors import FetchError, SignatureError
from federation.httpsig import (
    DEFAULT_POLICY,
    HttpRequest,
    VerificationPolicy,
    sign_cavage,
    sign_rfc9421,
    verify_request,
)
from federation.httpsig.structured_fields import BareItem
from tests.federation.test_httpsig_support import (
    BODY,
    JSON,
    KEY_ID,
    NOW,
    URL,
    Resolver,
    cavage_signed,
    digest_of,
    ed_key,
    http_date,
    other_rsa_key,
    replace_header,
    request_with,
    rfc9421_signed,
    rsa_key,
)

CREATED = int(NOW.timestamp())
BASE = [("Host", "node.example"), ("Date", http_date(NOW)), ("Digest", digest_of(BODY))]
CONTENT_DIGEST = ("Content-Digest", "sha-256=:" + digest_of(BODY).removeprefix("SHA-256=") + ":")
RFC_PARAMS: list[tuple[str, BareItem]] = [("created", CREATED), ("keyid", KEY_ID)]


async def refused(
    request: HttpRequest,
    resolver: Resolver | None = None,
    *,
    now: datetime = NOW,
    policy: VerificationPolicy = DEFAULT_POLICY,
) -> str:
    """Verify, expect a 401 SignatureError, and return its reason."""
    resolver = resolver or Resolver(rsa_key().public_key())
    with pytest.raises(SignatureError) as caught:
        await verify_request(request, resolver, now=now, policy=policy)
    assert caught.value.status == 401
    return caught.value.reason


def cavage(method: str = "POST", body: bytes = BODY, url: str = URL) -> HttpRequest:
    out = sign_cavage(method, url, JSON, body, KEY_ID, rsa_key(), NOW)
    return request_with(method, url, {**JSON, **out}, body)


def rfc(method: str = "POST", body: bytes = BODY) -> HttpRequest:
    out = sign_rfc9421(method, URL, JSON, body, KEY_ID, ed_key(), NOW)
    return request_with(method, URL, {**JSON, **out}, body)


# --- signature validity ------------------------------------------------------------------


async def test_bad_cavage_signature_is_invalid_after_one_refresh() -> None:
    request = cavage()
    value = request.headers.combined("signature") or ""
    start = value.index('signature="') + len('signature="')
    flipped = value[:start] + ("A" if value[start] != "A" else "B") + value[start + 1 :]
    resolver = Resolver(rsa_key().public_key())
    assert await refused(replace_header(request, "Signature", flipped), resolver) == (
        "signature-invalid"
    )
    assert resolver.calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_bad_rfc9421_signature_is_invalid() -> None:
    request = rfc()
    tampered = replace_header(request, "Content-Type", "text/plain")  # not covered: still fine
    await verify_request(tampered, Resolver(ed_key().public_key()), now=NOW)
    other = rfc9421_signed(
        [CONTENT_DIGEST],
        ["@method", "@target-uri", "content-digest"],
        RFC_PARAMS,
        key=ed25519.Ed25519PrivateKey.generate(),
    )
    assert await refused(other, Resolver(ed_key().public_key())) == "signature-invalid"


async def test_changed_covered_header_breaks_the_signature() -> None:
    request = cavage()
    later = replace_header(request, "Date", http_date(NOW + timedelta(seconds=1)))
    assert await refused(later) == "signature-invalid"


async def test_key_type_mismatch() -> None:
    assert await refused(cavage(), Resolver(ed_key().public_key())) == "key-type-mismatch"
    assert await refused(rfc(), Resolver(rsa_key().public_key())) == "key-type-mismatch"


# --- clock ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "ok"),
    [
        (timedelta(minutes=-59), True),
        (timedelta(minutes=59), True),
        (timedelta(minutes=61), False),
        (timedelta(hours=-2), False),
    ],
)
async def test_date_window_is_one_hour_either_way(offset: timedelta, ok: bool) -> None:
    """A positive offset means our clock is ahead (an old request); negative, a future one."""
    for request, key in ((cavage(), rsa_key()), (rfc(), ed_key())):
        resolver = Resolver(key.public_key())
        if ok:
            await verify_request(request, resolver, now=NOW + offset)
        else:
            assert await refused(request, resolver, now=NOW + offset) == "date-out-of-window"
            assert resolver.calls == []  # refused before any key lookup


async def test_clock_window_is_configurable() -> None:
    tight = VerificationPolicy(clock_skew=timedelta(minutes=5))
    assert await refused(cavage(), now=NOW + timedelta(minutes=10), policy=tight) == (
        "date-out-of-window"
    )


async def test_rfc9421_expires_is_honoured() -> None:
    out = sign_rfc9421(
        "POST", URL, JSON, BODY, KEY_ID, ed_key(), NOW, expires=NOW + timedelta(minutes=5)
    )
    request = request_with("POST", URL, {**JSON, **out}, BODY)
    resolver = Resolver(ed_key().public_key())
    await verify_request(request, resolver, now=NOW + timedelta(minutes=5))
    assert await refused(request, resolver, now=NOW + timedelta(minutes=6)) == "signature-expired"


async def test_cavage_expires_is_honoured() -> None:
    request = cavage_signed(
        [("Host", "node.example"), ("Digest", digest_of(BODY))],
        "(request-target) host (created) (expires) digest",
        key=ed_key(),
        algorithm="hs2019",
        created=CREATED,
        expires=CREATED + 60,
    )
    resolver = Resolver(ed_key().public_key())
    await verify_request(request, resolver, now=NOW + timedelta(seconds=60))
    assert await refused(request, resolver, now=NOW + timedelta(seconds=61)) == (
        "signature-expired"
    )


async def test_covered_date_is_checked_even_with_created() -> None:
    request = rfc9421_signed(
        [("Date", http_date(NOW - timedelta(hours=3))), CONTENT_DIGEST],
        ["@method", "@target-uri", "date", "content-digest"],
        RFC_PARAMS,
    )
    assert await refused(request, Resolver(ed_key().public_key())) == "date-out-of-window"


async def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone"):
        await verify_request(
            cavage(), Resolver(rsa_key().public_key()), now=NOW.replace(tzinfo=None)
        )


# --- digests ----------------------------------------------------------------------------


async def test_digest_mismatch_both_schemes() -> None:
    for request, key in ((cavage(), rsa_key()), (rfc(), ed_key())):
        changed = HttpRequest(request.method, request.url, request.headers, BODY + b" ")
        resolver = Resolver(key.public_key())
        assert await refused(changed, resolver) == "digest-mismatch"
        assert resolver.calls == []


async def test_digest_missing_on_post() -> None:
    no_digest = cavage_signed(BASE[:2], "(request-target) host date")
    assert await refused(no_digest) == "digest-missing"
    no_content_digest = rfc9421_signed([], ["@method", "@target-uri"], RFC_PARAMS)
    assert await refused(no_content_digest, Resolver(ed_key().public_key())) == "digest-missing"
    # An empty-bodied POST still has to declare (and cover) its digest.
    empty = cavage_signed(BASE[:2], "(request-target) host date", body=b"")
    assert await refused(empty) == "digest-missing"


async def test_digest_present_but_not_covered() -> None:
    request = cavage_signed(BASE, "(request-target) host date")
    assert await refused(request) == "component-missing"


async def test_covered_digest_header_absent() -> None:
    request = replace_header(cavage(), "Digest", None)
    assert await refused(request) == "digest-missing"


async def test_unsupported_digest_algorithm() -> None:
    md5 = [*BASE[:2], ("Digest", "MD5=HUXZLQLMuI/KZ5KDcJPcOA==")]
    assert await refused(cavage_signed(md5, "(request-target) host date digest")) == (
        "digest-algorithm-unsupported"
    )


async def test_get_without_body_needs_no_digest() -> None:
    request = cavage_signed(BASE[:2], "(request-target) host date", method="GET", body=b"")
    assert (await verify_request(request, Resolver(rsa_key().public_key()), now=NOW)).key_id


# --- covered components -----------------------------------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        "host date digest",  # no (request-target)
        "(request-target) date digest",  # no host
        "(request-target) host digest",  # neither date nor (created)
    ],
)
async def test_cavage_required_components(names: str) -> None:
    assert await refused(cavage_signed(BASE, names)) == "component-missing"


async def test_cavage_covered_header_must_be_present() -> None:
    request = cavage_signed(
        [*BASE, ("Content-Type", "x")], "(request-target) host date digest content-type"
    )
    assert await refused(replace_header(request, "Content-Type", None)) == "component-missing"


@pytest.mark.parametrize(
    ("components", "url", "ok"),
    [
        (["@method", "@target-uri", "content-digest"], URL, True),
        (["@method", "@path", "@authority", "content-digest"], URL, True),
        (["@method", "@path", "@query", "@authority", "content-digest"], URL + "?a=1", True),
        (["@method", "@path", "@authority", "content-digest"], URL + "?a=1", False),
        (["@target-uri", "@authority", "content-digest"], URL, False),
        (["@method", "@path", "content-digest"], URL, False),  # no authority
        (["@method", "@target-uri", "content-type"], URL, False),  # digest present, not covered
    ],
)
async def test_rfc9421_required_components(components: list[str], url: str, ok: bool) -> None:
    request = rfc9421_signed(
        [CONTENT_DIGEST, ("Content-Type", "x")], components, RFC_PARAMS, url=url
    )
    resolver = Resolver(ed_key().public_key())
    if ok:
        await verify_request(request, resolver, now=NOW)
    else:
        assert await refused(request, resolver) == "component-missing"


async def test_rfc9421_time_needs_created_or_date() -> None:
    no_time = rfc9421_signed(
        [CONTENT_DIGEST], ["@method", "@target-uri", "content-digest"], [("keyid", KEY_ID)]
    )
    assert await refused(no_time, Resolver(ed_key().public_key())) == "component-missing"
    by_date = rfc9421_signed(
        [CONTENT_DIGEST, ("Date", http_date(NOW))],
        ["@method", "@target-uri", "date", "content-digest"],
        [("keyid", KEY_ID)],
    )
    result = await verify_request(by_date, Resolver(ed_key().public_key()), now=NOW)
    assert result.created == NOW


# --- algorithms and keys ----------------------------------------------------------------


@pytest.mark.parametrize(
    "algorithm", ["hmac-sha256", "rsa-sha512", "ecdsa-sha256", "rsa-sha1", "ed25519", "nonsense"]
)
async def test_cavage_unknown_algorithm_is_401_before_key_lookup(algorithm: str) -> None:
    value = (cavage().headers.combined("signature") or "").replace("rsa-sha256", algorithm)
    resolver = Resolver(rsa_key().public_key())
    assert await refused(replace_header(cavage(), "Signature", value), resolver) == (
        "algorithm-unsupported"
    )
    assert resolver.calls == []


@pytest.mark.parametrize("alg", ["ecdsa-p256-sha256", "hmac-sha256", "rsa-sha256", "RSA"])
async def test_rfc9421_unknown_alg_is_401_before_key_lookup(alg: str) -> None:
    request = rfc9421_signed(
        [CONTENT_DIGEST], ["@method", "@target-uri", "content-digest"], [*RFC_PARAMS, ("alg", alg)]
    )
    resolver = Resolver(ed_key().public_key())
    assert await refused(request, resolver) == "algorithm-unsupported"
    assert resolver.calls == []


async def test_rsa_1024_refused_by_default_policy() -> None:
    weak = rsa_key(1024)
    out = sign_cavage("POST", URL, JSON, BODY, KEY_ID, weak, NOW)
    request = request_with("POST", URL, {**JSON, **out}, BODY)
    assert await refused(request, Resolver(weak.public_key())) == "key-too-weak"
    relaxed = VerificationPolicy(min_rsa_bits=1024)
    assert (
        await verify_request(request, Resolver(weak.public_key()), now=NOW, policy=relaxed)
    ).key_id == KEY_ID


async def test_key_rotation_refetches_once() -> None:
    old, new = other_rsa_key(), rsa_key()
    resolver = Resolver(old.public_key(), new.public_key())
    result = await verify_request(cavage(), resolver, now=NOW)
    assert result.key_id == KEY_ID
    assert resolver.calls == [(KEY_ID, False), (KEY_ID, True)]
    assert [refresh for _, refresh in resolver.calls].count(True) == 1


async def test_key_rotation_from_rsa_to_ed25519_for_rfc9421() -> None:
    resolver = Resolver(rsa_key().public_key(), ed_key().public_key())
    assert (await verify_request(rfc(), resolver, now=NOW)).algorithm == "ed25519"
    assert resolver.calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_no_refresh_when_cached_key_works_or_error_is_not_key_related() -> None:
    resolver = Resolver(rsa_key().public_key())
    await verify_request(cavage(), resolver, now=NOW)
    assert resolver.calls == [(KEY_ID, False)]


async def test_unavailable_key() -> None:
    fetch_failed = Resolver(None, error=FetchError("peer down"))
    assert await refused(cavage(), fetch_failed) == "key-unavailable"
    assert fetch_failed.calls == [(KEY_ID, False)]
    gone = Resolver(None, error=SignatureError("gone", reason="key-unavailable"))
    assert await refused(cavage(), gone) == "key-unavailable"


# --- which signature -------------------------------------------------------------------


async def test_unsigned_request() -> None:
    assert await refused(request_with("POST", URL, BASE, BODY)) == "signature-missing"
    bearer = request_with("GET", URL, [("Authorization", "Bearer abc")])
    assert await refused(bearer) == "signature-missing"


async def test_signature_input_without_signature() -> None:
    request = replace_header(rfc(), "Signature", None)
    assert await refused(request, Resolver(ed_key().public_key())) == "signature-malformed"


async def test_second_rfc9421_signature_may_carry_the_request() -> None:
    good = rfc()
    bogus_input = 'bad=("@method");created=1;keyid="x"'
    request = request_with(
        "POST",
        URL,
        [
            *[(n, v) for n, v in good.headers if not n.startswith("signature")],
            ("Signature-Input", f"{bogus_input}, {good.headers.combined('signature-input')}"),
            ("Signature", f"bad=:AAAA:, {good.headers.combined('signature')}"),
        ],
        BODY,
    )
    resolver = Resolver(ed_key().public_key())
    assert (await verify_request(request, resolver, now=NOW)).key_id == KEY_ID
    assert resolver.calls == [(KEY_ID, False)]  # the bogus one never reached key lookup


async def test_too_many_signatures() -> None:
    inputs = ", ".join(f'l{i}=("@method");created={CREATED};keyid="k"' for i in range(5))
    signatures = ", ".join(f"l{i}=:AAAA:" for i in range(5))
    request = request_with("GET", URL, [("Signature-Input", inputs), ("Signature", signatures)])
    assert await refused(request) == "signature-malformed"


def test_every_http_date_form_gives_the_same_moment() -> None:
    import random
    from email.utils import format_datetime

    from federation.httpsig.policy import parse_http_date

    rng = random.Random(9110)
    for _ in range(500):
        moment = datetime(1995, 1, 1, tzinfo=NOW.tzinfo) + timedelta(seconds=rng.randint(0, 10**9))
        fixdate = format_datetime(moment, usegmt=True)  # the form every sender uses
        rfc850 = moment.strftime("%A, %d-%b-%y %H:%M:%S GMT")
        asctime = moment.strftime("%a %b %e %H:%M:%S %Y")
        assert parse_http_date(fixdate) == parse_http_date(rfc850) == moment, fixdate
        assert parse_http_date(asctime) == moment, asctime
    for bad in (
        "Sat, 31 Feb 2026 06:16:02 GMT",
        "Fri, 27 Nov 2026 25:16:02 GMT",
        "Fri, 27 Zzz 2026 06:16:02 GMT",
        "yesterday",
    ):
        with pytest.raises(SignatureError) as refused:
            parse_http_date(bad)
        assert refused.value.reason == "signature-malformed", bad
