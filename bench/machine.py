"""What machine a benchmark ran on, printed with every result."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe() -> dict[str, str | int | float]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return {
        "cpu": model or platform.processor() or platform.machine(),
        "cores": os.cpu_count() or 0,
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Other work on the machine skews every figure: the 1-minute load at the start.
        "load_1m": round(load, 2),
    }
