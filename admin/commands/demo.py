"""``solidarity demo``: three federated nodes on localhost, seeded, until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from pathlib import Path

from admin.commands.common import Commands
from admin.demo import NODES, PASSWORD, reset, start


def register(commands: Commands) -> None:
    demo = commands.add_parser(
        "demo", help="run a seeded three-node network on localhost", description=__doc__
    )
    demo.add_argument(
        "--data",
        type=Path,
        default=Path("solidarity-demo"),
        help="where the three data dirs live (default ./solidarity-demo)",
    )
    demo.add_argument("--port", type=int, default=8701, help="first of three ports")
    demo.add_argument("--reset", action="store_true", help="start over with fresh nodes")
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    if args.reset:
        reset(args.data)
    asyncio.run(_run(args.data, args.port))
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
