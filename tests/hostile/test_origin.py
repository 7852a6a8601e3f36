"""Whose object is it? Updates and Deletes of another actor's item, Accepts from
someone other than the followee, embedded objects claiming another origin,
spoofed relays, uploads posing as objects, and a blocked domain's object passed
on by a trusted peer. Each is accepted (202, persisted first) and then dropped
by the worker with its reason, changing nothing but its own inbox row.
(Catalogue: CVE-2024-23832, CVE-2024-25623, GHSA-qqrm-9grj-6v32, CVE-2026-23961,
Pixelfed CVE-2025-30741, Lemmy #3251, NodeBB/FEP-fe34, Activity-Relay.)"""

from __future__ import annotations

from typing import Any

from tests.hostile.conftest import Net
from tests.hostile.harness import Actor, json_doc, redirect


async def _bobs_item(net: Net) -> tuple[Actor, dict[str, Any]]:
    """Bob, an honest group on the attacker's own host, followed by the node, with one item."""
    bob = net.hostile.actor("hostile.test", "bob")
    await net.follow(bob)
    item = bob.proposal("bob-1")
    create = bob.activity("Create", item, "bob-1")
    assert (await net.send(bob, create))[0] == 202
    await net.settle()
    assert (await net.outcomes())[create["id"]] == "done:item-stored"
    return bob, item


def _to_us(net: Net) -> dict[str, Any]:
    return {"to": [net.target.actor_id]}


async def test_an_update_of_another_actors_item_on_the_same_host_is_dropped(net: Net) -> None:
    _, item = await _bobs_item(net)
    changed = {**item, "attributedTo": net.mallory.id, "name": "Gone, sorry"}
    update = net.mallory.activity("Update", changed, "hijack", **_to_us(net))
    await net.expect_drop(net.mallory, update, "update-not-owner")


async def test_an_update_claiming_the_real_author_is_dropped(net: Net) -> None:
    _, item = await _bobs_item(net)
    update = net.mallory.activity("Update", {**item, "name": "Gone"}, "claim", **_to_us(net))
    await net.expect_drop(net.mallory, update, "object-not-attributed-to-actor")


async def test_a_delete_of_another_actors_item_is_dropped(net: Net) -> None:
    _, item = await _bobs_item(net)
    delete = net.mallory.activity("Delete", item["id"], "del", **_to_us(net))
    await net.expect_drop(net.mallory, delete, "delete-not-owner")


async def test_a_delete_of_another_actor_is_dropped(net: Net) -> None:
    bob, _ = await _bobs_item(net)
    delete = net.mallory.activity("Delete", bob.id, "del-actor", **_to_us(net))
    await net.expect_drop(net.mallory, delete, "object-unknown")


async def test_an_embedded_object_on_another_host_is_dropped(net: Net) -> None:
    """Mallory's Create carries an object whose id is on victim.test."""
    await net.follow(net.mallory)
    spoofed = net.alice.proposal("a-1", attributedTo=net.mallory.id)
    create = net.mallory.activity("Create", spoofed, "elsewhere")
    await net.expect_drop(net.mallory, create, "object-origin-mismatch")


async def test_an_embedded_object_attributed_to_someone_else_is_dropped(net: Net) -> None:
    await net.follow(net.mallory)
    create = net.mallory.activity("Create", net.alice.proposal("a-2"), "other-author")
    await net.expect_drop(net.mallory, create, "object-not-attributed-to-actor")


async def test_an_embedded_proof_by_the_wrong_key_is_dropped(net: Net) -> None:
    relay = net.hostile.actor("relay.test", "coalition")
    await net.follow(relay)
    await net.target.federation.key_directory.resolve(net.alice.ed_key_id, False)  # honest key
    forged = net.mallory.prove(net.alice.proposal("a-3"), net.clock)
    forged["proof"]["verificationMethod"] = net.alice.ed_key_id
    announce = relay.activity("Announce", forged, "wrong-key")
    await net.expect_drop(relay, announce, "proof-invalid")


async def test_an_accept_of_our_follow_by_someone_else_is_ignored(net: Net) -> None:
    bob = net.hostile.actor("hostile.test", "bob")
    followee = await net.target.services.follows.follow(bob.id)
    await net.settle()
    accept = net.mallory.activity("Accept", followee.follow_activity_id, "not-yours")
    await net.expect_drop(net.mallory, accept, "answer-not-from-followee")
    state = await net.target.services.store.reader.follows.following(bob.id)
    assert state is not None and state.state == "pending"


async def test_an_undo_of_someone_elses_follow_is_ignored(net: Net) -> None:
    bob = net.hostile.actor("hostile.test", "bob")
    follow = bob.activity("Follow", net.target.actor_id, "bob-follows")
    assert (await net.send(bob, follow))[0] == 202
    await net.settle()
    undo = net.mallory.activity("Undo", {**follow, "actor": bob.id}, "undo-bob")
    await net.expect_drop(net.mallory, undo, "undo-unknown")
    assert await net.target.services.store.reader.follows.follower(bob.id) is not None


async def test_an_update_of_another_actors_profile_is_dropped(net: Net) -> None:
    document = net.alice.document(name="Alice (now run by Mallory)")
    document["publicKey"]["publicKeyPem"] = net.mallory.keys.rsa_public_pem()
    update = net.mallory.activity("Update", document, "profile", **_to_us(net))
    before = await net.target.services.store.reader.peers.key(net.alice.key_id)
    await net.expect_drop(net.mallory, update, "not-a-proposal")
    assert await net.target.services.store.reader.peers.key(net.alice.key_id) == before


async def test_an_actor_update_is_believed_only_as_its_origin_serves_it(net: Net) -> None:
    """The inline document of an Update is never stored: the origin's copy is."""
    inline = net.mallory.document(name="Inline name", inbox="http://10.0.0.1/inbox")
    update = net.mallory.activity("Update", inline, "self-update")
    assert (await net.send(net.mallory, update))[0] == 202
    await net.settle()
    assert (await net.outcomes())[update["id"]] == "done:actor-refreshed"
    stored = await net.target.services.store.reader.peers.actor(net.mallory.id)
    assert stored is not None
    assert (stored.name, stored.inbox) == ("Mallory", net.mallory.inbox)


async def _relay(net: Net) -> Actor:
    relay = net.hostile.actor("relay.test", "coalition")
    await net.follow(relay)
    return relay


async def test_a_relayed_object_redirected_to_a_spoofed_upload_is_dropped(net: Net) -> None:
    """CVE-2024-25623: the id is checked against the final URL, not the first one."""
    relay = await _relay(net)
    item = net.mallory.proposal("m-1")
    upload = f"{net.hostile.base('hostile.test')}/uploads/item.json"
    net.hostile.serve(item["id"], redirect(upload))
    net.hostile.serve(upload, json_doc(item))
    announce = relay.activity("Announce", item["id"], "redirected")
    await net.expect_drop(relay, announce, "origin-mismatch")


async def test_an_uploaded_json_file_posing_as_an_object_is_dropped(net: Net) -> None:
    """GHSA-qqrm-9grj-6v32: a media file shaped like an object, served as AP JSON."""
    relay = await _relay(net)
    upload = f"{net.hostile.base('hostile.test')}/media/x.json"
    net.hostile.serve(upload, json_doc(net.mallory.proposal("m-2")))
    announce = relay.activity("Announce", upload, "upload")
    await net.expect_drop(relay, announce, "origin-mismatch")


async def test_a_relayed_reference_to_a_private_address_is_never_fetched(net: Net) -> None:
    relay = await _relay(net)
    announce = relay.activity("Announce", "https://intranet.test/offers/1", "private")
    await net.expect_drop(relay, announce, "address-refused")
    assert net.refused_at("10.20.30.40")


async def test_a_blocked_domains_object_relayed_by_a_trusted_peer_is_dropped(net: Net) -> None:
    """CVE-2026-23961: the block is checked on the object's origin, not only the sender,
    and the blocked domain is not contacted (no key or object fetch)."""
    relay = await _relay(net)
    banned = net.hostile.actor("blocked.test", "banned")
    await net.target.services.trust.set_level("blocked.test", _blocked(), who="test")
    proven = banned.prove(banned.proposal("b-1"), net.clock)
    contacted = len([s for s in net.hostile.requests if s.host == "blocked.test"])
    announce = relay.activity("Announce", proven, "banned-proven")
    await net.expect_drop(relay, announce, "object-from-refused-peer")
    by_reference = relay.activity("Announce", proven["id"], "banned-ref")
    await net.expect_drop(relay, by_reference, "object-from-refused-peer")
    assert len([s for s in net.hostile.requests if s.host == "blocked.test"]) == contacted


async def test_a_create_carrying_a_blocked_domains_proven_object_fetches_nothing(
    net: Net,
) -> None:
    await net.follow(net.mallory)
    banned = net.hostile.actor("blocked.test", "banned")
    await net.target.services.trust.set_level("blocked.test", _blocked(), who="test")
    proven = banned.prove(banned.proposal("b-2"), net.clock)
    create = net.mallory.activity("Create", proven, "carry-banned")
    await net.expect_drop(net.mallory, create, "object-not-attributed-to-actor")
    assert "blocked.test" not in net.hostile.hosts_contacted()


async def test_an_announce_from_a_stranger_fetches_nothing(net: Net) -> None:
    """Only followed peers (or partners) relay to us; a stranger's Announce must not make
    the node fetch objects or keys on its behalf."""
    item = net.alice.proposal("a-9")
    net.hostile.serve(item["id"], json_doc(item))
    announce = net.mallory.activity("Announce", item["id"], "stranger")
    await net.expect_drop(net.mallory, announce, "not-followed")
    assert net.hostile.hits(item["id"]) == 0


def _blocked() -> Any:
    from node.domain.trust import Level

    return Level.BLOCKED


async def test_an_actor_document_gone_wrong_fails_at_once_rather_than_retrying(net: Net) -> None:
    """What no retry can cure (the peer's own document is malformed) is not retried for
    an hour: the activity fails with the reason at once."""
    document = net.mallory.document(inbox="https://elsewhere.test/inbox")
    net.hostile.serve(net.mallory.id, json_doc(document))
    update = net.mallory.activity("Update", document, "inbox-elsewhere", **_to_us(net))
    assert (await net.send(net.mallory, update))[0] == 202
    await net.settle()
    assert (await net.outcomes())[update["id"]] == "failed:actor-malformed"
