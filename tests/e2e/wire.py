"""Hand-made inbox requests: an activity from a peer, signed with its real keys."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.conftest import Peer


def activity(sender: Peer, **overrides: Any) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{sender.url}/activities/test-{len(overrides)}-{sorted(overrides)}",
        "type": "Like",
        "actor": f"{sender.url}/actor",
        "object": "https://elsewhere.example/notes/1",
        **overrides,
    }


def sign(sender: Peer, url: str, body: bytes, **kwargs: Any) -> dict[str, str]:
    signer = sender.federation.delivery_worker.signer
    return signer.sign("POST", url, {"Content-Type": "application/activity+json"}, body, **kwargs)


async def post_inbox(
    target: Peer, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, Any]]:
    response = await target.client.post(
        "/inbox", data=body, headers={"Content-Type": "application/activity+json", **headers}
    )
    text = await response.text()
    return response.status, json.loads(text) if text else {}
