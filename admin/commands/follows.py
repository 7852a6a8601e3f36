"""Follows both ways: follow requests to answer, and peers we subscribe to.

Answers and follows are written as outbox and delivery rows; the server's
delivery worker sends them (immediately if it runs, else when it starts).
"""

from __future__ import annotations

import click

from admin.commands.common import WHO, command, group, with_federation, with_services
from admin.commands.output import add_row, say, show, table, whole
from federation.hosts import peer_host
from node.ap.backfill import MAX_PAGES
from node.ap.wiring import Federation
from node.domain.subscriptions import SubscriptionFilter
from node.errors import Unprocessable
from node.services import Services
from schemas.vocab import Category

follows = group("follows", "follow requests from peers: pending, approve, reject")


@command("pending", "follow requests waiting for approval", follows)
@with_services
async def pending(services: Services) -> int:
    grid = table(whole("actor"), whole("host"), "follow activity")
    requests = await services.oversight.follow_requests()
    for follower in requests:
        add_row(grid, follower.actor_id, peer_host(follower.actor_id), follower.follow_activity_id)
    show(grid, empty="No follow requests are waiting.")
    if requests:
        say("Answer with: solidarity follows approve|reject ACTOR")
    return 0


async def _answer(services: Services, actor: str, reason: str, approve: bool) -> int:
    await services.follows.answer(actor, approve, who=WHO, reason=reason)
    answer = "Accept" if approve else "Reject"
    say(
        f"{'Approved' if approve else 'Rejected'} {actor}; the {answer} is queued for "
        "delivery by the server."
    )
    return 0


# Both answers take the actor and an optional reason.
actor_argument = click.argument("actor", help="the actor id, as 'follows pending' lists it")
reason_option = click.option("--reason", default="", help="why, for the audit log")


@command("approve", "approve a pending follow request", follows)
@actor_argument
@reason_option
@with_federation
async def approve(services: Services, federation: Federation, actor: str, reason: str) -> int:
    return await _answer(services, actor, reason, True)


@command("reject", "reject a pending follow request", follows)
@actor_argument
@reason_option
@with_federation
async def reject(services: Services, federation: Federation, actor: str, reason: str) -> int:
    return await _answer(services, actor, reason, False)


def _filter(
    purpose: tuple[str, ...],
    category: tuple[str, ...],
    near: str | None,
    radius_km: float | None,
) -> SubscriptionFilter:
    unknown = [c for c in category if c not in Category._value2member_map_]
    if unknown:
        raise Unprocessable(f"Unknown categories: {', '.join(unknown)}.", reason="category-unknown")
    centre = None
    if near:
        lat, _, lon = near.partition(",")
        centre = (float(lat), float(lon))
    if (centre is None) != (radius_km is None):
        raise Unprocessable("A region needs both --near and --radius-km.", reason="region-partial")
    return SubscriptionFilter(
        purposes=purpose, categories=category, centre=centre, radius_km=radius_km
    )


@command("follow", "subscribe to a peer (group@host or actor URL), which becomes trusted")
@click.argument("target", help="fetched now over the network: the peer must be reachable")
@click.option(
    "--purpose",
    multiple=True,
    type=click.Choice(["offer", "request"]),
    help="keep only offers or requests (repeatable)",
)
@click.option(
    "--category",
    multiple=True,
    help="keep only these categories (repeatable), e.g. food",
)
@click.option("--near", default=None, help="centre of the region to keep: LAT,LON")
@click.option("--radius-km", type=float, default=None, help="radius of the region, with --near")
@click.option(
    "--no-backfill",
    is_flag=True,
    help="leave the catch-up on their open items to the server",
)
@with_federation
async def subscribe(
    services: Services,
    federation: Federation,
    target: str,
    purpose: tuple[str, ...],
    category: tuple[str, ...],
    near: str | None,
    radius_km: float | None,
    no_backfill: bool,
) -> int:
    keep = _filter(purpose, category, near, radius_km)
    followee = await services.follows.follow(target, who=WHO, keep=keep)
    host = peer_host(followee.actor_id)
    level = await services.trust.level(host)
    say(
        f"Follow request to {followee.actor_id} queued for delivery by the server;"
        " it is pending until they accept.",
        f"{host} is {level}.",
    )
    if not no_backfill:
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
            state = await services.oversight.catch_up(actor_id)
            if state is None or state.state != "pending":
                progress.update(task, completed=MAX_PAGES, items=stored)
                break
            progress.update(task, completed=state.pages_done, items=stored)
    finished = await services.oversight.catch_up(actor_id)
    if finished is not None and finished.state == "failed":
        say(f"Catching up stopped ({finished.last_error}); the server will not retry it.")
    else:
        say(f"Caught up: {stored} open items stored.")


@command("following", "the peers we follow")
@with_services
async def following(services: Services) -> int:
    grid = table(whole("actor"), whole("host"), whole("state"))
    for followee in await services.oversight.following():
        add_row(grid, followee.actor_id, peer_host(followee.actor_id), followee.state)
    show(grid, empty="We follow no one yet.")
    return 0


COMMANDS = (follows, subscribe, following)
