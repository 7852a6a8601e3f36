"""Footprint: start to ready, idle memory, and which heavy libraries a serving node loads.

Run: ``python -m bench.footprint [--starts N]``. ``solidarity serve`` on an
initialised data directory, in its own process on 127.0.0.1, ``--starts``
times: start to ready is from process start to the "Serving" line (after the
database is open and the listener is up), the median reported. Idle RSS is
read from /proc after the node has been idle for two seconds. A probe process
imports what ``solidarity serve`` imports and builds the application, then
lists which heavy libraries were loaded. RSS after ingest comes from
``bench.ingest``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import procs
from bench.machine import describe
from bench.report import RESULTS, print_table, target, write
from node.datadir import initialise

HEAVY = ("pyld", "lxml", "requests", "rich", "jinja2", "babel", "aiosmtplib")
PROBE = """
import sys
from pathlib import Path
import admin.cli
from admin.app import build_app
from node.settings import load_settings
build_app(load_settings(Path(sys.argv[1])))
print(",".join(m for m in sys.argv[2].split(",") if m in sys.modules))
"""


def run(starts: int) -> dict[str, Any]:
    machine = describe()
    port = procs.free_ports(1)[0]
    ready, idle = [], []
    with tempfile.TemporaryDirectory(prefix="bench-footprint-") as tmp:
        data = Path(tmp) / "node"
        asyncio.run(
            initialise(
                data,
                public_url=f"http://127.0.0.1:{port}",
                host="127.0.0.1",
                port=port,
                handle="group",
                name="Footprint",
            )
        )
        for n in range(starts):
            node, seconds = procs.start_node("node", data, Path(tmp) / f"node{n}.log")
            with procs.running(node):
                ready.append(seconds)
                time.sleep(2.0)
                idle.append(procs.rss_mb(node.pid)[0])
        probe = subprocess.run(  # noqa: S603 (our own interpreter and modules)
            [sys.executable, "-c", PROBE, str(data), ",".join(HEAVY)],
            cwd=procs.ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    loaded = [m for m in probe.stdout.strip().split(",") if m]
    result: dict[str, Any] = {
        "machine": machine,
        "starts": starts,
        "start_to_ready_s": round(statistics.median(ready), 3),
        "start_to_ready_max_s": round(max(ready), 3),
        "idle_rss_mb": statistics.median(idle),
        "heavy_libraries_loaded": " ".join(loaded) or "none",
        "heavy_libraries_not_loaded": " ".join(m for m in HEAVY if m not in loaded) or "none",
    }
    ingest = RESULTS / "ingest.json"
    after = json.loads(ingest.read_text()).get("rss_after_ingest_mb") if ingest.exists() else None
    result["rss_after_ingest_mb (bench.ingest)"] = after
    result["targets"] = [
        target("idle RSS (MB)", result["idle_rss_mb"], 80),
        target("start to ready (s)", result["start_to_ready_s"], 1.5),
    ]
    if after is not None:
        result["targets"].append(target("RSS after ingest (MB)", after, 150))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    result = run(args.starts)
    print_table(result)
    write("footprint", result)


if __name__ == "__main__":
    main()
