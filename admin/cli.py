"""The ``solidarity`` command line: set up and run a node, and manage its trust.

Each area's commands live in ``admin.commands``; this module gathers them in
one click group, runs the chosen command and turns the node's typed errors into
a one-line message (plus one line per field error) and exit status 1. Usage
errors (an unknown command, a bad option value) exit with status 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from admin.commands import COMMANDS
from admin.commands.common import Invocation
from federation.errors import FederationError
from federation.fetch import guarded_session
from node.ap.wiring import SessionFactory
from node.errors import NodeError


@click.group("solidarity", help="Set up and run a Solidarity Node, and manage its trust.")
def solidarity() -> None:
    """The command group; each area registers its commands on it."""


for _command in COMMANDS:
    solidarity.add_command(_command)


def main(
    argv: Sequence[str] | None = None, *, session_factory: SessionFactory = guarded_session
) -> int:
    """Run one command; ``session_factory`` builds the outbound HTTP client."""
    try:
        status = solidarity.main(
            args=argv,
            prog_name="solidarity",
            standalone_mode=False,
            obj=Invocation(session_factory),
        )
    except click.ClickException as error:  # as argparse did: the message, then exit 2
        error.show()
        raise SystemExit(error.exit_code) from error
    except click.Abort as abort:  # Ctrl-C or end of input at a prompt: as before, unhandled
        raise abort.__cause__ or abort from None
    except NodeError as error:
        print(f"solidarity: {error.detail}", file=sys.stderr)
        for field in error.errors:
            print(f"  {field.field}: {field.message}", file=sys.stderr)
        return 1
    except (FederationError, OSError) as error:
        print(f"solidarity: {error}", file=sys.stderr)
        return 1
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
