"""``solidarity demo``: three nodes start, federate, and stop, with no network but loopback."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from tests.e2e.conftest import free_ports


def _three_free_ports() -> int:
    """The first of three consecutive ports that are free now (the demo's layout)."""
    for _ in range(50):
        base = free_ports(1)[0]
        sockets = []
        try:
            for port in (base, base + 1, base + 2):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
        return base
    raise AssertionError("no three consecutive free ports")


def _start(root: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "admin.cli",
            "demo",
            "--data",
            str(root),
            "--port",
            str(port),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Demo ready"):
            return process
    raise AssertionError(
        f"the demo did not start: {process.stderr.read() if process.stderr else ''}"
    )


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0, "Ctrl-C stops all three cleanly"
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def _api(port: int, path: str, token: str | None = None, body: Any = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return json.load(response)


def _token(port: int) -> str:
    signed_in = _api(
        port, "/api/v1/tokens", body={"username": "admin", "password": "solidarity-demo"}
    )
    return str(signed_in["token"])


def test_the_demo_network_federates_and_restarts(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    food = _three_free_ports()
    clinic, coalition = food + 1, food + 2
    process = _start(root, food)
    try:
        feed = _api(coalition, "/api/v1/feed", _token(coalition))
        origins = {entry["origin"]["name"] for entry in feed["entries"]}
        assert origins == {"Eastside Food Bank", "Riverside Clinic Mutual Aid"}
        claims = _api(food, "/api/v1/claims?direction=incoming", _token(food))["claims"]
        assert [(c["quantity"], c["state"]) for c in claims] == [(8, "pending")]
        matches = _api(clinic, "/api/v1/matches", _token(clinic))["matches"]
        assert any(m["theirs_title"] == "Bottled drinking water" for m in matches)
    finally:
        _stop(process)
    process = _start(root, food)  # a second run reuses the data, without seeding twice
    try:
        again = _api(food, "/api/v1/claims?direction=incoming", _token(food))["claims"]
        assert len(again) == 1
    finally:
        _stop(process)
    process = _start(root, food, "--reset")
    _stop(process)
