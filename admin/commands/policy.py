"""``solidarity policy``: federation mode, follower approval and secure mode."""

from __future__ import annotations

import argparse
from typing import Any

from admin.commands.common import WHO, Commands, add_command, add_group, with_services
from admin.commands.output import add_row, say, show, table, whole, yes_no
from node.domain.trust import Mode, Policy
from node.errors import BadRequest
from node.services import Services

MODE_MEANING = {
    Mode.OPEN: "anyone not blocked may federate",
    Mode.ALLOWLIST: "only trusted and partner peers may federate",
}


def register(commands: Commands) -> None:
    policy = add_group(commands, "policy", "the node's federation policy")
    add_command(policy, "show", "print the policy", with_services(show_policy))
    change = add_command(policy, "set", "change the policy (audited)", with_services(set_policy))
    change.add_argument("--mode", choices=[m.value for m in Mode], default=None)
    change.add_argument(
        "--approve-followers",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="follow requests wait for an admin's approval",
    )
    change.add_argument(
        "--secure",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="even public items only to signed requests",
    )
    change.add_argument("--reason", default="", help="why, for the audit log")


def _print(policy: Policy) -> None:
    grid = table(whole("setting"), whole("value"), "meaning")
    add_row(grid, "mode", policy.mode.value, MODE_MEANING[policy.mode])
    add_row(
        grid,
        "approve followers",
        yes_no(policy.approve_followers),
        "follow requests wait for approval"
        if policy.approve_followers
        else "follows from peers not blocked are accepted",
    )
    add_row(
        grid,
        "secure",
        yes_no(policy.secure),
        "every fetch must be signed" if policy.secure else "public items may be fetched unsigned",
    )
    show(grid, empty="")


async def show_policy(services: Services, args: argparse.Namespace) -> int:
    _print(await services.trust.policy())
    return 0


async def set_policy(services: Services, args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    if args.mode is not None:
        changes["mode"] = Mode(args.mode)
    for name in ("approve_followers", "secure"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if not changes:
        raise BadRequest(
            "Nothing to change: give --mode, --[no-]approve-followers or --[no-]secure."
        )
    policy = await services.trust.set_policy(who=WHO, reason=args.reason, **changes)
    say("Policy changed:")
    _print(policy)
    return 0
