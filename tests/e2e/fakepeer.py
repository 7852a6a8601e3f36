"""A stand-in for other fediverse software on a loopback port: an actor with
real keys, a NodeInfo naming its software, and an inbox that records posts.

It signs what it sends with our own draft-cavage code (an independent signer
is exercised by the bovine interop tests); what matters here is that the node
treats it as the software it claims to be.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from federation.httpsig import sign_cavage
from federation.keys import NodeKeys, generate_keys
from node.clock import ManualClock


@dataclass
class FakePeer:
    port: int
    software: str
    clock: ManualClock
    keys: NodeKeys = field(default_factory=generate_keys)
    received: list[dict[str, Any]] = field(default_factory=list)
    server: TestServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def actor_id(self) -> str:
        return f"{self.url}/users/alice"

    def actor(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": "alice",
            "inbox": f"{self.actor_id}/inbox",
            "outbox": f"{self.actor_id}/outbox",
            "endpoints": {"sharedInbox": f"{self.url}/inbox"},
            "publicKey": {
                "id": f"{self.actor_id}#main-key",
                "owner": self.actor_id,
                "publicKeyPem": self.keys.rsa_public_pem(),
            },
        }

    async def start(self) -> None:
        app = web.Application()

        async def actor(request: web.Request) -> web.Response:
            return web.json_response(self.actor(), content_type="application/activity+json")

        async def nodeinfo_links(request: web.Request) -> web.Response:
            href = f"{self.url}/nodeinfo/2.0"
            return web.json_response(
                {
                    "links": [
                        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": href}
                    ]
                }
            )

        async def nodeinfo(request: web.Request) -> web.Response:
            return web.json_response(
                {
                    "version": "2.0",
                    "protocols": ["activitypub"],
                    "software": {"name": self.software, "version": "4.3.0"},
                }
            )

        async def inbox(request: web.Request) -> web.Response:
            self.received.append(json.loads(await request.read()))
            return web.Response(status=202)

        app.router.add_get("/users/alice", actor)
        app.router.add_get("/.well-known/nodeinfo", nodeinfo_links)
        app.router.add_get("/nodeinfo/2.0", nodeinfo)
        app.router.add_post("/users/alice/inbox", inbox)
        app.router.add_post("/inbox", inbox)
        self.server = TestServer(app, host="127.0.0.1", port=self.port)
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    def signed(self, url: str, activity: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(activity).encode()
        headers = {"Content-Type": "application/activity+json"}
        headers.update(
            sign_cavage(
                "POST",
                url,
                list(headers.items()),
                body,
                f"{self.actor_id}#main-key",
                self.keys.rsa,
                self.clock.now(),
            )
        )
        return body, headers
