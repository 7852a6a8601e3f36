"""The daily digest on a seeded node: our open items, claims waiting, items ending,
new matches (and the admins' sections), in under 40 lines, once a day."""

from __future__ import annotations

from datetime import timedelta

from schemas.vocab import Role
from tests.notifications import seed
from tests.notifications.conftest import Mailbox, NoticeNode
from tests.notifications.test_mail import parts

HERE = {"location": {"latitude": 40.4, "longitude": -3.7}}


async def seeded(node: NoticeNode) -> dict[str, str]:
    await seed.peer_actor(node)
    await seed.trust_peer(node)
    for n in range(7):
        await seed.item(node, "offers", title=f"Offer {n}")
    rice = await seed.item(
        node, "requests", title="Rice for 40 families", urgency="within-1-2-days", **HERE
    )
    soon = await seed.item(node, "offers", title="Bread, today", ends_at="2026-03-02T09:00:00Z")
    for _ in range(6):
        await seed.incoming_claim(node, soon["id"], quantity=1)
    await seed.peer_item(node, "offer", "Rice from the west", latitude=40.4, longitude=-3.7)
    for n in range(5):
        await seed.follow_request(node, f"http://curious{n}.test/actor")
    await seed.failing_delivery(node)
    return {"rice": rice["id"], "soon": soon["id"]}


async def test_digest_content_in_under_40_lines(notice_node: NoticeNode, mailbox: Mailbox) -> None:
    await notice_node.user("ana", email="ana@example.org", events=[])
    await notice_node.user("root", Role.ADMIN, email="root@example.org", events=[])
    await seeded(notice_node)
    await notice_node.step()
    assert mailbox.messages == [], "no digest before the digest hour (23:00 here)"

    notice_node.clock.advance(timedelta(hours=11))  # 23:00 UTC
    await notice_node.step()
    digests = {m["To"]: m for m in mailbox.messages}
    assert set(digests) == {"ana@example.org", "root@example.org"}
    ana = digests["ana@example.org"]
    assert ana["Subject"] == "Eastside Mutual Aid: your daily summary for 2026-03-01"
    plain, rich = parts(ana)
    lines = plain.splitlines()
    assert len(lines) < 40, plain
    assert "Open items (9)" in lines
    assert "Claims waiting for an answer (6)" in lines
    assert "- Westside Pantry: 1 kg of “Bread, today”" in lines
    assert "Ending within 24 hours (1)" in lines
    assert "New matches (1)" in lines
    assert any(
        "“Rice for 40 families” ↔ “Rice from the west” (Westside Pantry" in line for line in lines
    )
    assert any(line.strip().startswith("…and ") for line in lines), "long lists are cut"
    assert "Follow requests" not in plain, "coordinators do not see the admins' sections"
    assert "http://node.test/" in plain and "/unsubscribe?token=" in plain
    assert '<html lang="en">' in rich

    root_plain, _ = parts(digests["root@example.org"])
    assert len(root_plain.splitlines()) < 40, root_plain
    assert "Follow requests waiting (5)" in root_plain
    assert "Peers not receiving deliveries" not in root_plain, "failing for under a day"

    # Once a day: the next scans add nothing until the next local day's digest hour.
    notice_node.clock.advance(timedelta(hours=1))
    await notice_node.step()
    assert len(mailbox.messages) == 2
    notice_node.clock.advance(timedelta(hours=23))  # 2026-03-02 23:00
    await notice_node.step()
    assert len(mailbox.messages) == 4
    root_plain, _ = parts(
        mailbox.messages[-1]
        if mailbox.messages[-1]["To"] == "root@example.org"
        else mailbox.messages[-2]
    )
    assert "Peers not receiving deliveries (1)" in root_plain


async def test_digest_in_spanish_and_in_the_users_time_zone(
    notice_node: NoticeNode, mailbox: Mailbox
) -> None:
    # 23:00 in Madrid is 22:00 UTC.
    await notice_node.user(
        "lucia", email="lucia@example.org", language="es", events=[], timezone="Europe/Madrid"
    )
    await seeded(notice_node)
    notice_node.clock.advance(timedelta(hours=10))
    await notice_node.step()
    (digest,) = mailbox.messages
    assert digest["Subject"] == "Eastside Mutual Aid: vuestro resumen diario del 2026-03-01"
    plain, _ = parts(digest)
    assert "Publicaciones abiertas (9)" in plain
    assert "Peticiones pendientes de respuesta (6)" in plain
    assert "oferta «Bread, today»: quedan 20 kg de 20 kg, termina el 2026-03-02 10:00 CET" in plain


async def test_no_digest_for_those_who_turned_it_off(
    notice_node: NoticeNode, mailbox: Mailbox
) -> None:
    await notice_node.user("ana", email="ana@example.org", digest=False, events=[])
    await notice_node.user("bob", events=[])  # no address
    await seeded(notice_node)
    notice_node.clock.advance(timedelta(hours=11))
    await notice_node.step()
    assert mailbox.messages == []
