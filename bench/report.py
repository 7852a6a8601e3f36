"""Printing a benchmark's table and writing its JSON, the same way for every script."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def machine_line(machine: dict[str, Any]) -> str:
    return (
        f"machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']},"
        f" load {machine.get('load_1m', '?')} at start"
    )


def print_table(result: dict[str, Any], keys: Iterable[str] | None = None) -> None:
    """The machine line, then ``measure  value`` rows (nested dicts are skipped)."""
    print(machine_line(result["machine"]))
    print(f"{'measure':<40}{'value':>14}")
    for key in keys or result:
        value = result.get(key)
        if key == "machine" or isinstance(value, dict | list):
            continue
        print(f"{key:<40}{value!s:>14}")
    for target in result.get("targets", []):
        mark = "met" if target["met"] else "MISSED"
        print(f"target {target['name']:<33}{mark:>14}  ({target['measured']} vs {target['goal']})")


def target(
    name: str, measured: float, goal: float, *, at_most: bool = True, exact: bool = False
) -> dict[str, Any]:
    """One target of the issue, with the measured value and whether it is met."""
    if exact:
        return {"name": name, "measured": measured, "goal": f"= {goal}", "met": measured == goal}
    met = measured <= goal if at_most else measured >= goal
    return {
        "name": name,
        "measured": measured,
        "goal": f"{'≤' if at_most else '≥'} {goal}",
        "met": met,
    }


def write(name: str, result: dict[str, Any]) -> Path:
    out = RESULTS / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return out
