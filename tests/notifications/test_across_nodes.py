"""Across two real nodes on loopback: a claim sent over ActivityPub is mailed to the
offering group's coordinator, and the answer to the claiming group's."""

from __future__ import annotations

from typing import Any

from node.domain.notifications.sweeps import NotificationSweeps, notification_sweeps
from schemas.vocab import Role
from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.notifications.conftest import Mailbox

ADMIN = Role.ADMIN


def sweeps(peer: Peer) -> NotificationSweeps:
    return notification_sweeps(peer.services, peer.federation.session, peer.federation.addresses)


async def coordinator(peer: Peer, name: str, **prefs: Any) -> None:
    await peer.services.accounts.create_account(name, "correct horse battery", Role.COORDINATOR)
    token, _ = await peer.services.accounts.sign_in(name, "correct horse battery")
    response = await peer.client.patch(
        "/api/v1/notifications/preferences",
        json=prefs,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 200


async def test_a_claim_and_its_answer_reach_both_coordinators(
    make_peer: PeerFactory, mailbox: Mailbox
) -> None:
    mail = {
        "smtp_host": "127.0.0.1",
        "smtp_port": mailbox.port,
        "smtp_security": "none",
        "notify_digest_hour": 23,
    }
    food = await make_peer("foodbank", "Eastside Food Bank", mail_from="food@127.0.0.1", **mail)
    clinic = await make_peer("clinic", "Clinic Mutual Aid", mail_from="clinic@127.0.0.1", **mail)
    await coordinator(food, "ana", email="ana@food.example")
    await coordinator(clinic, "lucia", email="lucia@clinic.example", language="es")
    await clinic.call(
        "POST", "/api/v1/admin/following", {"target": food.handle}, role=ADMIN, expect=201
    )
    await food.call(
        "PUT",
        f"/api/v1/admin/peers/{clinic.url.removeprefix('http://')}",
        {"level": "trusted"},
        role=ADMIN,
        expect=200,
    )
    await settle(food, clinic)
    offer = await food.offer(
        title="Drinking water", category="water", quantity={"amount": 40, "unit": "litre"}
    )
    await settle(food, clinic)

    await clinic.call("POST", "/api/v1/claims", {"item": offer["url"], "quantity": 8}, expect=201)
    await settle(food, clinic)
    food_notices, clinic_notices = sweeps(food), sweeps(clinic)
    await food_notices.scanner.run_once()
    await food_notices.sender.run_once()
    (claimed,) = mailbox.messages
    assert claimed["To"] == "ana@food.example"
    assert claimed["Subject"] == (
        "[Eastside Food Bank] Clinic Mutual Aid claimed 8 litres of “Drinking water”"
    )
    assert f"{food.url}/items/offers/{offer['id']}" in claimed.get_body(("plain",)).get_content()

    (incoming,) = (await food.call("GET", "/api/v1/claims?direction=incoming"))["claims"]
    await food.call("POST", f"/api/v1/claims/{incoming['id']}/accept", {}, expect=200)
    await settle(food, clinic)
    await clinic_notices.scanner.run_once()
    await clinic_notices.sender.run_once()
    answered = mailbox.messages[1]
    assert answered["To"] == "lucia@clinic.example"
    assert answered["Subject"] == (
        "[Clinic Mutual Aid] Eastside Food Bank ha aceptado vuestra petición de «Drinking water»"
    )
    assert len(mailbox.messages) == 2
