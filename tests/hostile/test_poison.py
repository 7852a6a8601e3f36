"""Nothing accepted is lost: an activity that trips the worker must not stall the
queue behind it. Every row the inbox accepted ends in a recorded state."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hostile.conftest import Net
from tests.hostile.harness import json_doc


async def _nodeinfo_data_url(net: Net) -> dict[str, Any]:
    base = net.hostile.base("hostile.test")
    links = {
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                "href": "data:application/json,{}",
            }
        ]
    }
    net.hostile.serve(f"{base}/.well-known/nodeinfo", json_doc(links))
    return net.mallory.activity("Follow", net.target.actor_id, "poison-nodeinfo")


async def _announce_attributed_to_a_non_url(net: Net) -> dict[str, Any]:
    relay = net.hostile.actor("relay.test", "coalition")
    await net.follow(relay)
    proven = relay.prove(relay.proposal("p1", attributedTo="data:,nobody"), net.clock)
    net.sender = relay  # type: ignore[attr-defined]
    return relay.activity("Announce", proven, "poison-announce")


async def _create_attributed_to_a_non_url(net: Net) -> dict[str, Any]:
    proven = net.mallory.prove(net.mallory.proposal("p2", attributedTo="::::"), net.clock)
    return net.mallory.activity("Create", proven, "poison-create", to=[net.target.actor_id])


async def _fetched_object_attributed_to_a_non_url(net: Net) -> dict[str, Any]:
    relay = net.hostile.actor("relay.test", "coalition")
    await net.follow(relay)
    document = relay.proposal("p3", attributedTo="data:,nobody")
    net.hostile.serve(document["id"], json_doc(document))
    net.sender = relay  # type: ignore[attr-defined]
    return relay.activity("Announce", document["id"], "poison-fetched")


@pytest.mark.parametrize(
    ("poison", "outcome"),
    [
        (_nodeinfo_data_url, "done:follow-accepted"),
        (_announce_attributed_to_a_non_url, "dropped:object-origin-mismatch"),
        (_create_attributed_to_a_non_url, "dropped:object-not-attributed-to-actor"),
        # No specific check catches this one: the worker's per-row guard records it.
        (_fetched_object_attributed_to_a_non_url, "failed:handler-error"),
    ],
)
async def test_a_poisoned_activity_never_stalls_the_queue(
    net: Net, poison: Any, outcome: str
) -> None:
    """Regression: a peer-controlled string that is not a URL (a NodeInfo href, an
    attributedTo) raised out of the worker; the batch behind it stayed locked, and the
    row was claimed first again at every round, stalling the whole inbox."""
    bad = await poison(net)
    sender = getattr(net, "sender", net.mallory)
    good = net.alice.activity("Like", f"{net.alice.id}/x", "after-poison")
    assert (await net.send(sender, bad))[0] == 202
    assert (await net.send(net.alice, good))[0] == 202
    await net.settle()
    outcomes = await net.outcomes()
    assert outcomes[good["id"]] == "dropped:unsupported-type", "the row behind it was processed"
    assert outcomes[bad["id"]] == outcome
