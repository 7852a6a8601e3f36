"""The benchmark's stand-in servers, each run as its own process on 127.0.0.1.

``python -m bench.servers peers SPEC``: serves the actor documents of many
peers, one port each (what a node fetches to learn their keys).

``python -m bench.servers floor SPEC PORT``: the floor of inbox ingest, a bare
aiohttp handler that reads the body, parses the JSON and verifies one
draft-cavage signature (digest plus one RSA verification), nothing else.

``python -m bench.servers sink SPEC``: delivery sinks, many ports standing for
many hosts; every POST's Digest and signature are checked against the sending
node's key (given by ``POST /reset``), then counted per path. ``GET /stats``
reports.

Each prints ``READY`` once listening, and stops on SIGINT or after its
``lifetime`` (a bound so a forgotten process ends by itself).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

LOOPBACK = "127.0.0.1"


def _public(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def _signature_fields(header: str) -> dict[str, str]:
    fields = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value.strip('"')
    return fields


def verify_cavage(request: web.Request, body: bytes, keys: dict[str, rsa.RSAPublicKey]) -> bool:
    """Digest, then one rsa-sha256 signature over the covered headers."""
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    if request.headers.get("Digest") != digest:
        return False
    fields = _signature_fields(request.headers.get("Signature", ""))
    key = keys.get(fields.get("keyId", ""))
    if key is None:
        return False
    lines = []
    for name in fields.get("headers", "date").split():
        if name == "(request-target)":
            lines.append(f"(request-target): {request.method.lower()} {request.path_qs}")
        else:
            lines.append(f"{name}: {request.headers.get(name, '')}")
    try:
        key.verify(
            base64.b64decode(fields.get("signature", "")),
            "\n".join(lines).encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def peers_app(spec: dict[str, Any]) -> tuple[web.Application, list[int]]:
    documents = {int(port): json.dumps(doc).encode() for port, doc in spec["actors"].items()}

    async def actor(request: web.Request) -> web.Response:
        port = request.transport.get_extra_info("sockname")[1] if request.transport else 0
        body = documents.get(port)
        if body is None:
            raise web.HTTPNotFound()
        return web.Response(body=body, content_type="application/activity+json")

    app = web.Application()
    app.router.add_get("/actor", actor)
    return app, list(documents)


def floor_app(spec: dict[str, Any], port: int) -> tuple[web.Application, list[int]]:
    keys = {key_id: _public(pem) for key_id, pem in spec["keys"].items()}

    async def inbox(request: web.Request) -> web.Response:
        body = await request.read()
        json.loads(body)
        if not verify_cavage(request, body, keys):
            return web.Response(status=401)
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/inbox", inbox)
    return app, [port]


def sink_app(spec: dict[str, Any]) -> tuple[web.Application, list[int]]:
    keys: dict[str, rsa.RSAPublicKey] = {}
    counts: dict[str, int] = {}
    state = {"posts": 0, "bad": 0, "first": 0.0, "last": 0.0, "hosts": set()}

    async def inbox(request: web.Request) -> web.Response:
        body = await request.read()
        if not verify_cavage(request, body, keys):
            state["bad"] += 1
            return web.Response(status=401)
        now = time.time()
        state["first"] = state["first"] or now
        state["last"] = now
        state["posts"] += 1
        state["hosts"].add(request.host)
        key = f"{request.host}{request.path}"
        counts[key] = counts.get(key, 0) + 1
        return web.Response(status=202)

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "posts": state["posts"],
                "bad": state["bad"],
                "first": state["first"],
                "last": state["last"],
                "distinct_inboxes": len(counts),
                "hosts": len(state["hosts"]),
                "max_per_inbox": max(counts.values(), default=0),
            }
        )

    async def reset(request: web.Request) -> web.Response:
        """Forget the counts; the body names the sending node's key for what follows."""
        sender = await request.json()
        keys.clear()
        keys[sender["key_id"]] = _public(sender["public_pem"])
        counts.clear()
        state.update(posts=0, bad=0, first=0.0, last=0.0, hosts=set())
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/stats", stats)
    app.router.add_post("/reset", reset)
    app.router.add_post("/{path:.*}", inbox)
    return app, [*spec["ports"], spec["control"]]


async def serve(app: web.Application, ports: list[int], lifetime: float) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for port in ports:
        await web.TCPSite(runner, LOOPBACK, port, backlog=1024).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("READY", flush=True)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), lifetime)
    await runner.cleanup()


def main() -> None:
    kind, spec_path, *rest = sys.argv[1:]
    spec = json.loads(Path(spec_path).read_text())
    if kind == "peers":
        app, ports = peers_app(spec)
    elif kind == "floor":
        app, ports = floor_app(spec, int(rest[0]))
    elif kind == "sink":
        app, ports = sink_app(spec)
    else:
        raise SystemExit(f"unknown server {kind!r}")
    asyncio.run(serve(app, ports, float(spec.get("lifetime", 600))))


if __name__ == "__main__":
    main()
