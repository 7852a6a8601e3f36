"""A hostile peer: a real aiohttp server on loopback with its own keys.

One server answers for several host names (virtual hosts picked by the Host
header), all resolved to 127.0.0.1 by the target node's test resolver, so one
process can play an attacker, the honest peer it impersonates, a blocked
domain and a relay at once. Every route can be replaced by a *responder*: a
spoofed document, a redirect, a status, a byte-a-while drip, or a hang after
the headers. Every request it gets is recorded, so tests can assert what the
node fetched (and what it did not).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from federation.httpsig import digest_header, sign_cavage, sign_rfc9421
from federation.keys import NodeKeys, generate_keys
from federation.proofs import create_proof, multikey_document
from node.clock import ManualClock

AP_JSON = "application/activity+json"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
Responder = Callable[[web.Request], Awaitable[web.StreamResponse]]

_KEYS: list[NodeKeys] = []


def shared_keys(index: int) -> NodeKeys:
    """Attackers' keys, generated once per test session (RSA generation is slow)."""
    while len(_KEYS) <= index:
        _KEYS.append(generate_keys())
    return _KEYS[index]


@dataclass(frozen=True)
class Seen:
    method: str
    host: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Actor:
    """An actor the hostile server publishes (an attacker, or an honest peer)."""

    base: str
    name: str
    keys: NodeKeys

    @property
    def id(self) -> str:
        return f"{self.base}/users/{self.name}"

    @property
    def key_id(self) -> str:
        return f"{self.id}#main-key"

    @property
    def ed_key_id(self) -> str:
        return f"{self.id}#ed25519-key"

    @property
    def inbox(self) -> str:
        return f"{self.id}/inbox"

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc

    def document(self, **overrides: Any) -> dict[str, Any]:
        return {
            "@context": [
                AS_CONTEXT,
                "https://w3id.org/security/v1",
                "https://w3id.org/security/multikey/v1",
            ],
            "id": self.id,
            "type": "Group",
            "preferredUsername": self.name,
            "name": self.name.title(),
            "inbox": self.inbox,
            "outbox": f"{self.id}/outbox",
            "followers": f"{self.id}/followers",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {
                "id": self.key_id,
                "owner": self.id,
                "publicKeyPem": self.keys.rsa_public_pem(),
            },
            "assertionMethod": [
                multikey_document(self.ed_key_id, self.id, self.keys.ed25519.public_key())
            ],
            **overrides,
        }

    def proposal(self, n: int | str, **overrides: Any) -> dict[str, Any]:
        """An FEP-0837 offer attributed to this actor (unsigned)."""
        object_id = f"{self.base}/offers/{n}"
        return {
            "@context": [AS_CONTEXT, "https://w3id.org/security/data-integrity/v2"],
            "id": object_id,
            "type": "Proposal",
            "purpose": "offer",
            "attributedTo": self.id,
            "name": f"Rice {n}",
            "summary": "Dry rice, sealed bags",
            "content": "<p>Dry rice</p>",
            "published": "2026-03-01T09:00:00Z",
            "updated": "2026-03-01T09:00:00Z",
            "url": object_id,
            "urgency": "anytime",
            "itemStatus": "open",
            "publishes": {
                "id": f"{object_id}#primary",
                "type": "Intent",
                "action": "transfer",
                "resourceClassifiedAs": ["https://w3id.org/solidarity-node/taxonomy#food"],
                "resourceQuantity": {"hasUnit": "kilogram", "hasNumericalValue": 20},
                "availableQuantity": {"hasUnit": "kilogram", "hasNumericalValue": 20},
                "provider": self.id,
                "finished": False,
            },
            "tag": [{"type": "Hashtag", "name": "#food"}],
            "to": [PUBLIC],
            "cc": [f"{self.id}/followers"],
            **overrides,
        }

    def prove(self, document: dict[str, Any], clock: ManualClock) -> dict[str, Any]:
        """Attach an eddsa-jcs-2022 proof made with this actor's Ed25519 key."""
        return create_proof(document, self.keys.ed25519, self.ed_key_id, clock.now())

    def activity(self, kind: str, obj: Any, n: int | str, **overrides: Any) -> dict[str, Any]:
        return {
            "@context": AS_CONTEXT,
            "id": f"{self.base}/activities/{kind.lower()}-{n}",
            "type": kind,
            "actor": self.id,
            "object": obj,
            "to": [PUBLIC],
            **overrides,
        }


def json_doc(document: Any, *, status: int = 200, content_type: str = AP_JSON) -> Responder:
    async def respond(request: web.Request) -> web.StreamResponse:
        return web.Response(
            status=status, body=json.dumps(document).encode(), content_type=content_type
        )

    return respond


def raw(
    body: bytes,
    *,
    status: int = 200,
    content_type: str = AP_JSON,
    headers: dict[str, str] | None = None,
) -> Responder:
    async def respond(request: web.Request) -> web.StreamResponse:
        return web.Response(
            status=status, body=body, content_type=content_type, headers=headers or {}
        )

    return respond


def redirect(location: str, status: int = 302) -> Responder:
    async def respond(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": location})

    return respond


@dataclass
class HostileServer:
    """The attacker's server. ``serve(url, responder)`` replaces what ``url`` answers."""

    port: int
    clock: ManualClock
    routes: dict[tuple[str, str], Responder] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    server: TestServer | None = None
    actors: list[Actor] = field(default_factory=list)

    def base(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def actor(
        self, host: str, name: str, keys: NodeKeys | None = None, software: str = "solidarity-node"
    ) -> Actor:
        """Publish an actor at ``http://host:port/users/name`` (its document is live:
        later changes to the returned Actor's keys are served)."""
        actor = Actor(self.base(host), name, keys or shared_keys(len(self.actors)))
        self.actors.append(actor)

        async def document(request: web.Request) -> web.StreamResponse:
            return web.Response(body=json.dumps(actor.document()).encode(), content_type=AP_JSON)

        self.serve(actor.id, document)
        self.nodeinfo(host, software)
        return actor

    def nodeinfo(self, host: str, software: str) -> None:
        href = f"{self.base(host)}/nodeinfo/2.0"
        links = {
            "links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": href}]
        }
        info = {
            "version": "2.0",
            "protocols": ["activitypub"],
            "software": {"name": software, "version": "1.0"},
        }
        self.routes.setdefault(
            (host, "/.well-known/nodeinfo"), json_doc(links, content_type="application/json")
        )
        self.routes.setdefault(
            (host, "/nodeinfo/2.0"), json_doc(info, content_type="application/json")
        )

    def serve(self, url: str, responder: Responder) -> None:
        parts = urlsplit(url)
        self.routes[((parts.hostname or "").lower(), parts.path or "/")] = responder

    def hits(self, url: str) -> int:
        parts = urlsplit(url)
        host, path = (parts.hostname or "").lower(), parts.path or "/"
        return sum(1 for seen in self.requests if (seen.host, seen.path) == (host, path))

    def hosts_contacted(self) -> set[str]:
        return {seen.host for seen in self.requests}

    # -- misbehaving responders ------------------------------------------------

    def drip(self, body: bytes, every: float = 0.05) -> Responder:
        """Headers at once, then one byte every ``every`` seconds (a slowloris answer)."""

        async def respond(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": AP_JSON})
            await response.prepare(request)
            for byte in body:
                if self.release.is_set():
                    break
                await response.write(bytes([byte]))
                await asyncio.sleep(every)
            return response

        return respond

    def hang(self, status: int = 200) -> Responder:
        """Headers at once, then nothing until the test ends."""

        async def respond(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(status=status, headers={"Content-Type": AP_JSON})
            await response.prepare(request)
            await self.release.wait()
            return response

        return respond

    def stall(self) -> Responder:
        """Not even headers until the test ends (a peer that accepts and never answers)."""

        async def respond(request: web.Request) -> web.StreamResponse:
            await self.release.wait()
            return web.Response(status=202)

        return respond

    # -- the server ------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        host = request.host.rsplit(":", 1)[0].lower().rstrip(".") if request.host else ""
        body = await request.read()
        self.requests.append(Seen(request.method, host, request.path, dict(request.headers), body))
        responder = self.routes.get((host, request.path))
        if responder is not None:
            return await responder(request)
        if request.method == "POST":
            try:
                self.posts.append((f"{host}{request.path}", json.loads(body)))
            except ValueError:
                return web.Response(status=400)
            return web.Response(status=202)
        return web.Response(status=404)

    async def start(self) -> None:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self.server = TestServer(app, host="127.0.0.1", port=self.port)
        await self.server.start_server()

    async def close(self) -> None:
        self.release.set()
        if self.server is not None:
            await self.server.close()


# -- signing hand-made requests ------------------------------------------------


def sign(
    actor: Actor,
    url: str,
    body: bytes,
    clock: ManualClock,
    *,
    key_id: str | None = None,
    keys: NodeKeys | None = None,
    scheme: str = "cavage",
) -> dict[str, str]:
    """Headers for a POST of ``body`` to ``url`` signed by ``actor`` (or the given key)."""
    keys = keys or actor.keys
    headers = [("Content-Type", AP_JSON)]
    if scheme == "rfc9421":
        signed = sign_rfc9421(
            "POST", url, headers, body, key_id or actor.ed_key_id, keys.ed25519, clock.now()
        )
    else:
        signed = sign_cavage(
            "POST", url, headers, body, key_id or actor.key_id, keys.rsa, clock.now()
        )
    return {"Content-Type": AP_JSON, **signed}


def cavage(
    actor: Actor,
    url: str,
    body: bytes,
    clock: ManualClock,
    *,
    names: tuple[str, ...] = ("(request-target)", "host", "date", "digest"),
    values: dict[str, str | None] | None = None,
    algorithm: str = "rsa-sha256",
    key_id: str | None = None,
    params: str = "",
) -> dict[str, str]:
    """A draft-cavage signature built by hand, over exactly ``names``, with header
    ``values`` overridden (None drops a header after signing is impossible to fake)."""
    target = urlsplit(url)
    headers: dict[str, str | None] = {
        "content-type": AP_JSON,
        "host": target.netloc,
        "date": format_datetime(clock.now().astimezone(UTC), usegmt=True),
        "digest": digest_header(body),
    }
    headers.update({name.lower(): value for name, value in (values or {}).items()})
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): post {target.path}")
        else:
            lines.append(f"{name}: {headers.get(name) or ''}")
    raw = actor.keys.rsa.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    signature = base64.b64encode(raw).decode()
    out = {name.title(): value for name, value in headers.items() if value is not None}
    out["Signature"] = (
        f'keyId="{key_id or actor.key_id}",algorithm="{algorithm}",'
        f'headers="{" ".join(names)}",signature="{signature}"{params}'
    )
    return out
