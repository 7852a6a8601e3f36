"""The ``solidarity`` subcommands, one module per area; each has ``register(commands)``."""

from __future__ import annotations

from admin.commands import audit, blocks, demo, follows, keys, ops, peers, policy, setup

MODULES = (setup, demo, peers, policy, blocks, follows, keys, audit, ops)

__all__ = ["MODULES"]
