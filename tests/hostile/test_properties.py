"""Property-based tests: whatever a peer sends, signature-header parsing, JCS, host
normalisation and the inbox's JSON intake end in a typed refusal (or a result),
never an unhandled exception (which the HTTP layer would turn into a 5xx)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from federation.errors import FederationError  # noqa: E402
from federation.hosts import id_host, peer_host  # noqa: E402
from federation.httpsig import Headers, HttpRequest, PublicKeyRecord, verify_request  # noqa: E402
from federation.httpsig.cavage import parse_signature_header  # noqa: E402
from federation.inbox import InboxLimits, InboxReceiver, parse_activity  # noqa: E402
from federation.ports import InboundActivity  # noqa: E402
from federation.proofs import CanonicalizationError, canonicalize  # noqa: E402

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200)
# Pieces a hostile Signature header is made of, shuffled into anything.
signature_parts = st.lists(
    st.sampled_from(
        [
            'keyId="x"',
            'keyId=""',
            "algorithm=hs2019",
            'algorithm="rsa-sha256"',
            'headers="(request-target) host date"',
            'headers=""',
            'signature="AAAA"',
            'signature="***"',
            "created=1",
            "expires=99999999999999999",
            ",",
            "=",
            '"',
            "\\",
            " ",
            "keyid",
            'headers="date date"',
        ]
    ),
    max_size=12,
).map("".join)


def _refusal(error: FederationError, low: int, high: int) -> None:
    assert low <= error.status <= high and error.reason


@QUICK
@given(st.one_of(header_text, signature_parts))
def test_signature_header_parsing_refuses_with_a_reason(value: str) -> None:
    try:
        parse_signature_header(value)
    except FederationError as error:
        _refusal(error, 401, 401)


async def _no_key(key_id: str, refresh: bool) -> PublicKeyRecord:
    raise FederationError("no keys in this test", reason="key-unavailable", status=401)


@QUICK
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "Signature",
                "Signature-Input",
                "Digest",
                "Content-Digest",
                "Date",
                "Host",
                "Authorization",
            ]
        ),
        st.one_of(header_text, signature_parts),
        max_size=5,
    ),
    st.binary(max_size=64),
)
def test_request_verification_refuses_with_a_reason(headers: dict[str, str], body: bytes) -> None:
    request = HttpRequest("POST", "https://node.test/inbox", Headers(list(headers.items())), body)
    try:
        asyncio.run(verify_request(request, _no_key, now=NOW))
    except FederationError as error:
        _refusal(error, 401, 401)


@QUICK
@given(json_values)
def test_jcs_is_deterministic_or_refuses(value: Any) -> None:
    try:
        first = canonicalize(value)
    except CanonicalizationError:
        return
    assert canonicalize(value) == first
    try:
        again = canonicalize(json.loads(first))
    except CanonicalizationError:
        # rfc8785 writes the float 2**53 as "9007199254740992" and then refuses that
        # integer once re-parsed: a typed refusal, never a crash or a different output.
        return
    assert again == first


@QUICK
@given(st.one_of(st.text(max_size=60), st.from_regex(r"https?://[A-Za-z0-9.:\[\]@-]{1,30}/?")))
def test_host_normalisation_returns_a_host_or_refuses(value: str) -> None:
    try:
        host = peer_host(value)
    except ValueError:
        return
    assert host == host.lower() and not host.endswith(".")


@QUICK
@given(
    st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}", fullmatch=True),
    st.sampled_from(
        [("https", ""), ("https", "."), ("https", ":443"), ("http", ":80"), ("http", ".:80")]
    ),
    st.booleans(),
)
def test_host_spellings_of_one_peer_normalise_alike(
    name: str, spelling: tuple[str, str], upper: bool
) -> None:
    scheme, suffix = spelling
    spelled = (name.upper() if upper else name) + suffix
    assert peer_host(f"{scheme}://{spelled}/actor") == peer_host(name) == name


urls = st.from_regex(
    r"(https?://|//|)[A-Za-z0-9.:\[\]@?#%\t-]{0,24}(/[a-z?#/]{0,8})?", fullmatch=True
)


@QUICK
@given(urls, urls, st.booleans())
def test_an_ids_host_is_its_own_whatever_its_owner(url: str, owner: str, shared: bool) -> None:
    if shared:  # the common case: the id written under the owner's scheme and authority
        url = owner + url
    try:
        expected: str | ValueError = peer_host(url)
    except ValueError as error:
        expected = error
    try:
        assert id_host(url, owner) == expected
    except ValueError:
        assert isinstance(expected, ValueError)


class _Store:
    async def persist(self, activity: InboundActivity, received_at: datetime) -> bool:
        return True


async def _allow(host: str) -> str | None:
    return None


@QUICK
@given(st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=200)))
def test_inbox_intake_refuses_with_a_4xx(body: bytes) -> None:
    receiver = InboxReceiver(_no_key, _Store(), _allow, lambda: NOW)
    request = HttpRequest(
        "POST",
        "https://node.test/inbox",
        Headers([("Content-Type", "application/activity+json")]),
        body,
    )
    try:
        parse_activity(body, InboxLimits())
        asyncio.run(receiver.receive("shared", request))
    except FederationError as error:
        _refusal(error, 400, 499)
    else:
        pytest.fail("an unsigned activity was accepted")


def _true_depth(value: Any) -> int:
    """Levels of objects and arrays (a scalar adds none)."""
    if isinstance(value, dict):
        return 1 + max((_true_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_true_depth(v) for v in value), default=0)
    return 0


nested = st.recursive(
    st.none() | st.text(alphabet='{}[]\\"ab', max_size=6),  # brackets inside strings too
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=40,
)


@QUICK
@given(nested, st.integers(min_value=1, max_value=6))
def test_nesting_is_refused_exactly_past_the_limit(nest: Any, limit: int) -> None:
    document = {
        "id": "https://a.example/1",
        "type": "Like",
        "actor": "https://a.example/u",
        "object": nest,
    }
    body = json.dumps(document).encode()
    if _true_depth(document) > limit:
        with pytest.raises(FederationError, match="nested too deeply"):
            parse_activity(body, InboxLimits(max_depth=limit))
    else:
        assert parse_activity(body, InboxLimits(max_depth=limit)) == document
