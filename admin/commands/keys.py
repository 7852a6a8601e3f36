"""``solidarity keys rotate``: new actor keys, announced to followers."""

from __future__ import annotations

import argparse
from datetime import timedelta

from admin.commands.common import WHO, Commands, add_command, add_group, with_services
from admin.commands.output import say
from node.ap.rotation import DEFAULT_GRACE, rotate_keys
from node.services import Services


def _days(text: str) -> int:
    days = int(text)
    if days < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return days


def register(commands: Commands) -> None:
    keys = add_group(commands, "keys", "the node's signing keys")
    rotate = add_command(
        keys,
        "rotate",
        "new RSA and Ed25519 keys; followers get an Update of the actor",
        with_services(rotate_command),
    )
    rotate.add_argument(
        "--grace-days",
        type=_days,
        default=DEFAULT_GRACE.days,
        help="how long the old Ed25519 key stays published, so relayed proofs verify",
    )


async def rotate_command(services: Services, args: argparse.Namespace) -> int:
    key_id = await rotate_keys(services, who=WHO, grace=timedelta(days=args.grace_days))
    say(
        f"New Ed25519 key: {key_id}",
        f"The old Ed25519 key stays published for {args.grace_days} days. The server signs"
        " with the new keys from now on; followers get the Update when it delivers.",
    )
    return 0
