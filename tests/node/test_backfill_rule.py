"""Which entries of a peer's outbox page a backfill keeps (node.domain.backfills)."""

from __future__ import annotations

from node.domain.backfills import OutboxEntry, keep_page
from node.domain.records import Followee
from node.domain.subscriptions import SubscriptionFilter
from tests.conftest import Node
from tests.factories import peer_item

NOW = "2026-03-01T12:00:00Z"
ACTOR = "https://peer.example/actor"


def _entry(n: int, **changes: object) -> OutboxEntry:
    item_id = f"https://peer.example/offers/{n}"
    return OutboxEntry(item_id, peer_item(item_id, ACTOR, **changes))


async def test_the_newest_entry_for_an_object_decides(node: Node) -> None:
    deleted = OutboxEntry("https://peer.example/offers/1", None)
    async with node.services.store.transaction() as repos:
        stored = await keep_page(repos, ACTOR, [deleted, _entry(1), _entry(2), _entry(2)], NOW)
    reader = node.services.store.reader.remote_items
    assert stored == 1
    tombstone = await reader.get("https://peer.example/offers/1")
    assert tombstone is not None and tombstone.deleted_at is not None
    assert await reader.live_ids() == ["https://peer.example/offers/2"]


async def test_only_open_current_items_inside_the_filter_are_kept(node: Node) -> None:
    keep = SubscriptionFilter(categories=("water",)).to_json()
    async with node.services.store.transaction() as repos:
        await repos.follows.add_following(Followee(ACTOR, f"{ACTOR}#follow", "accepted", keep), NOW)
        stored = await keep_page(
            repos,
            ACTOR,
            [
                _entry(1),
                _entry(2, status="partly-committed"),
                _entry(3, status="closed"),
                _entry(4, ends_at=NOW),
                _entry(5, category="food"),
                _entry(6, ends_at="2026-03-02T00:00:00Z"),
            ],
            NOW,
        )
    assert stored == 3
    assert sorted(await node.services.store.reader.remote_items.live_ids()) == [
        f"https://peer.example/offers/{n}" for n in (1, 2, 6)
    ]
