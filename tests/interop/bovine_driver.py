"""Drives bovine (https://codeberg.org/bovine/bovine) for the interop tests.

Run with the python of the bovine virtual environment, never ours: bovine pins
``cryptography<46`` and ``pyld<3``. This script imports nothing of Solidarity
Node; the test talks to it with one JSON object on stdin and reads one JSON
object from stdout.

    python bovine_driver.py actor|follow|verify|digest < request.json

Every URL it touches must be on loopback; anything else is refused before a
connection is opened.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from bovine.activitystreams import ActivityFactory, Actor
from bovine.clients.signed_http import (
    SignedHttpClient,
    legacy_digest_method,
    legacy_digest_method_uppercase,
)
from bovine.crypto import SignatureChecker, generate_rsa_public_private_key
from bovine.crypto.digest import validate_digest
from bovine.crypto.helper import content_digest_sha256, content_digest_sha256_rfc_9530
from bovine.crypto.types import CryptographicIdentifier

LOOPBACK = frozenset({"127.0.0.1", "::1"})
ACTIVITY_JSON = "application/activity+json"

Json = dict[str, Any]

# bovine's three ways to send a body digest: Digest sha-256= (its default),
# Digest SHA-256=, and RFC 9530 Content-Digest. Each is covered by the signature.
DIGEST_METHODS: dict[str, Callable[[bytes], tuple[str, str]]] = {
    "digest": legacy_digest_method,
    "digest-uppercase": legacy_digest_method_uppercase,
    "content-digest": content_digest_sha256_rfc_9530,
}


def loopback(url: str) -> str:
    """``url`` itself, if its host is a loopback address; else refuse."""
    if urlsplit(url).hostname not in LOOPBACK:
        raise SystemExit(f"refusing a non-loopback URL: {url!r}")
    return url


def bovine_version() -> str:
    return version("bovine")


async def make_actor(request: Json) -> Json:
    """A fresh RSA key from bovine's helper, and bovine's actor document for it."""
    actor_id = loopback(request["actor_id"])
    public_pem, private_pem = generate_rsa_public_private_key()
    document = Actor(
        id=actor_id,
        preferred_username=request.get("username", "bovine"),
        name="bovine interop actor",
        inbox=f"{actor_id}/inbox",
        outbox=f"{actor_id}/outbox",
        followers=f"{actor_id}/followers",
        following=f"{actor_id}/following",
        public_key=public_pem,
        public_key_name="main-key",
    ).build()
    return {"actor": document, "key_id": f"{actor_id}#main-key", "private_pem": private_pem}


class _TamperingSession:
    """Passes bovine's signed POST on with its body changed after signing."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def post(self, url: str, data: str, headers: dict[str, str]) -> Any:
        return await self._session.post(url, data=data.replace("Follow", "Flag"), headers=headers)


async def follow(request: Json) -> Json:
    """bovine's Follow, signed and POSTed by bovine's SignedHttpClient."""
    actor: Json = request["actor"]
    inbox = loopback(request["inbox"])
    activity = ActivityFactory(actor).follow(request["object"], id=request["follow_id"]).build()
    async with aiohttp.ClientSession() as session:
        transport: Any = _TamperingSession(session) if request.get("tamper") else session
        client = SignedHttpClient(
            transport,
            actor["publicKey"]["id"],
            request["private_pem"],
            digest_method=DIGEST_METHODS[request.get("digest", "digest")],
        )
        response = await client.post(inbox, json.dumps(activity))
        async with response:
            body = await response.text()
    sent = {name.lower(): value for name, value in response.request_info.headers.items()}
    return {"activity": activity, "status": response.status, "body": body, "sent": sent}


def _key_retriever(
    session: aiohttp.ClientSession, fetched: list[str]
) -> Callable[[str], Awaitable[CryptographicIdentifier | None]]:
    async def retrieve(key_id: str) -> CryptographicIdentifier | None:
        url = loopback(key_id.split("#", 1)[0])
        fetched.append(url)
        async with session.get(url, headers={"Accept": ACTIVITY_JSON}) as response:
            if response.status != 200:
                return None
            document = await response.json(content_type=None)
        key = document.get("publicKey")
        if not isinstance(key, dict) or key.get("id") != key_id:
            return None
        return CryptographicIdentifier.from_public_key(key)

    return retrieve


async def verify(request: Json) -> Json:
    """Check each captured request with bovine's SignatureChecker: its owner, or None."""
    results: list[str | None] = []
    fetched: list[str] = []
    async with aiohttp.ClientSession() as session:
        checker = SignatureChecker(_key_retriever(session, fetched))
        for message in request["requests"]:
            headers = {name.lower(): value for name, value in message["headers"]}
            body = base64.b64decode(message["body"])

            async def read_body(body: bytes = body) -> bytes:
                return body

            owner = await checker.validate_signature(
                message["method"], loopback(message["url"]), headers, read_body
            )
            results.append(owner)
    return {"owners": results, "fetched": fetched}


def _digests(body: bytes, given: dict[str, str]) -> Json:
    return {
        "digest": content_digest_sha256(body, prefix="SHA-256"),
        "digest_lowercase": content_digest_sha256(body),
        "content_digest": content_digest_sha256_rfc_9530(body)[1],
        "accepts": {name: validate_digest({name: value}, body) for name, value in given.items()},
    }


async def digest(request: Json) -> Json:
    """bovine's digests of each body, and whether bovine accepts the digests given for it."""
    return {
        "results": [
            _digests(base64.b64decode(case["body"]), case.get("given", {}))
            for case in request["cases"]
        ]
    }


COMMANDS: dict[str, Callable[[Json], Awaitable[Json]]] = {
    "actor": make_actor,
    "follow": follow,
    "verify": verify,
    "digest": digest,
}


def main() -> None:
    command = sys.argv[1] if len(sys.argv) == 2 else ""
    if command not in COMMANDS:
        raise SystemExit(f"usage: bovine_driver.py {'|'.join(COMMANDS)} < request.json")
    request = json.load(sys.stdin)
    result = asyncio.run(COMMANDS[command](request))
    json.dump({"bovine": bovine_version(), **result}, sys.stdout)


if __name__ == "__main__":
    main()
