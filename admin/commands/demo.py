"""``solidarity demo``: three federated nodes on localhost, seeded, until Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path

import click

from admin.demo import NODES, PASSWORD, reset, start


@click.command("demo", help=__doc__, short_help="run a seeded three-node network on localhost")
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=Path("solidarity-demo"),
    help="where the three data dirs live (default ./solidarity-demo)",
)
@click.option("--port", type=int, default=8701, help="first of three ports")
@click.option("--reset", "fresh", is_flag=True, help="start over with fresh nodes")
def demo(data: Path, port: int, fresh: bool) -> int:
    if fresh:
        reset(data)
    asyncio.run(_run(data, port))
    return 0


async def _run(root: Path, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print("Starting the demo network (first run: seeding, a few seconds)…", flush=True)
    runners = await start(root, port)
    try:
        for offset, node in enumerate(NODES):
            print(f"  {node.name:<30} http://127.0.0.1:{port + offset}", flush=True)
        print(f"Sign in as admin / {PASSWORD} on any of them. Ctrl-C stops all three.", flush=True)
        print("Demo ready.", flush=True)
        await stop.wait()
    finally:
        for runner in reversed(runners):
            with contextlib.suppress(Exception):  # keep stopping the others
                await runner.cleanup()
        print("Demo stopped.", flush=True)


COMMANDS = (demo,)
