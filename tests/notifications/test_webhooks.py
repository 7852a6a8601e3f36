"""Webhooks: a loopback receiver verifies each call with the PyPI ``standardwebhooks``
package (the Standard Webhooks team's own implementation, independent of ours);
contact details travel only to an endpoint the admin opted in; the SSRF guard
applies to webhook URLs."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import standardwebhooks.webhooks as library
from standardwebhooks import Webhook

from node.clock import ManualClock
from schemas.vocab import Role
from tests.notifications import seed
from tests.notifications.conftest import NoticeNode, Receiver

ADMIN = Role.ADMIN


@pytest.fixture(autouse=True)
def library_clock(monkeypatch: pytest.MonkeyPatch, notice_node: NoticeNode) -> None:
    """The library checks webhook-timestamp against its own ``datetime.now``; point it at
    the node's manual clock (the node signs with the injected clock)."""
    clock = notice_node.clock
    assert isinstance(clock, ManualClock)

    class Now(library.datetime):  # type: ignore[name-defined,misc]
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return clock.now()

    monkeypatch.setattr(library, "datetime", Now)


async def hook(node: NoticeNode, receiver: Receiver, **fields: Any) -> dict[str, Any]:
    body = {"url": receiver.url, "events": ["claim.received", "item.expiring"], **fields}
    created: dict[str, Any] = await node.call(
        "POST", "/api/v1/admin/webhooks", body, role=ADMIN, expect=201
    )
    assert created["secret"].startswith("whsec_")
    return created


def verified(secret: str, request: tuple[dict[str, str], bytes]) -> dict[str, Any]:
    headers, body = request
    data: dict[str, Any] = Webhook(secret).verify(body, headers)
    return data


async def test_calls_are_signed_per_the_spec_without_contact_details(
    notice_node: NoticeNode, receiver: Receiver
) -> None:
    created = await hook(notice_node, receiver)
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node, private={"contact": "Ana, 555-0100"})
    await seed.incoming_claim(notice_node, offer["id"], note="ring 555-0199")

    await notice_node.step()

    (request,) = receiver.requests
    event = verified(created["secret"], request)
    assert event["type"] == "claim.received"
    assert event["data"]["item"]["title"] == "Rice, 20 kg"
    assert event["data"]["group"]["name"] == "Westside Pantry"
    assert event["data"]["link"] == f"http://node.test/items/offers/{offer['id']}"
    assert "555-01" not in request[1].decode(), "no contact details without the opt-in"
    headers = request[0]
    assert headers["webhook-id"].startswith("msg_")
    assert headers["webhook-timestamp"] == str(int(notice_node.clock.now().timestamp()))
    with pytest.raises(library.WebhookVerificationError):
        Webhook(created["secret"]).verify(request[1] + b" ", headers)


async def test_contact_details_only_with_the_opt_in(
    notice_node: NoticeNode, receiver: Receiver
) -> None:
    created = await hook(notice_node, receiver, include_contact=True)
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node, private={"contact": "Ana, 555-0100"})
    await seed.incoming_claim(notice_node, offer["id"], note="ring 555-0199")
    await notice_node.step()

    event = verified(created["secret"], receiver.requests[0])
    assert event["data"]["contact"] == {
        "item_contact": "Ana, 555-0100",
        "claim_note": "ring 555-0199",
    }
    (row,) = await notice_node.services.notifications.history(channel="webhook")
    assert "contact" not in row[0].data, "once sent, the copy of the contact is not kept"


async def test_a_failing_endpoint_is_retried_with_the_same_id_and_reported(
    notice_node: NoticeNode, receiver: Receiver
) -> None:
    admin = await notice_node.user("root", ADMIN)
    created = await hook(notice_node, receiver)
    receiver.statuses = [503, 500]
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node)
    await seed.incoming_claim(notice_node, offer["id"])

    await notice_node.step()
    assert len(receiver.requests) == 1
    verified(created["secret"], receiver.requests[-1])
    assert await notice_node.send() == 0, "not due again before the backoff"
    for _ in range(2):
        notice_node.clock.advance(timedelta(minutes=10))
        await notice_node.send()
        verified(created["secret"], receiver.requests[-1])  # as received, at its time
    assert len(receiver.requests) == 3
    ids = {headers["webhook-id"] for headers, _ in receiver.requests}
    assert len(ids) == 1, "webhook-id stays the same across retries"
    stamps = [int(headers["webhook-timestamp"]) for headers, _ in receiver.requests]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3, "each try signs its own time"
    with pytest.raises(library.WebhookVerificationError, match="too old"):
        verified(created["secret"], receiver.requests[0])  # a replay 20 minutes later

    history = await notice_node.call(
        "GET", f"/api/v1/admin/webhooks/{created['id']}/deliveries", role=ADMIN, expect=200
    )
    (delivery,) = history["deliveries"]
    assert delivery["state"] == "sent" and delivery["attempts"] == 3
    assert [(h["status"], h["outcome"]) for h in delivery["history"]] == [
        (503, "retry"),
        (500, "retry"),
        (204, "sent"),
    ]

    # An endpoint that refuses for good: the call fails, and the admins are told.
    receiver.statuses = [400]
    await seed.incoming_claim(notice_node, offer["id"])
    await notice_node.step()
    failed = await notice_node.call(
        "GET", "/api/v1/admin/notifications/deliveries?state=failed", role=ADMIN, expect=200
    )
    (row,) = failed["deliveries"]
    assert (row["last_status"], row["last_error"]) == (400, "client-error-permanent")
    listed = await notice_node.as_user(admin, "GET", "/api/v1/notifications")
    report = next(n for n in listed["notifications"] if n["kind"] == "notice.failed")
    assert report["data"]["recipient"] == receiver.url


async def test_webhook_urls_pass_the_ssrf_guard(
    notice_node: NoticeNode, receiver: Receiver
) -> None:
    refused = (
        "http://127.0.0.1:9/hook",
        "http://10.0.0.7/hook",
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data",
        "https://user:pw@example.org/x",
    )
    for url in refused:
        problem = await notice_node.call(
            "POST",
            "/api/v1/admin/webhooks",
            {"url": url, "events": ["claim.received"]},
            role=ADMIN,
            expect=422,
        )
        assert problem["reason"] == "webhook-url-refused"
    created = await hook(notice_node, receiver)
    one = f"/api/v1/admin/webhooks/{created['id']}"
    problem = await notice_node.call(
        "PATCH", one, {"url": "http://127.0.0.2:8080/"}, role=ADMIN, expect=422
    )
    assert problem["reason"] == "webhook-url-refused"


async def test_the_test_call_and_disabled_endpoints(
    notice_node: NoticeNode, receiver: Receiver
) -> None:
    created = await hook(notice_node, receiver)
    base = f"/api/v1/admin/webhooks/{created['id']}"
    await notice_node.call("POST", f"{base}/test", role=ADMIN, expect=201)
    await notice_node.send()
    event = verified(created["secret"], receiver.requests[0])
    assert event["type"] == "webhook.test"

    await notice_node.call("PATCH", base, {"enabled": False}, role=ADMIN, expect=200)
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node)
    await seed.incoming_claim(notice_node, offer["id"])
    await notice_node.step()
    assert len(receiver.requests) == 1, "a disabled endpoint gets nothing"
    listed = await notice_node.call("GET", "/api/v1/admin/webhooks", role=ADMIN, expect=200)
    assert "secret" not in json.dumps(listed), "the secret is shown once, at creation"
