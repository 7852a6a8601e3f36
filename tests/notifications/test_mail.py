"""Email: a real SMTP server in the test process receives the message; the test
parses it (language, links, unsubscribe) and follows the unsubscribe link
without signing in."""

from __future__ import annotations

import re
from email.message import EmailMessage

from tests.notifications import seed
from tests.notifications.conftest import Mailbox, NoticeNode

LINK = re.compile(r"https?://[^\s\"<>]+")


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    assert plain is not None and rich is not None
    return plain.get_content(), rich.get_content()


def unsubscribe_link(text: str) -> str:
    (link,) = [u for u in LINK.findall(text) if "/unsubscribe?" in u]
    return link


async def test_a_claim_on_our_offer_is_mailed_in_english_with_links(
    notice_node: NoticeNode, mailbox: Mailbox
) -> None:
    await notice_node.user("ana", email="ana@example.org")
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node)
    await seed.incoming_claim(notice_node, offer["id"], quantity=5, note="call 555-0100")

    await notice_node.step()

    (message,) = mailbox.messages
    assert message["To"] == "ana@example.org"
    assert message["From"] == "Eastside <aid@node.test>"
    subject = "[Eastside Mutual Aid] Westside Pantry claimed 5 kg of “Rice, 20 kg”"
    assert message["Subject"] == subject
    assert message["Content-Language"] == "en"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain, rich = parts(message)
    item_page = f"http://node.test/items/offers/{offer['id']}"
    assert item_page in LINK.findall(plain)
    assert f'href="{item_page}"' in rich
    assert '<html lang="en">' in rich
    assert "555-0100" not in plain + rich, "the claim's note may hold contact details"
    assert message["List-Unsubscribe"] == f"<{unsubscribe_link(plain)}>"


async def test_a_spanish_speaker_gets_spanish(notice_node: NoticeNode, mailbox: Mailbox) -> None:
    await notice_node.user("lucia", email="lucia@example.org", language="es")
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node, title="Arroz")
    await seed.incoming_claim(notice_node, offer["id"], quantity=1)

    await notice_node.step()

    (message,) = mailbox.messages
    assert message["Subject"] == "[Eastside Mutual Aid] Westside Pantry ha pedido 1 kg de «Arroz»"
    assert message["Content-Language"] == "es"
    plain, rich = parts(message)
    assert "Quieren 1 kg de vuestra oferta «Arroz»" in plain
    assert "Dejar de recibir estos correos" in plain
    assert '<html lang="es">' in rich


async def test_the_unsubscribe_link_works_without_signing_in(
    notice_node: NoticeNode, mailbox: Mailbox
) -> None:
    ana = await notice_node.user("ana", email="ana@example.org")
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node)
    await seed.incoming_claim(notice_node, offer["id"])
    await notice_node.step()
    plain, _ = parts(mailbox.messages[0])
    link = unsubscribe_link(plain)
    path = link.removeprefix("http://node.test")

    # No cookie, no token: the signed link is the authority. A GET only asks.
    page = await notice_node.client.get(path)
    assert page.status == 200
    html = await page.text()
    assert "ana@example.org" in html and 'method="post"' in html
    prefs = await notice_node.as_user(ana, "GET", "/api/v1/notifications/preferences")
    assert "email" in prefs["channels"], "following the link changes nothing by itself"

    token = path.split("token=", 1)[1]
    done = await notice_node.client.post("/unsubscribe", data={"token": token})
    assert done.status == 200
    assert "no more notification emails" in await done.text()
    prefs = await notice_node.as_user(ana, "GET", "/api/v1/notifications/preferences")
    assert "email" not in prefs["channels"] and prefs["digest"] is False

    await seed.incoming_claim(notice_node, offer["id"])
    await notice_node.step()
    assert len(mailbox.messages) == 1, "no more mail after unsubscribing"
    listed = await notice_node.as_user(ana, "GET", "/api/v1/notifications")
    assert listed["unread"] == 2, "the in-app list still has both"


async def test_one_click_unsubscribe_and_forged_tokens(
    notice_node: NoticeNode, mailbox: Mailbox
) -> None:
    ana = await notice_node.user("ana", email="ana@example.org")
    bob = await notice_node.user("bob", email="bob@example.org")
    await seed.peer_actor(notice_node)
    offer = await seed.item(notice_node)
    await seed.incoming_claim(notice_node, offer["id"])
    await notice_node.step()
    to_ana = next(m for m in mailbox.messages if m["To"] == "ana@example.org")
    path = unsubscribe_link(parts(to_ana)[0]).removeprefix("http://node.test")
    token = path.split("token=", 1)[1]
    account, purpose, mac = token.split(".")

    for forged in (
        f"{int(account) + 1}.{purpose}.{mac}",
        f"{account}.{purpose}.{mac[:-2]}xx",
        "",
        "1.unsubscribe",
    ):
        answer = await notice_node.client.post("/unsubscribe", data={"token": forged})
        assert answer.status == 400
        assert (await notice_node.client.get(f"/unsubscribe?token={forged}")).status == 400
    prefs = await notice_node.as_user(bob, "GET", "/api/v1/notifications/preferences")
    assert "email" in prefs["channels"], "a forged token unsubscribes nobody"

    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the header's URL.
    answer = await notice_node.client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status == 200
    prefs = await notice_node.as_user(ana, "GET", "/api/v1/notifications/preferences")
    assert "email" not in prefs["channels"]


async def test_mail_is_off_without_a_server(make_notice_node: object, mailbox: Mailbox) -> None:
    node: NoticeNode = await make_notice_node(smtp_host="")  # type: ignore[operator]
    ana = await node.user("ana", email="ana@example.org")
    await seed.peer_actor(node)
    offer = await seed.item(node)
    await seed.incoming_claim(node, offer["id"])
    await node.step()
    assert mailbox.messages == []
    listed = await node.as_user(ana, "GET", "/api/v1/notifications")
    assert listed["unread"] == 1, "the in-app list works without mail"
    assert await node.services.notifications.history(channel="email") == []
