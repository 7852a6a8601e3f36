"""The ``solidarity`` subcommands, one module per area; each lists its ``COMMANDS``."""

from __future__ import annotations

from admin.commands import audit, blocks, demo, follows, keys, ops, peers, policy, setup

COMMANDS = tuple(
    command
    for module in (setup, demo, peers, policy, blocks, follows, keys, audit, ops)
    for command in module.COMMANDS
)

__all__ = ["COMMANDS"]
