"""Bodies built to hurt the parser: too big, too deep, too wide, not JSON, not an
activity. Each is a 4xx with its reason, never a 5xx, and nothing is stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.hostile.conftest import API_LOG, INBOX_LOG, Net
from tests.hostile.harness import AP_JSON, sign


def _like(net: Net, n: str, **overrides: Any) -> dict[str, Any]:
    return net.mallory.activity("Like", f"{net.alice.id}/notes/1", n, **overrides)


def _signed(net: Net, body: bytes) -> dict[str, str]:
    return sign(net.mallory, net.inbox, body, net.clock)


async def test_an_oversized_body_is_413_before_parsing(net: Net) -> None:
    body = json.dumps(_like(net, "big", content="x" * 400_000)).encode()
    await net.expect_refusal(body, _signed(net, body), 413, "body-too-large", logger=API_LOG)
    assert not net.logged(INBOX_LOG, "inbox rejected"), "the receiver never saw it"


async def test_an_oversized_chunked_body_without_a_length_is_413(net: Net) -> None:
    chunk = b" " * 65_536

    async def stream() -> AsyncIterator[bytes]:
        yield b'{"id": "x", "pad": "'
        for _ in range(8):
            yield chunk
        yield b'"}'

    before = net.target.dump()
    net.caplog.clear()
    response = await net.target.client.post(
        "/inbox", data=stream(), headers={"Content-Type": AP_JSON}
    )
    assert response.status == 413
    assert (await response.json())["reason"] == "body-too-large"
    assert net.logged(API_LOG, "status=413 reason=body-too-large")
    assert net.target.dump() == before


@pytest.mark.parametrize("chunked", [False, True])
async def test_a_large_legitimate_activity_is_read_whole(net: Net, chunked: bool) -> None:
    """Regression: the inbox took what one read returned, so a body larger than what had
    arrived so far was parsed truncated (400 json-malformed)."""
    activity = _like(net, f"large-{chunked}", content="y" * 200_000)
    body = json.dumps(activity).encode()
    headers = _signed(net, body)

    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    response = await net.target.client.post(
        "/inbox", data=stream() if chunked else body, headers=headers
    )
    assert response.status == 202, await response.text()
    assert activity["id"] in await net.outcomes()


async def test_deeply_nested_json_is_400_not_500(net: Net) -> None:
    body = b'{"id": "x", "nest": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    await net.expect_refusal(body, _signed(net, body), 400, "json-malformed")


async def test_nesting_beyond_the_limit_is_400(net: Net) -> None:
    nest: Any = "deep"
    for _ in range(40):
        nest = {"a": nest}
    body = json.dumps(_like(net, "nest", context=nest)).encode()
    await net.expect_refusal(body, _signed(net, body), 400, "json-too-deep")


@pytest.mark.parametrize("field", ["to", "cc", "bcc", "audience"])
async def test_huge_recipient_arrays_are_400(net: Net, field: str) -> None:
    wide = _like(net, f"wide-{field}", **{field: [1] * 100_000})
    body = json.dumps(wide, separators=(",", ":")).encode()
    await net.expect_refusal(body, _signed(net, body), 400, "too-many-recipients")


async def test_an_integer_of_five_thousand_digits_is_400(net: Net) -> None:
    body = b'{"id": "x", "n": ' + b"9" * 5000 + b"}"
    await net.expect_refusal(body, _signed(net, body), 400, "json-malformed")


async def test_invalid_utf8_is_400(net: Net) -> None:
    body = b'{"id": "\xff\xfe"}'
    await net.expect_refusal(body, _signed(net, body), 400, "json-malformed")


@pytest.mark.parametrize(
    ("case", "document"),
    [
        ("array", [1, 2, 3]),
        ("no-actor", {"id": "http://hostile.test/a", "type": "Like"}),
        ("actor-list", {"id": "http://hostile.test/a", "type": "Like", "actor": ["a", "b"]}),
        ("type-object", {"id": "http://hostile.test/a", "type": {"x": 1}, "actor": "a"}),
        (
            "id-not-a-url",
            {"id": "urn:uuid:1f2e", "type": "Like", "actor": "http://hostile.test/users/mallory"},
        ),
    ],
)
async def test_shapes_that_are_not_activities_are_400(net: Net, case: str, document: Any) -> None:
    body = json.dumps(document).encode()
    await net.expect_refusal(body, _signed(net, body), 400, "activity-malformed")


async def test_a_wrong_media_type_is_415(net: Net) -> None:
    body = json.dumps(_like(net, "media")).encode()
    headers = {**_signed(net, body), "Content-Type": "text/html"}
    await net.expect_refusal(body, headers, 415, "inbox-media-type", logger=API_LOG)


async def test_a_context_on_the_attackers_host_is_never_fetched(net: Net) -> None:
    context = f"{net.hostile.base('hostile.test')}/context.jsonld"
    body = json.dumps({**_like(net, "ctx"), "@context": context}).encode()
    await net.expect_refusal(body, _signed(net, body), 422, "context-unresolvable")
    assert net.hostile.hits(context) == 0
