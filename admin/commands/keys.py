"""``solidarity keys rotate``: new actor keys, announced to followers."""

from __future__ import annotations

from datetime import timedelta

import click

from admin.commands.common import WHO, command, group, with_services
from admin.commands.output import say
from node.ap.rotation import DEFAULT_GRACE, rotate_keys
from node.services import Services

keys = group("keys", "the node's signing keys")


@command("rotate", "new RSA and Ed25519 keys; followers get an Update of the actor", keys)
@click.option(
    "--grace-days",
    type=click.IntRange(min=0),
    default=DEFAULT_GRACE.days,
    help="how long the old Ed25519 key stays published, so relayed proofs verify",
)
@with_services
async def rotate_command(services: Services, grace_days: int) -> int:
    key_id = await rotate_keys(services, who=WHO, grace=timedelta(days=grace_days))
    say(
        f"New Ed25519 key: {key_id}",
        f"The old Ed25519 key stays published for {grace_days} days. The server signs"
        " with the new keys from now on; followers get the Update when it delivers.",
    )
    return 0


COMMANDS = (keys,)
