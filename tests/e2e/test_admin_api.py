"""The admin API: every operation answers as the OpenAPI document says; blocklists."""

from __future__ import annotations

from schemas.vocab import Role
from tests.e2e.conftest import PeerFactory, settle
from tests.node.test_openapi import Checker

ADMIN = Role.ADMIN

# Mastodon 4.x admin export format (Admin → Federation → Export domain blocks).
MASTODON_EXPORT = """#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
spam.example,suspend,true,true,Spam farm,false
rude.example,silence,false,true,Harassment,false
media.example,noop,true,false,,true
"""

BAD_ROWS = """#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
fine.example,suspend,false,false,,false
broken.example,obliterate,false,false,,false
,suspend,false,false,,false
"""


async def test_blocklist_import_dry_run_apply_export(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    before = node.dump()
    dry = await node.call(
        "POST",
        "/api/v1/admin/blocklist/import",
        {"content": MASTODON_EXPORT},
        role=ADMIN,
        expect=200,
    )
    assert dry["applied"] is False
    assert [e["domain"] for e in dry["added"]] == ["spam.example", "rude.example", "media.example"]
    assert node.dump() == before, "a dry run changes nothing"

    applied = await node.call(
        "POST",
        "/api/v1/admin/blocklist/import",
        {"content": MASTODON_EXPORT, "dry_run": False},
        role=ADMIN,
        expect=200,
    )
    assert applied["applied"] is True
    levels = {
        host: await node.services.trust.level(host)
        for host in ("spam.example", "rude.example", "media.example")
    }
    assert levels == {
        "spam.example": "blocked",
        "rude.example": "limited",
        "media.example": "unknown",
    }
    exported = await node.call("GET", "/api/v1/admin/blocklist?format=csv", role=ADMIN, expect=200)
    again = await node.call(
        "POST",
        "/api/v1/admin/blocklist/import",
        {"content": exported["content"]},
        role=ADMIN,
        expect=200,
    )
    assert (again["added"], again["changed"], len(again["unchanged"])) == ([], [], 3)


async def test_blocklist_with_bad_rows_imports_nothing(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    before = node.dump()
    problem = await node.call(
        "POST",
        "/api/v1/admin/blocklist/import",
        {"content": BAD_ROWS, "dry_run": False},
        role=ADMIN,
        expect=422,
    )
    assert problem["reason"] == "blocklist-malformed"
    assert [e["field"] for e in problem["errors"]] == ["line 3", "line 4"]
    assert node.dump() == before


async def test_admin_endpoints_answer_as_documented(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    peer = await make_peer("peer")
    doc = await node.call("GET", "/api/v1/openapi.json", role=None, expect=200)
    check = Checker(node, doc)
    base = "/api/v1/admin"
    host = peer.url.removeprefix("http://")
    await check("GET", f"{base}/peers", f"{base}/peers", role=ADMIN)
    await check("GET", f"{base}/peers", f"{base}/peers")  # 403 for a coordinator
    await check(
        "PUT",
        f"{base}/peers/{{host}}",
        f"{base}/peers/{host}",
        {"level": "limited", "reason": "new"},
        role=ADMIN,
    )
    await check("PUT", f"{base}/peers/{{host}}", f"{base}/peers/{host}", {"level": "x"}, role=ADMIN)
    await check("GET", f"{base}/peers/{{host}}", f"{base}/peers/{host}", role=ADMIN)
    await check("GET", f"{base}/policy", f"{base}/policy", role=ADMIN)
    await check("PUT", f"{base}/policy", f"{base}/policy", {"approve_followers": True}, role=ADMIN)
    await peer.services.follows.follow(f"{node.url}/actor")
    await settle(node, peer)
    await check("GET", f"{base}/follow-requests", f"{base}/follow-requests", role=ADMIN)
    await check(
        "POST",
        f"{base}/follow-requests/approve",
        f"{base}/follow-requests/approve",
        {"actor": f"{peer.url}/actor"},
        role=ADMIN,
    )
    await check(
        "POST",
        f"{base}/follow-requests/reject",
        f"{base}/follow-requests/reject",
        {"actor": f"{peer.url}/actor"},
        role=ADMIN,
    )  # 404: no longer pending
    stranger = await make_peer("stranger")
    await stranger.services.follows.follow(f"{node.url}/actor")
    await settle(node, stranger)
    await check(
        "POST",
        f"{base}/follow-requests/reject",
        f"{base}/follow-requests/reject",
        {"actor": f"{stranger.url}/actor"},
        role=ADMIN,
    )
    await check(
        "PUT", f"{base}/peers/{{host}}", f"{base}/peers/{host}", {"level": "trusted"}, role=ADMIN
    )
    await check(
        "POST", f"{base}/following", f"{base}/following", {"target": peer.handle}, role=ADMIN
    )
    await check("GET", f"{base}/following", f"{base}/following", role=ADMIN)
    await settle(node, peer)
    offer = await peer.offer(title="Blankets")
    await settle(node, peer)
    await check(
        "POST",
        f"{base}/remote-items/hide",
        f"{base}/remote-items/hide",
        {"id": offer["url"]},
        role=ADMIN,
    )
    await check(
        "POST",
        f"{base}/remote-items/open",
        f"{base}/remote-items/open",
        {"id": offer["url"], "reason": "checked by phone"},
        role=ADMIN,
    )
    opened = await node.services.store.reader.remote_items.get(offer["url"])
    assert opened is not None
    assert opened.opened_at is not None
    await check(
        "POST",
        f"{base}/remote-items/report",
        f"{base}/remote-items/report",
        {"id": offer["url"], "content": "duplicate"},
        role=ADMIN,
    )
    await check(
        "POST",
        f"{base}/following/remove",
        f"{base}/following/remove",
        {"actor": f"{peer.url}/actor"},
        role=ADMIN,
    )
    await check(
        "POST",
        f"{base}/blocklist/import",
        f"{base}/blocklist/import",
        {"content": MASTODON_EXPORT},
        role=ADMIN,
    )
    await check("GET", f"{base}/blocklist", f"{base}/blocklist?format=text", role=ADMIN)
    await check("GET", f"{base}/audit", f"{base}/audit?limit=5", role=ADMIN)
    await check("POST", f"{base}/keys/rotate", f"{base}/keys/rotate", {}, role=ADMIN)
    await settle(node, peer)
    await peer.call(
        "PUT",
        f"/api/v1/admin/peers/{node.url.removeprefix('http://')}",
        {"level": "trusted"},
        role=ADMIN,
        expect=200,
    )
    await peer.call(
        "POST",
        "/api/v1/admin/remote-items/report",
        {"id": f"{node.url}/actor", "content": "x"},
        role=ADMIN,
        expect=404,
    )
    reports = await check("GET", f"{base}/reports", f"{base}/reports", role=ADMIN)
    (sent,) = reports["reports"]
    await check(
        "POST", f"{base}/reports/{{id}}/resolve", f"{base}/reports/{sent['id']}/resolve", role=ADMIN
    )
    await node.services.accounts.issue_token(Role.COORDINATOR, label="spare")
    tokens = await check("GET", f"{base}/tokens", f"{base}/tokens?revoked=true", role=ADMIN)
    spare_id = next(t["id"] for t in tokens["tokens"] if t["label"] == "spare")
    await check(
        "POST", f"{base}/tokens/{{id}}/revoke", f"{base}/tokens/{spare_id}/revoke", role=ADMIN
    )
    await check(
        "POST", f"{base}/tokens/{{id}}/revoke", f"{base}/tokens/{spare_id}/revoke", role=ADMIN
    )  # 404: no longer live
    # Webhooks and notification deliveries: tests/notifications/test_api_documented.py.
    theirs = (f"{base}/webhooks", f"{base}/notifications")
    operations = {
        (m, p)
        for p, ops in doc["paths"].items()
        for m in ops
        if p.startswith(base) and not p.startswith(theirs)
    }
    covered = {(m, p) for m, p, status in check.seen if status.startswith("2")}
    assert operations == covered, f"not exercised: {operations - covered}"
