"""``solidarity policy``: federation mode, follower approval and secure mode."""

from __future__ import annotations

from typing import Any

import click

from admin.commands.common import WHO, command, group, with_services
from admin.commands.output import add_row, say, show, table, whole, yes_no
from node.domain.trust import Mode, Policy
from node.errors import BadRequest
from node.services import Services

MODE_MEANING = {
    Mode.OPEN: "anyone not blocked may federate",
    Mode.ALLOWLIST: "only trusted and partner peers may federate",
}


policy = group("policy", "the node's federation policy")


def _print(shown: Policy) -> None:
    grid = table(whole("setting"), whole("value"), "meaning")
    add_row(grid, "mode", shown.mode.value, MODE_MEANING[shown.mode])
    add_row(
        grid,
        "approve followers",
        yes_no(shown.approve_followers),
        "follow requests wait for approval"
        if shown.approve_followers
        else "follows from peers not blocked are accepted",
    )
    add_row(
        grid,
        "secure",
        yes_no(shown.secure),
        "every fetch must be signed" if shown.secure else "public items may be fetched unsigned",
    )
    show(grid, empty="")


@command("show", "print the policy", policy)
@with_services
async def show_policy(services: Services) -> int:
    _print(await services.trust.policy())
    return 0


@command("set", "change the policy (audited)", policy)
@click.option("--mode", type=click.Choice([m.value for m in Mode]), default=None)
@click.option(
    "--approve-followers/--no-approve-followers",
    default=None,
    help="follow requests wait for an admin's approval",
)
@click.option(
    "--secure/--no-secure", default=None, help="even public items only to signed requests"
)
@click.option("--reason", default="", help="why, for the audit log")
@with_services
async def set_policy(
    services: Services,
    mode: str | None,
    approve_followers: bool | None,
    secure: bool | None,
    reason: str,
) -> int:
    changes: dict[str, Any] = {}
    if mode is not None:
        changes["mode"] = Mode(mode)
    for name, value in (("approve_followers", approve_followers), ("secure", secure)):
        if value is not None:
            changes[name] = value
    if not changes:
        raise BadRequest(
            "Nothing to change: give --mode, --[no-]approve-followers or --[no-]secure."
        )
    changed = await services.trust.set_policy(who=WHO, reason=reason, **changes)
    say("Policy changed:")
    _print(changed)
    return 0


COMMANDS = (policy,)
