"""Run the benchmarks: ``python -m bench all`` (or ``python -m bench ingest fanout …``).

Each benchmark runs as its own ``python -m bench.<name>`` process (which starts
its nodes, servers and load generators as further processes on 127.0.0.1),
one after another so they do not compete for the cores, each under a time
limit. Every one prints its table and writes ``bench/results/<name>.json``;
this runner then prints every target of issue 11 with its measured value and
writes ``bench/results/summary.json``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from bench.machine import describe
from bench.report import RESULTS, machine_line

# name → seconds it may take (on a 2-core machine the whole run takes about 5 minutes)
BENCHMARKS = {
    "proofs": 60,
    "matching": 120,
    "ingest": 240,
    "fanout": 240,
    "feed": 240,
    "catchup": 180,
    "footprint": 60,
}


def run_one(name: str, limit: int) -> tuple[bool, float]:
    print(f"\n=== {name} (python -m bench.{name}) ===", flush=True)
    started = time.monotonic()
    try:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", f"bench.{name}"],
            timeout=limit,
            check=False,
        )
        ok = done.returncode == 0
    except subprocess.TimeoutExpired:
        print(f"{name}: stopped after {limit} s", flush=True)
        ok = False
    return ok, time.monotonic() - started


def summary(names: list[str], outcomes: dict[str, tuple[bool, float]]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for name in names:
        path = RESULTS / f"{name}.json"
        ok, seconds = outcomes[name]
        result = json.loads(path.read_text()) if ok and path.exists() else {}
        for found in result.get("targets", []):
            rows.append({"benchmark": name, **found})
        rows.append(
            {
                "benchmark": name,
                "name": "(ran)",
                "measured": f"{seconds:.0f} s",
                "goal": "",
                "met": ok,
            }
        )
    return {"machine": describe(), "targets": rows}


def main() -> None:
    asked = sys.argv[1:] or ["all"]
    names = list(BENCHMARKS) if asked == ["all"] else asked
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        known = ", ".join(BENCHMARKS)
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; there are {known}")
    started = time.monotonic()
    outcomes = {name: run_one(name, BENCHMARKS[name]) for name in names}
    total = time.monotonic() - started
    result = summary(names, outcomes)
    result["total_seconds"] = round(total, 1)
    print(f"\n=== summary: {len(names)} benchmark(s) in {total:.0f} s ===")
    print(machine_line(result["machine"]))
    for row in result["targets"]:
        mark = "met" if row["met"] else "MISSED"
        line = f"{row['benchmark']:<10} {row['name']:<36} {mark:>7}"
        print(f"{line}  {row['measured']} {row['goal']}")
    if names == list(BENCHMARKS):
        (RESULTS / "summary.json").write_text(json.dumps(result, indent=2) + "\n")
    sys.exit(0 if all(ok for ok, _ in outcomes.values()) else 1)


if __name__ == "__main__":
    main()
