"""What other fediverse software sees first: WebFinger, NodeInfo, host-meta, the actor."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import serialization

from federation.proofs import decode_public_key
from tests.e2e.conftest import Peer, PeerFactory, settle
from tests.e2e.wire import activity, post_inbox, sign

AP = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}


async def _json(peer: Peer, path: str, headers: dict[str, str] | None = None) -> Any:
    response = await peer.client.get(path, headers=headers or {})
    assert response.status == 200, await response.text()
    return await response.json(content_type=None)


async def test_webfinger_by_handle_and_by_actor_url(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside", "Eastside Mutual Aid")
    by_handle = await _json(node, f"/.well-known/webfinger?resource=acct:{node.handle}")
    assert by_handle["subject"] == f"acct:{node.handle}"
    self_link = next(link for link in by_handle["links"] if link["rel"] == "self")
    assert self_link == {
        "rel": "self",
        "type": "application/activity+json",
        "href": f"{node.url}/actor",
    }
    by_url = await _json(node, f"/.well-known/webfinger?resource={node.url}/actor")
    assert by_url["subject"] == by_handle["subject"]
    upper = await _json(
        node, f"/.well-known/webfinger?resource=acct:EASTSIDE@127.0.0.1:{node.port}"
    )
    assert upper["subject"] == by_handle["subject"]
    missing = await node.client.get("/.well-known/webfinger?resource=acct:nobody@127.0.0.1")
    assert missing.status == 404
    assert (await node.client.get("/.well-known/webfinger")).status == 400


async def test_actor_document_and_content_negotiation(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside", "Eastside Mutual Aid")
    for headers in (AP, LD):
        response = await node.client.get("/actor", headers=headers)
        assert response.content_type == "application/activity+json"
        actor = await response.json(content_type=None)
        assert actor["type"] == "Group"
        assert actor["id"] == f"{node.url}/actor"
        assert actor["preferredUsername"] == "eastside"
        assert actor["inbox"] == f"{node.url}/actor/inbox"
        assert actor["endpoints"]["sharedInbox"] == f"{node.url}/inbox"
        assert actor["manuallyApprovesFollowers"] is False
        key = serialization.load_pem_public_key(actor["publicKey"]["publicKeyPem"].encode())
        assert key.key_size == 2048  # type: ignore[union-attr]
        assert actor["publicKey"]["id"] == f"{node.url}/actor#main-key"
        assert actor["publicKey"]["owner"] == actor["id"]
        (multikey,) = actor["assertionMethod"]
        assert multikey["id"] == f"{node.url}/actor#ed25519-key"
        assert multikey["type"] == "Multikey"
        assert decode_public_key(multikey["publicKeyMultibase"]) is not None
    page = await node.client.get("/actor", headers={"Accept": "text/html"})
    assert page.content_type == "text/html"
    assert "Eastside Mutual Aid" in await page.text()


async def test_nodeinfo_and_host_meta(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside", "Eastside Mutual Aid")
    await node.offer(title="Rice")
    await node.call(
        "POST", "/api/v1/requests", {"title": "Nappies", "category": "hygiene"}, expect=201
    )
    links = await _json(node, "/.well-known/nodeinfo")
    hrefs = {link["rel"].rsplit("/", 1)[1]: link["href"] for link in links["links"]}
    assert hrefs == {"2.1": f"{node.url}/nodeinfo/2.1", "2.0": f"{node.url}/nodeinfo/2.0"}
    for version in ("2.1", "2.0"):
        info = await _json(node, f"/nodeinfo/{version}")
        assert info["version"] == version
        assert info["software"]["name"] == "solidarity-node"
        assert info["protocols"] == ["activitypub"]
        assert info["metadata"] == {
            "nodeName": "Eastside Mutual Aid",
            "openOffers": 1,
            "openRequests": 1,
        }
        assert info["usage"]["localPosts"] == 2
    meta = await node.client.get("/.well-known/host-meta")
    assert f'template="{node.url}/.well-known/webfinger?resource={{uri}}"' in await meta.text()


async def test_outbox_pages_newest_first_with_stable_cursors(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    titles = [f"Item {n}" for n in range(25)]
    for title in titles:
        await node.offer(title=title)
    await node.offer(title="Hidden", visibility="followers")
    outbox = await _json(node, "/actor/outbox", AP)
    assert outbox["type"] == "OrderedCollection"
    assert outbox["totalItems"] == 25
    first = await _json(node, "/actor/outbox?page=true", AP)
    assert [a["object"]["name"] for a in first["orderedItems"]] == titles[::-1][:20]
    await node.offer(title="Newest")  # the next page's cursor does not move
    second = await _json(node, first["next"].removeprefix(node.url), AP)
    assert [a["object"]["name"] for a in second["orderedItems"]] == titles[::-1][20:]
    assert "next" not in second


async def test_public_objects_and_activities_are_fetchable(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    offer = await node.offer(title="Rice")
    hidden = await node.offer(title="Hidden", visibility="followers")
    proposal = await _json(node, f"/offers/{offer['id']}", AP)
    assert proposal["id"] == offer["url"]
    assert proposal["type"] == "Proposal"
    assert proposal["proof"]["verificationMethod"] == f"{node.url}/actor#ed25519-key"
    unsigned = await node.client.get(f"/offers/{hidden['id']}", headers=AP)
    assert unsigned.status == 401, "followers-only items need a signed request"
    outbox = await _json(node, "/actor/outbox?page=true", AP)
    activity_url = outbox["orderedItems"][0]["id"]
    assert (await _json(node, activity_url.removeprefix(node.url), AP))["type"] == "Create"


async def test_unknown_activity_types_are_kept_and_marked(make_peer: PeerFactory) -> None:
    sender = await make_peer("sender")
    target = await make_peer("target")
    body = json.dumps(activity(sender, type="Arrive")).encode()
    status, _ = await post_inbox(target, sign(sender, f"{target.url}/inbox", body), body)
    assert status == 202
    await settle(sender, target)
    outcomes = await target.services.store.reader.inbox.outcomes()
    assert list(outcomes.values()) == ["dropped:unsupported-type"]
    metrics = await (await target.client.get("/metrics")).text()
    assert "solidarity_inbox_accepted_total" in metrics


async def test_the_full_context_is_served_for_documentation(make_peer: PeerFactory) -> None:
    node = await make_peer("eastside")
    response = await node.client.get("/context.jsonld")
    assert response.content_type == "application/ld+json"
    context = await response.json(content_type=None)
    assert context["@context"]["sn"] == "https://w3id.org/solidarity-node/ns#"
    assert context["@context"]["urgency"] == "sn:urgency"
