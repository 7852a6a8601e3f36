"""bovine in its own virtual environment, and a node for it to talk to on loopback.

bovine 0.5.19 pins ``cryptography<46`` and ``pyld<3``, which clash with ours, so
the session creates a virtual environment for it once per machine (under
``tests/.interop-venv``, or the directory named by ``INTEROP_VENV_DIR``) and
reuses it afterwards. The tests drive bovine through ``bovine_driver.py`` run by
that environment's python, one JSON request per subprocess.

bovine's side of the network is a small aiohttp server on 127.0.0.1 that serves
bovine's actor document and records what our node sends it. Both ports are in
the node's ``private_address_allowlist``, and nothing else is reachable.
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from admin.app import build_app
from node.clock import ManualClock
from node.datadir import initialise
from node.services import SERVICES
from node.settings import load_settings
from schemas.vocab import Role
from tests.e2e.conftest import Peer, free_ports

BOVINE = "bovine==0.5.19"
VENV_ENV = "INTEROP_VENV_DIR"
DEFAULT_VENV = Path(__file__).resolve().parents[1] / ".interop-venv"
DRIVER = Path(__file__).resolve().parent / "bovine_driver.py"
MARKER = ".solidarity-interop"
PIP_TIMEOUT = "60"
DRIVER_TIMEOUT = 60.0
# pip's words for "the package index cannot be reached" (not "the package is broken").
OFFLINE_SIGNS = (
    "Failed to establish a new connection",
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "ConnectTimeoutError",
    "Max retries exceeded",
    "ProxyError",
)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _marker_text() -> str:
    return f"{BOVINE}\npython {sys.version_info.major}.{sys.version_info.minor}\n"


@contextmanager
def _machine_lock(venv: Path) -> Iterator[None]:
    """One creator at a time per venv path (parallel sessions wait), kept out of the repo."""
    digest = hashlib.sha256(str(venv).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"solidarity-interop-{digest}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def ensure_bovine_venv(venv: Path) -> Path:
    """The python of a venv with bovine installed, creating the venv on first use."""
    marker = venv / MARKER
    python = venv_python(venv)
    with _machine_lock(venv):
        if python.exists() and marker.exists() and marker.read_text() == _marker_text():
            return python
        shutil.rmtree(venv, ignore_errors=True)  # a half-made or outdated one
        created = _run([sys.executable, "-m", "venv", str(venv)])
        if created.returncode != 0:
            pytest.fail(f"could not create a venv at {venv}:\n{created.stderr}")
        installed = _run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--timeout",
                PIP_TIMEOUT,
                "--retries",
                "2",
                BOVINE,
            ]
        )
        if installed.returncode != 0:
            output = installed.stdout + installed.stderr
            shutil.rmtree(venv, ignore_errors=True)
            offline = next((sign for sign in OFFLINE_SIGNS if sign in output), None)
            if offline is not None:
                pytest.skip(f"PyPI is unreachable ({offline}), so {BOVINE} cannot be installed")
            pytest.fail(f"pip could not install {BOVINE}:\n{output}")
        marker.write_text(_marker_text())
    return python


@pytest.fixture(scope="session")
def bovine_python() -> Path:
    return ensure_bovine_venv(Path(os.environ.get(VENV_ENV) or DEFAULT_VENV).resolve())


@dataclass(frozen=True)
class BovineDriver:
    """Runs one bovine_driver.py command in the bovine venv: JSON in, JSON out."""

    python: Path

    async def run(self, command: str, request: dict[str, Any]) -> dict[str, Any]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        process = await asyncio.create_subprocess_exec(
            str(self.python),
            str(DRIVER),
            command,
            cwd=DRIVER.parent,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(DRIVER_TIMEOUT):
                out, err = await process.communicate(json.dumps(request).encode())
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
        assert process.returncode == 0, f"bovine_driver {command} failed:\n{err.decode()}"
        result: dict[str, Any] = json.loads(out)
        return result


@pytest.fixture
def bovine(bovine_python: Path) -> BovineDriver:
    return BovineDriver(bovine_python)


@dataclass(frozen=True)
class Captured:
    """One request as bovine's server received it."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        assert len(values) == 1, f"expected one {name} header in {self.headers}"
        return values[0]

    def with_header(self, name: str, value: str) -> Captured:
        headers = [(k, value if k.lower() == name.lower() else v) for k, v in self.headers]
        return replace(self, headers=headers)

    def for_driver(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": self.url,
            "headers": self.headers,
            "body": base64.b64encode(self.body).decode(),
        }


@dataclass
class BovineSide:
    """bovine's actor on 127.0.0.1: serves its document, records every request."""

    port: int
    actor: dict[str, Any] | None = None
    received: list[Captured] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def actor_id(self) -> str:
        return f"{self.url}/actor"

    def requests(self, method: str, path: str) -> list[Captured]:
        wanted = f"{self.url}{path}"
        return [r for r in self.received if r.method == method and r.url == wanted]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append(
            Captured(request.method, str(request.url), list(request.headers.items()), body)
        )
        if request.method == "GET" and request.path == "/actor" and self.actor is not None:
            return web.json_response(self.actor, content_type="application/activity+json")
        if request.method == "POST" and request.path == "/actor/inbox":
            return web.Response(status=202)
        return web.Response(status=404)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


@dataclass
class Interop:
    node: Peer
    remote: BovineSide
    bovine: BovineDriver


@pytest.fixture
async def interop(tmp_path: Path, bovine: BovineDriver) -> AsyncIterator[Interop]:
    node_port, bovine_port = free_ports(2)
    remote = BovineSide(bovine_port)
    remote_server = TestServer(remote.app(), host="127.0.0.1", port=bovine_port)
    await remote_server.start_server()
    # bovine checks a Date against its own wall clock (±5 minutes), so the node's
    # manual clock starts at the real time rather than the suite's fixed START.
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    data = tmp_path / "node"
    done = await initialise(
        data,
        public_url=f"http://127.0.0.1:{node_port}",
        handle="foodbank",
        name="Eastside Food Bank",
        private_address_allowlist=f"127.0.0.1:{node_port},127.0.0.1:{bovine_port}",
    )
    app = build_app(load_settings(data), clock=clock, run_workers=False)
    server = TestServer(app, host="127.0.0.1", port=node_port)
    client = TestClient(server)
    await client.start_server()
    coordinator = await app[SERVICES].accounts.issue_token(Role.COORDINATOR)
    node = Peer(client, app, clock, done.admin_token, coordinator, data, node_port, server)
    try:
        yield Interop(node, remote, bovine)
    finally:
        await client.close()
        await remote_server.close()
