"""Follows both ways: follow requests to answer, and peers we subscribe to.

Answers and follows are written as outbox and delivery rows; the server's
delivery worker sends them (immediately if it runs, else when it starts).
"""

from __future__ import annotations

import argparse

from admin.commands.common import (
    WHO,
    Commands,
    add_command,
    add_group,
    with_federation,
    with_services,
)
from admin.commands.output import add_row, say, show, table, whole
from federation.hosts import peer_host
from node.ap.wiring import Federation
from node.services import Services


def register(commands: Commands) -> None:
    follows = add_group(commands, "follows", "follow requests from peers: pending, approve, reject")
    add_command(follows, "pending", "follow requests waiting for approval",
                with_services(pending))  # fmt: skip
    for name, handler in (("approve", approve), ("reject", reject)):
        answer = add_command(follows, name, f"{name} a pending follow request",
                             with_federation(handler))  # fmt: skip
        answer.add_argument("actor", help="the actor id, as 'follows pending' lists it")
        answer.add_argument("--reason", default="", help="why, for the audit log")

    follow = add_command(
        commands,
        "follow",
        "subscribe to a peer (group@host or actor URL), which becomes trusted",
        with_federation(subscribe),
    )
    follow.add_argument("target", help="fetched now over the network: the peer must be reachable")
    add_command(commands, "following", "the peers we follow", with_services(following))


async def pending(services: Services, args: argparse.Namespace) -> int:
    grid = table(whole("actor"), whole("host"), "follow activity")
    requests = await services.store.reader.follows.pending_followers()
    for follower in requests:
        add_row(grid, follower.actor_id, peer_host(follower.actor_id), follower.follow_activity_id)
    show(grid, empty="No follow requests are waiting.")
    if requests:
        say("Answer with: solidarity follows approve|reject ACTOR")
    return 0


async def _answer(federation: Federation, args: argparse.Namespace, approve: bool) -> int:
    await federation.follows.answer(args.actor, approve, who=WHO, reason=args.reason)
    answer = "Accept" if approve else "Reject"
    say(f"{'Approved' if approve else 'Rejected'} {args.actor}; the {answer} is queued for "
        "delivery by the server.")  # fmt: skip
    return 0


async def approve(services: Services, federation: Federation, args: argparse.Namespace) -> int:
    return await _answer(federation, args, True)


async def reject(services: Services, federation: Federation, args: argparse.Namespace) -> int:
    return await _answer(federation, args, False)


async def subscribe(services: Services, federation: Federation, args: argparse.Namespace) -> int:
    followee = await federation.follows.follow(args.target, who=WHO)
    host = peer_host(followee.actor_id)
    level = await services.trust.level(host)
    say(
        f"Follow request to {followee.actor_id} queued for delivery by the server;"
        " it is pending until they accept.",
        f"{host} is {level}.",
    )
    return 0


async def following(services: Services, args: argparse.Namespace) -> int:
    grid = table(whole("actor"), whole("host"), whole("state"))
    for followee in await services.store.reader.follows.following_list():
        add_row(grid, followee.actor_id, peer_host(followee.actor_id), followee.state)
    show(grid, empty="We follow no one yet.")
    return 0
