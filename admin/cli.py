"""The ``solidarity`` command line: set up and run a node, and manage its trust.

Each area's commands live in ``admin.commands``; this module builds the parser
from them, runs the chosen command and turns the node's typed errors into a
one-line message (plus one line per field error) and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from admin.commands import MODULES
from federation.errors import FederationError
from federation.fetch import guarded_session
from node.ap.wiring import SessionFactory
from node.errors import NodeError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="solidarity", description="Set up and run a Solidarity Node, and manage its trust."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in MODULES:
        module.register(commands)
    return parser


def main(
    argv: Sequence[str] | None = None, *, session_factory: SessionFactory = guarded_session
) -> int:
    """Run one command; ``session_factory`` builds the outbound HTTP client."""
    args = _parser().parse_args(argv)
    args.session_factory = session_factory
    try:
        status: int = args.handler(args)
    except NodeError as error:
        print(f"solidarity: {error.detail}", file=sys.stderr)
        for field in error.errors:
            print(f"  {field.field}: {field.message}", file=sys.stderr)
        return 1
    except (FederationError, OSError) as error:
        print(f"solidarity: {error}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
