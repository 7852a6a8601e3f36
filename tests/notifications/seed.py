"""Events seeded straight into a node's database, as the inbox and workers would leave them."""

from __future__ import annotations

import uuid
from typing import Any

from node.clock import to_text
from node.domain.trust import Level
from node.storage.claims import Claim
from node.storage.follows import Follower
from node.storage.peers import RemoteActor
from node.storage.remote_items import RemoteItem
from tests.notifications.conftest import NoticeNode

PEER = "http://westside.test/actor"


async def peer_actor(node: NoticeNode, actor: str = PEER, name: str = "Westside Pantry") -> None:
    host = actor.split("/")[2]
    async with node.services.store.transaction() as repos:
        await repos.peers.save_actor(
            RemoteActor(actor, host, f"{actor}/inbox", None, "westside", name, {}),
            to_text(node.clock.now()),
        )


async def item(node: NoticeNode, purpose: str = "offers", **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Rice, 20 kg",
        "category": "food",
        "quantity": {"amount": 20, "unit": "kilogram"},
        **fields,
    }
    created: dict[str, Any] = await node.call("POST", f"/api/v1/{purpose}", body, expect=201)
    return created


async def incoming_claim(
    node: NoticeNode, item_id: str, quantity: float = 5, note: str = "", state: str = "pending"
) -> Claim:
    now = to_text(node.clock.now())
    claim = Claim(
        id=str(uuid.uuid4()),
        direction="incoming",
        offer_activity_id=f"{PEER}/offers/{uuid.uuid4()}",
        intent_id=f"http://node.test/offers/{item_id}#primary",
        item_id=item_id,
        counterparty=PEER,
        quantity=quantity,
        unit="kilogram",
        state=state,
        commitment_id=f"{PEER}/c/{uuid.uuid4()}",
        note=note,
        created_at=now,
        updated_at=now,
    )
    async with node.services.store.transaction() as repos:
        await repos.claims.add(claim)
    return claim


async def peer_item(
    node: NoticeNode, purpose: str = "offer", title: str = "Rice from the west", **fields: Any
) -> RemoteItem:
    values: dict[str, Any] = {
        "id": f"http://westside.test/{purpose}s/{uuid.uuid4()}",
        "actor_id": PEER,
        "purpose": purpose,
        "title": title,
        "summary": "",
        "category": "food",
        "urgency": "anytime",
        "unit": "kilogram",
        "quantity": 50.0,
        "available_quantity": 50.0,
        "latitude": None,
        "longitude": None,
        "radius_km": None,
        "area_name": None,
        "begins_at": None,
        "ends_at": None,
        "document": {},
        "intent_id": "x#primary",
        **fields,
    }
    remote = RemoteItem(**values)
    async with node.services.store.transaction() as repos:
        await repos.remote_items.upsert(remote, to_text(node.clock.now()))
    return remote


async def trust_peer(node: NoticeNode) -> None:
    await node.services.trust.set_level("westside.test", Level.TRUSTED, who="test")


async def outgoing_claim(node: NoticeNode, remote: RemoteItem, state: str, **fields: Any) -> Claim:
    now = to_text(node.clock.now())
    claim = Claim(
        id=str(uuid.uuid4()),
        direction="outgoing",
        offer_activity_id=f"http://node.test/offers-sent/{uuid.uuid4()}",
        intent_id=remote.intent_id or "",
        item_id=remote.id,
        counterparty=PEER,
        quantity=5,
        unit="kilogram",
        state=state,
        commitment_id=f"http://node.test/c/{uuid.uuid4()}",
        created_at=now,
        updated_at=now,
        **fields,
    )
    async with node.services.store.transaction() as repos:
        await repos.claims.add(claim)
    return claim


async def follow_request(node: NoticeNode, actor: str = "http://curious.test/actor") -> None:
    async with node.services.store.transaction() as repos:
        await repos.follows.add_follower(
            Follower(actor, f"{actor}/inbox", None, f"{actor}#follow-1", "pending"),
            to_text(node.clock.now()),
        )


async def key_changed(node: NoticeNode, actor: str = PEER) -> None:
    async with node.services.store.transaction() as repos:
        await repos.trust.audit(
            to_text(node.clock.now()),
            "system",
            "key.changed",
            actor,
            {"key_id": f"{actor}#main-key", "fingerprint": "ab" * 32},
            "refetched from its origin",
        )


async def failing_delivery(node: NoticeNode, host: str = "westside.test") -> None:
    now = to_text(node.clock.now())
    async with node.services.store.transaction() as repos:
        seq = await repos.outbox.add_activity(
            f"http://node.test/activities/{uuid.uuid4()}", "Create", None, False, "{}", now
        )
        await repos.outbox.add_deliveries(seq, [(f"http://{host}/inbox", host)], now)
    async with node.services.store.transaction() as repos:
        jobs = await repos.outbox.claim_due(now, 10, now)
        for job in jobs:
            await repos.outbox.settle(
                job.id,
                state="pending",
                attempts=1,
                next_attempt_at=now,
                status=503,
                error="server-error",
                now=now,
            )
