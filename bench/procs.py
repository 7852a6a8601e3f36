"""Child processes of a benchmark: nodes, sinks, generators, all on 127.0.0.1.

Every wait here is bounded by a deadline; every child is stopped by its own
pid when the benchmark ends, whatever happened.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

LOOPBACK = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


def free_ports(count: int) -> list[int]:
    """``count`` distinct free TCP ports on 127.0.0.1 (bound then released)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((LOOPBACK, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def allowlist(ports: list[int]) -> str:
    """The ``private_address_allowlist`` value naming exactly these loopback ports."""
    return ",".join(f"{LOOPBACK}:{port}" for port in ports)


@dataclass
class Child:
    """A running child process whose stdout lines we read with a deadline."""

    name: str
    process: subprocess.Popen[bytes]
    started: float
    log: Path | None = None
    _buffer: bytes = field(default=b"", repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_line(self, prefix: str, timeout: float) -> str:
        """The first stdout line starting with ``prefix``; raises after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        stream = self.process.stdout
        assert stream is not None
        selector = selectors.DefaultSelector()
        selector.register(stream, selectors.EVENT_READ)
        try:
            while True:
                while b"\n" in self._buffer:
                    line, self._buffer = self._buffer.split(b"\n", 1)
                    text = line.decode(errors="replace")
                    if text.startswith(prefix):
                        return text
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise RuntimeError(f"{self.name}: no {prefix!r} line ({self.tail()})")
                if selector.select(min(left, 0.5)):
                    chunk = os.read(stream.fileno(), 65536)
                    if not chunk:
                        raise RuntimeError(f"{self.name} closed its output ({self.tail()})")
                    self._buffer += chunk
        finally:
            selector.close()

    def wait_json(self, prefix: str, timeout: float) -> dict[str, Any]:
        """A ``PREFIX {json}`` line, parsed."""
        line = self.wait_line(prefix, timeout)
        document = json.loads(line[len(prefix) :])
        assert isinstance(document, dict)
        return document

    def tail(self) -> str:
        if self.log is None or not self.log.exists():
            return "no log"
        return self.log.read_text(errors="replace")[-800:]

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start(name: str, args: list[str], log: Path | None = None) -> Child:
    """Start ``python args…`` from the repository root, stdout piped, stderr to ``log``."""
    sink: IO[bytes] | int = subprocess.DEVNULL
    if log is not None:
        sink = log.open("wb")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SOLIDARITY_DATA", None)
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and modules)
        [sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=sink, env=env
    )
    if not isinstance(sink, int):
        sink.close()
    return Child(name, process, started, log)


def start_node(name: str, data: Path, log: Path, timeout: float = 30.0) -> tuple[Child, float]:
    """``solidarity serve --data DIR`` in its own process; returns it and start-to-ready s."""
    child = start(name, ["-m", "admin.cli", "serve", "--data", str(data)], log)
    try:
        child.wait_line("Serving ", timeout)
    except BaseException:
        child.stop()
        raise
    return child, time.monotonic() - child.started


@contextmanager
def running(*children: Child) -> Iterator[None]:
    """Stop each child (by its own pid) on the way out."""
    try:
        yield
    finally:
        for child in reversed(children):
            child.stop()


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of ``pid`` in MiB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return round(values.get("VmRSS", 0.0), 1), round(values.get("VmHWM", 0.0), 1)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def reset_peak_rss(pid: int) -> None:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0), so a peak covers one phase only."""
    with suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


@contextmanager
def profiled(pid: int, out: Path | None) -> Iterator[None]:
    """Sample ``pid`` with py-spy (collapsed stacks to ``out``) while the block runs."""
    if out is None:
        yield
        return
    tool = shutil.which("py-spy") or "py-spy"
    spy = subprocess.Popen(  # noqa: S603 (a fixed tool on our own child)
        [
            tool,
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            "200",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        try:
            spy.wait(30)
        except subprocess.TimeoutExpired:
            spy.kill()
            spy.wait(5)


def call(method: str, url: str, body: Any = None, token: str | None = None) -> Any:
    """One JSON request to a child on 127.0.0.1 (nothing else is ever asked)."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError(f"benchmarks talk to loopback only, not {url}")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (checked above)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (checked above)
        raw = response.read()
    return json.loads(raw) if raw else {}
