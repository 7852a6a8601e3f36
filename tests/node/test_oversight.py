"""What an admin reviews (OversightService), and the schema check of ``node.datadir.migrate``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from node.datadir import initialise, migrate
from node.domain.trust import Level
from node.errors import Conflict
from node.settings import load_settings
from node.storage.database import migration_scripts
from node.storage.follows import Followee, Follower
from tests.conftest import Node

NOW = "2026-03-01T12:00:00Z"


def _follower(actor: str, state: str) -> Follower:
    return Follower(actor, f"{actor}/inbox", None, f"{actor}/follows/1", state)


async def test_follows_with_a_host_cover_its_subdomains_and_only_accepted_followers(
    node: Node,
) -> None:
    async with node.services.store.transaction() as repos:
        await repos.follows.add_follower(_follower("https://peer.example/actor", "accepted"), NOW)
        await repos.follows.add_follower(_follower("https://a.peer.example/u", "accepted"), NOW)
        await repos.follows.add_follower(_follower("https://peer.example/asking", "pending"), NOW)
        await repos.follows.add_follower(_follower("https://notpeer.example/x", "accepted"), NOW)
        await repos.follows.add_following(
            Followee("https://peer.example/group", "http://node.test/f/1", "pending"), NOW
        )
    oversight = node.services.oversight

    follows = await oversight.follows_with("peer.example")
    assert {f.actor_id for f in follows.followers} == {
        "https://peer.example/actor",
        "https://a.peer.example/u",
    }
    assert [f.actor_id for f in follows.following] == ["https://peer.example/group"]
    assert [f.actor_id for f in await oversight.follow_requests()] == [
        "https://peer.example/asking"
    ]
    assert [f.state for f in await oversight.following()] == ["pending"]


async def test_keys_seen_are_the_hosts_own_and_its_actors_first_seen_first(node: Node) -> None:
    async with node.services.store.transaction() as repos:
        await repos.trust.record_fingerprint(
            "https://peer.example/actor#main-key", "SHA256:new", "2026-03-02T00:00:00Z"
        )
        await repos.trust.record_fingerprint(
            "https://sub.peer.example/u#main-key", "SHA256:sub", "2026-03-01T00:00:00Z"
        )
        # SQLite's LIKE ignores case: this key is not under https://peer.example/.
        await repos.trust.record_fingerprint(
            "https://PEER.example/actor#main-key", "SHA256:other", NOW
        )

    seen = await node.services.oversight.keys_seen("peer.example", {"https://sub.peer.example/u"})
    assert [(key.key_id, key.fingerprint) for key in seen] == [
        ("https://sub.peer.example/u#main-key", "SHA256:sub"),
        ("https://peer.example/actor#main-key", "SHA256:new"),
    ]


async def test_peers_audit_and_reports_are_read_newest_first(node: Node) -> None:
    trust = node.services.trust
    await trust.set_level("b.example", Level.LIMITED, who="cli", reason="loud")
    await trust.set_level("a.example", Level.TRUSTED, who="cli")
    async with node.services.store.transaction() as repos:
        await repos.trust.add_report(
            "in", "https://b.example/flag/1", "https://b.example/a", [], "", NOW
        )
    oversight = node.services.oversight

    assert [peer.host for peer in await oversight.peers()] == ["a.example", "b.example"]
    assert [e.subject for e in await oversight.audit(None, 10)] == [
        "a.example",
        "b.example",
    ]
    assert [e.reason for e in await oversight.audit("b.example", 1)] == ["loud"]
    assert [r.reporter for r in await oversight.reports()] == ["https://b.example/a"]
    assert await oversight.catch_up("https://b.example/actor") is None


async def test_migrate_reports_the_schema_and_refuses_a_newer_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await initialise(data, public_url="https://aid.example")
    settings = load_settings(data)
    newest = max(version for version, _ in migration_scripts())
    schema = await migrate(settings)
    assert (schema.current, schema.newest) == (newest, newest)

    with sqlite3.connect(settings.database_path) as conn:
        conn.execute("INSERT INTO schema_migrations (version) VALUES (999)")
    with pytest.raises(Conflict, match="newer than this software"):
        await migrate(settings)
