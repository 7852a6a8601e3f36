"""Who is speaking: unsigned posts, borrowed keys, spoofed key documents, replays,
digest games and malformed signature headers. Each is refused at the inbox with
its reason logged, before any side effect (catalogue: CVE-2025-54888,
CVE-2024-23832, CVE-2026-28432, Misskey 2023-11, the generic replay and digest rows)."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from federation.httpsig import content_digest_header, sign_rfc9421
from federation.keys import NodeKeys, generate_keys
from tests.hostile.conftest import Net
from tests.hostile.harness import AP_JSON, cavage, json_doc, redirect, shared_keys


def _like(net: Net, n: str, **overrides: Any) -> dict[str, Any]:
    return net.mallory.activity("Like", f"{net.alice.id}/notes/1", n, **overrides)


async def test_an_unsigned_post_is_401(net: Net) -> None:
    body = json.dumps(_like(net, "unsigned")).encode()
    await net.expect_refusal(body, {"Content-Type": AP_JSON}, 401, "signature-missing")


async def test_a_valid_key_of_another_actor_on_another_host_is_refused(net: Net) -> None:
    forged = net.alice.activity("Like", "https://elsewhere.example/1", "forged")
    body, headers = net.signed(net.mallory, forged)  # Mallory's own, valid key
    await net.expect_refusal(body, headers, 401, "key-owner-mismatch")


async def test_a_valid_key_of_another_actor_on_the_same_host_is_refused(net: Net) -> None:
    bob = net.hostile.actor("hostile.test", "bob")
    forged = bob.activity("Like", "https://elsewhere.example/1", "forged")
    body, headers = net.signed(net.mallory, forged)
    await net.expect_refusal(body, headers, 401, "key-owner-mismatch")


async def test_a_key_id_naming_another_actors_key_does_not_verify(net: Net) -> None:
    forged = net.alice.activity("Like", "https://elsewhere.example/1", "keyid")
    body, headers = net.signed(net.alice, forged, keys=net.mallory.keys)
    await net.expect_refusal(body, headers, 401, "signature-invalid")


async def test_an_actor_document_served_under_another_origins_id_is_refused(net: Net) -> None:
    """CVE-2024-23832: hostile.test serves a document whose id is victim.test's actor."""
    eve = f"{net.hostile.base('hostile.test')}/users/eve"
    net.hostile.serve(
        eve,
        json_doc(
            net.alice.document(
                publicKey={
                    "id": f"{eve}#main-key",
                    "owner": net.alice.id,
                    "publicKeyPem": net.mallory.keys.rsa_public_pem(),
                }
            )
        ),
    )
    forged = net.alice.activity("Like", "https://elsewhere.example/1", "spoofed-actor")
    body, headers = net.signed(net.mallory, forged, key_id=f"{eve}#main-key")
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged("solidarity.inbox", "names another origin")


async def test_a_key_document_claiming_an_owner_who_does_not_list_it_is_refused(
    net: Net,
) -> None:
    key_id = f"{net.hostile.base('hostile.test')}/keys/1"
    net.hostile.serve(
        key_id,
        json_doc(
            {"id": key_id, "owner": net.alice.id, "publicKeyPem": net.mallory.keys.rsa_public_pem()}
        ),
    )
    forged = net.alice.activity("Like", "https://elsewhere.example/1", "standalone")
    body, headers = net.signed(net.mallory, forged, key_id=key_id)
    asked = net.hostile.hits(net.alice.id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.hostile.hits(net.alice.id) == asked + 1, "the claimed owner was asked: no"


async def test_a_key_url_redirecting_to_another_origin_is_refused(net: Net) -> None:
    key_id = f"{net.hostile.base('hostile.test')}/keys/2#k"
    net.hostile.serve(key_id, redirect(net.alice.id))
    forged = net.alice.activity("Like", "https://elsewhere.example/1", "key-redirect")
    body, headers = net.signed(net.mallory, forged, key_id=key_id)
    await net.expect_refusal(body, headers, 401, "key-unavailable")
    assert net.logged("solidarity.inbox", "served from another origin")


async def test_an_activity_id_on_another_host_is_403(net: Net) -> None:
    activity = _like(net, "x", id=f"{net.hostile.base('victim.test')}/activities/x")
    await net.expect_refusal(*net.signed(net.mallory, activity), 403, "activity-origin-mismatch")


async def test_userinfo_in_an_activity_id_does_not_make_it_same_origin(net: Net) -> None:
    port = net.hostile.port
    sneaky = f"http://hostile.test:{port}@victim.test:{port}/activities/userinfo"
    await net.expect_refusal(
        *net.signed(net.mallory, _like(net, "u", id=sneaky)), 403, "activity-origin-mismatch"
    )


async def test_a_replay_within_the_window_is_accepted_once(net: Net) -> None:
    body, headers = net.signed(net.mallory, _like(net, "replay"))
    assert (await net.post(body, headers))[0] == 202
    before = net.target.dump()
    net.clock.advance(timedelta(minutes=2))
    assert (await net.post(body, headers))[0] == 202
    assert net.target.dump() == before, "the replay had no effect"


async def test_a_replay_outside_the_window_is_401(net: Net) -> None:
    body, headers = net.signed(net.mallory, _like(net, "old"))
    net.clock.advance(timedelta(hours=2))
    await net.expect_refusal(body, headers, 401, "date-out-of-window")


async def test_the_same_activity_id_with_a_fresh_signature_is_deduplicated(net: Net) -> None:
    activity = _like(net, "again")
    assert (await net.send(net.mallory, activity))[0] == 202
    await net.settle()
    before = net.target.dump()
    net.clock.advance(timedelta(minutes=30))
    changed = {**activity, "object": f"{net.alice.id}/notes/2"}
    assert (await net.send(net.mallory, changed))[0] == 202
    await net.settle()
    assert net.target.dump() == before


def _body(net: Net, n: str) -> bytes:
    return json.dumps(_like(net, n)).encode()


def _md5(body: bytes) -> str:
    return "MD5=" + base64.b64encode(hashlib.md5(body).digest()).decode()  # noqa: S324


@pytest.mark.parametrize(
    ("case", "values", "reason"),
    [
        ("missing", {"digest": None}, "digest-missing"),
        (
            "wrong",
            {"digest": "SHA-256=" + base64.b64encode(b"\0" * 32).decode()},
            "digest-mismatch",
        ),
        ("other-algorithm", {"digest": "md5"}, "digest-algorithm-unsupported"),
        ("one-of-two-wrong", {"digest": "both"}, "digest-mismatch"),
        ("not-base64", {"digest": "SHA-256=***"}, "signature-malformed"),
    ],
)
async def test_digest_games_are_401(
    net: Net, case: str, values: dict[str, str | None], reason: str
) -> None:
    body = _body(net, f"digest-{case}")
    good = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    if values.get("digest") == "md5":
        values = {"digest": _md5(body)}
    elif values.get("digest") == "both":
        values = {"digest": f"{good},SHA-512=" + base64.b64encode(b"\1" * 64).decode()}
    headers = cavage(net.mallory, net.inbox, body, net.clock, values=values)
    await net.expect_refusal(body, headers, 401, reason)


def _sig(net: Net, body: bytes, signature: str) -> dict[str, str]:
    headers = cavage(net.mallory, net.inbox, body, net.clock)
    return {**headers, "Signature": signature}


@pytest.mark.parametrize(
    ("case", "signature", "reason"),
    [
        (
            "duplicate-headers",
            'keyId="{k}",headers="date",headers="(request-target) host date '
            'digest",signature="{s}"',
            "signature-malformed",
        ),
        (
            "empty-signature",
            'keyId="{k}",headers="(request-target) host date digest",signature=""',
            "signature-malformed",
        ),
        (
            "empty-key-id",
            'keyId="",headers="(request-target) host date digest",signature="{s}"',
            "signature-malformed",
        ),
        (
            "unknown-algorithm",
            'keyId="{k}",algorithm="hmac-sha999",headers="(request-target) '
            'host date digest",signature="{s}"',
            "algorithm-unsupported",
        ),
        ("garbage", "this is not a signature header", "signature-malformed"),
        (
            "unknown-pseudo-header",
            'keyId="{k}",algorithm="hs2019",created=1,headers="(request-'
            'target) (nonsense) host date digest",signature="{s}"',
            "component-unsupported",
        ),
    ],
)
async def test_malformed_signature_headers_are_401(
    net: Net, case: str, signature: str, reason: str
) -> None:
    body = _body(net, f"sig-{case}")
    good = cavage(net.mallory, net.inbox, body, net.clock)["Signature"]
    raw = good.split('signature="')[1].rstrip('"')
    value = signature.replace("{k}", net.mallory.key_id).replace("{s}", raw)
    await net.expect_refusal(body, _sig(net, body, value), 401, reason)


async def test_two_signature_header_fields_are_malformed(net: Net) -> None:
    body = _body(net, "two-fields")
    headers = cavage(net.mallory, net.inbox, body, net.clock)
    pairs = [*headers.items(), ("Signature", headers["Signature"])]
    before = net.target.dump()
    net.caplog.clear()
    response = await net.target.client.post("/inbox", data=body, headers=pairs)
    assert (response.status, (await response.json())["reason"]) == (401, "signature-malformed")
    assert net.logged("solidarity.inbox", "status=401 reason=signature-malformed")
    assert net.target.dump() == before


async def test_a_garbled_date_header_is_malformed(net: Net) -> None:
    body = _body(net, "date")
    headers = cavage(net.mallory, net.inbox, body, net.clock, values={"date": "yesterday-ish"})
    await net.expect_refusal(body, headers, 401, "signature-malformed")


async def test_an_expired_signature_is_refused(net: Net) -> None:
    body = _body(net, "expired")
    now = int(net.clock.now().timestamp())
    headers = cavage(
        net.mallory,
        net.inbox,
        body,
        net.clock,
        algorithm="hs2019",
        params=f",created={now - 600},expires={now - 300}",
    )
    await net.expect_refusal(body, headers, 401, "signature-expired")


def _rfc9421(net: Net, body: bytes, **changes: str) -> dict[str, str]:
    headers = sign_rfc9421(
        "POST",
        net.inbox,
        [("Content-Type", AP_JSON)],
        body,
        net.mallory.ed_key_id,
        net.mallory.keys.ed25519,
        net.clock.now(),
    )
    return {"Content-Type": AP_JSON, **headers, **changes}


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("input-garbage", "signature-malformed"),
        ("labels-differ", "signature-malformed"),
        ("no-keyid", "signature-malformed"),
        ("unknown-alg", "algorithm-unsupported"),
        ("digest-not-covered", "digest-missing"),
        ("empty-signature", "signature-malformed"),
    ],
)
async def test_malformed_rfc9421_signatures_are_401(net: Net, case: str, reason: str) -> None:
    body = _body(net, f"rfc9421-{case}")
    headers = _rfc9421(net, body)
    created = int(net.clock.now().timestamp())
    covered = '("@method" "@target-uri" "@authority" "content-digest")'
    if case == "input-garbage":
        headers["Signature-Input"] = "sig1=((((;;"
    elif case == "labels-differ":
        headers["Signature-Input"] = headers["Signature-Input"].replace("sig1=", "sig2=")
    elif case == "no-keyid":
        headers["Signature-Input"] = f'sig1={covered};created={created};alg="ed25519"'
    elif case == "unknown-alg":
        headers["Signature-Input"] = (
            f'sig1={covered};created={created};keyid="{net.mallory.ed_key_id}";alg="rot13"'
        )
    elif case == "digest-not-covered":
        headers["Signature-Input"] = (
            f'sig1=("@method" "@target-uri" "@authority");'
            f'created={created};keyid="{net.mallory.ed_key_id}"'
        )
        headers.pop("Content-Digest")
    elif case == "empty-signature":
        headers["Signature"] = "sig1=::"
    await net.expect_refusal(body, headers, 401, reason)


async def test_a_content_digest_with_only_sha512_is_parsed_and_checked(net: Net) -> None:
    """The catalogue: Mastodon refuses sha-512-only Content-Digest; we must at least parse
    it. A wrong sha-512 value is a mismatch, not a crash or a pass."""
    body = _body(net, "sha512")
    headers = _rfc9421(net, body)
    wrong = content_digest_header(body + b" ", "sha-512")
    headers["Content-Digest"] = wrong
    await net.expect_refusal(body, headers, 401, "digest-mismatch")


async def test_a_weak_rsa_key_is_refused(net: Net) -> None:
    weak = NodeKeys(
        rsa=rsa.generate_private_key(public_exponent=65537, key_size=1024),  # noqa: S505
        ed25519=generate_keys().ed25519,
    )
    feeble = net.hostile.actor("hostile.test", "feeble", keys=weak)
    activity = feeble.activity("Like", "https://elsewhere.example/1", "weak")
    # The first attempt caches the (public) key; the refusal itself must change nothing.
    assert (await net.send(feeble, activity))[0] == 401
    activity = feeble.activity("Like", "https://elsewhere.example/1", "weak-2")
    await net.expect_refusal(*net.signed(feeble, activity), 401, "key-too-weak")


async def test_a_key_id_that_is_not_a_url_is_401(net: Net) -> None:
    body, headers = net.signed(net.mallory, _like(net, "acct"), key_id="acct:mallory@hostile.test")
    await net.expect_refusal(body, headers, 401, "key-unavailable")


async def test_an_ed25519_key_claimed_as_rsa_is_refused(net: Net) -> None:
    def attempt(n: str) -> tuple[bytes, dict[str, str]]:
        body = _body(net, n)
        return body, cavage(net.mallory, net.inbox, body, net.clock, key_id=net.mallory.ed_key_id)

    assert (await net.post(*attempt("keytype-1")))[0] == 401  # caches the key, as above
    await net.expect_refusal(*attempt("keytype-2"), 401, "key-type-mismatch")


def test_attackers_keys_are_distinct() -> None:
    assert shared_keys(0).rsa_public_pem() != shared_keys(1).rsa_public_pem()
