"""Every notification operation answers as the OpenAPI document says (responses
validated against it), the admin's webhook operations included."""

from __future__ import annotations

from dataclasses import replace

from node.domain.notifications.events import ADMIN_KINDS, WEBHOOK_KINDS
from schemas.notifications import EventName, WebhookEvent
from schemas.vocab import Role
from tests.node.test_openapi import Checker
from tests.notifications import seed
from tests.notifications.conftest import NoticeNode, Receiver

ADMIN = Role.ADMIN


def test_the_schema_names_every_event() -> None:
    assert set(EventName.__args__) == set(ADMIN_KINDS)  # type: ignore[attr-defined]
    assert set(WebhookEvent.__args__) == set(WEBHOOK_KINDS)  # type: ignore[attr-defined]


async def test_notification_operations_answer_as_documented(
    notice_node: NoticeNode, receiver: Receiver
) -> None:
    doc = await notice_node.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    ana = await notice_node.user("ana")
    root = await notice_node.user("root", ADMIN)
    # The Checker sends the node's coordinator and admin tokens: use the accounts' ones.
    signed_in = replace(
        notice_node,
        coordinator_token=ana["Authorization"].split()[1],
        admin_token=root["Authorization"].split()[1],
    )
    check = Checker(signed_in, doc)
    bare = Checker(notice_node, doc)  # tokens without an account
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node)
    await seed.incoming_claim(notice_node, offer["id"])
    await notice_node.scan()

    base, prefs = "/api/v1/notifications", "/api/v1/notifications/preferences"
    listed = await check("GET", base, base)
    await check("GET", base, f"{base}?unread=true&limit=1")
    await check("GET", base, f"{base}?limit=0")  # 422
    await check("GET", base, base, role=None)  # 401
    await bare("GET", base, base)  # 403: no account
    read = f"{base}/read"
    await check("POST", read, read, {"ids": [listed["notifications"][0]["id"]]})
    await check("POST", read, read, {"all": True})
    await check("POST", read, read, {"ids": [1], "all": True})  # 422
    await check("GET", prefs, prefs)
    night = {"start": "22:00", "end": "07:00"}
    await check(
        "PATCH", prefs, prefs, {"email": "a@example.org", "language": "es", "quiet_hours": night}
    )
    await check("PATCH", prefs, prefs, {"quiet_hours": None, "timezone": "America/Bogota"})
    await check("PATCH", prefs, prefs, {"events": ["key.changed"]})  # 422 for a coordinator
    await check("PATCH", prefs, prefs, {"colour": "red"})  # 422

    hooks, one = "/api/v1/admin/webhooks", "/api/v1/admin/webhooks/{id}"
    created = await check(
        "POST", hooks, hooks, {"url": receiver.url, "events": ["claim.received"]}, role=ADMIN
    )
    await check(
        "POST", hooks, hooks, {"url": "http://10.1.2.3/", "events": ["claim.received"]}, role=ADMIN
    )  # 422
    await check("POST", hooks, hooks, {"url": receiver.url, "events": []}, role=ADMIN)  # 422
    await check("POST", hooks, hooks, {"url": receiver.url, "events": ["claim.received"]})  # 403
    path = f"{hooks}/{created['id']}"
    await check("GET", hooks, hooks, role=ADMIN)
    await check("GET", one, path, role=ADMIN)
    await check("GET", one, f"{hooks}/999", role=ADMIN)  # 404
    await check("PATCH", one, path, {"include_contact": True, "description": "chat"}, role=ADMIN)
    await check("POST", f"{one}/test", f"{path}/test", role=ADMIN)
    await notice_node.step()
    deliveries = f"{one}/deliveries"
    found = await check("GET", deliveries, f"{path}/deliveries?state=sent", role=ADMIN)
    assert len(found["deliveries"]) == 2
    everything = "/api/v1/admin/notifications/deliveries"
    await check("GET", everything, f"{everything}?channel=webhook", role=ADMIN)
    await check("GET", everything, f"{everything}?channel=fax", role=ADMIN)  # 422
    await check("DELETE", one, path, role=ADMIN)
    await check("DELETE", one, path, role=ADMIN)  # 404

    ours = {
        (m, p)
        for p, ops in doc["paths"].items()
        for m in ops
        if p.startswith(
            ("/api/v1/notifications", "/api/v1/admin/webhooks", "/api/v1/admin/notifications")
        )
    }
    covered = {(m, p) for m, p, status in check.seen | bare.seen if status.startswith("2")}
    assert ours <= covered, f"not exercised: {ours - covered}"
    assert len(ours) == 12
