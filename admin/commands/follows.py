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
from node.ap.backfill import MAX_PAGES
from node.ap.wiring import Federation
from node.domain.subscriptions import SubscriptionFilter
from node.errors import Unprocessable
from node.services import Services
from schemas.vocab import Category


def register(commands: Commands) -> None:
    follows = add_group(commands, "follows", "follow requests from peers: pending, approve, reject")
    add_command(follows, "pending", "follow requests waiting for approval", with_services(pending))
    for name, handler in (("approve", approve), ("reject", reject)):
        answer = add_command(
            follows, name, f"{name} a pending follow request", with_federation(handler)
        )
        answer.add_argument("actor", help="the actor id, as 'follows pending' lists it")
        answer.add_argument("--reason", default="", help="why, for the audit log")

    follow = add_command(
        commands,
        "follow",
        "subscribe to a peer (group@host or actor URL), which becomes trusted",
        with_federation(subscribe),
    )
    follow.add_argument("target", help="fetched now over the network: the peer must be reachable")
    follow.add_argument(
        "--purpose",
        action="append",
        choices=["offer", "request"],
        default=[],
        help="keep only offers or requests (repeatable)",
    )
    follow.add_argument(
        "--category",
        action="append",
        default=[],
        help="keep only these categories (repeatable), e.g. food",
    )
    follow.add_argument("--near", help="centre of the region to keep: LAT,LON")
    follow.add_argument("--radius-km", type=float, help="radius of the region, with --near")
    follow.add_argument(
        "--no-backfill",
        action="store_true",
        help="leave the catch-up on their open items to the server",
    )
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


async def _answer(services: Services, args: argparse.Namespace, approve: bool) -> int:
    await services.follows.answer(args.actor, approve, who=WHO, reason=args.reason)
    answer = "Accept" if approve else "Reject"
    say(
        f"{'Approved' if approve else 'Rejected'} {args.actor}; the {answer} is queued for "
        "delivery by the server."
    )
    return 0


async def approve(services: Services, federation: Federation, args: argparse.Namespace) -> int:
    return await _answer(services, args, True)


async def reject(services: Services, federation: Federation, args: argparse.Namespace) -> int:
    return await _answer(services, args, False)


def _filter(args: argparse.Namespace) -> SubscriptionFilter:
    unknown = [c for c in args.category if c not in Category._value2member_map_]
    if unknown:
        raise Unprocessable(f"Unknown categories: {', '.join(unknown)}.", reason="category-unknown")
    centre = None
    if args.near:
        lat, _, lon = args.near.partition(",")
        centre = (float(lat), float(lon))
    if (centre is None) != (args.radius_km is None):
        raise Unprocessable("A region needs both --near and --radius-km.", reason="region-partial")
    return SubscriptionFilter(
        purposes=tuple(args.purpose),
        categories=tuple(args.category),
        centre=centre,
        radius_km=args.radius_km,
    )


async def subscribe(services: Services, federation: Federation, args: argparse.Namespace) -> int:
    followee = await services.follows.follow(args.target, who=WHO, keep=_filter(args))
    host = peer_host(followee.actor_id)
    level = await services.trust.level(host)
    say(
        f"Follow request to {followee.actor_id} queued for delivery by the server;"
        " it is pending until they accept.",
        f"{host} is {level}.",
    )
    if not args.no_backfill:
        await _backfill(services, federation, followee.actor_id)
    return 0


async def _backfill(services: Services, federation: Federation, actor_id: str) -> None:
    """Catch up on the peer's open items now, page by page, with a progress bar."""
    from rich.progress import BarColumn, Progress, TextColumn  # only this command needs it

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[items]} items"),
    )
    with Progress(*columns) as progress:
        task = progress.add_task("Catching up", total=MAX_PAGES, items=0)
        stored = 0
        while True:
            stored += await federation.backfill.run_once()
            state = await services.store.reader.backfills.get(actor_id)
            if state is None or state.state != "pending":
                progress.update(task, completed=MAX_PAGES, items=stored)
                break
            progress.update(task, completed=state.pages_done, items=stored)
    finished = await services.store.reader.backfills.get(actor_id)
    if finished is not None and finished.state == "failed":
        say(f"Catching up stopped ({finished.last_error}); the server will not retry it.")
    else:
        say(f"Caught up: {stored} open items stored.")


async def following(services: Services, args: argparse.Namespace) -> int:
    grid = table(whole("actor"), whole("host"), whole("state"))
    for followee in await services.store.reader.follows.following_list():
        add_row(grid, followee.actor_id, peer_host(followee.actor_id), followee.state)
    show(grid, empty="We follow no one yet.")
    return 0
