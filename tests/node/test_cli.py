"""The command line: init, first-run serve, tokens and accounts, on real data dirs."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest

from admin.cli import main
from federation.keys import load_keys
from tests.e2e.conftest import free_ports


def _free_port() -> int:
    return free_ports(1)[0]


def test_init_creates_settings_keys_and_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    code = main(
        [
            "init",
            "--data",
            str(data),
            "--public-url",
            "https://aid.example/",
            "--handle",
            "eastside",
            "--name",
            "Eastside Mutual Aid",
        ]
    )
    assert code == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("sn_")
    settings = tomllib.loads((data / "settings.toml").read_text())
    assert settings == {
        "public_url": "https://aid.example",
        "handle": "eastside",
        "name": "Eastside Mutual Aid",
    }
    for key in ("rsa.pem", "ed25519.pem"):
        assert stat.S_IMODE((data / "keys" / key).stat().st_mode) == 0o600
    keys = load_keys(data / "keys")
    assert keys.rsa.key_size == 2048
    assert (data / "node.db").exists()
    assert token not in (data / "node.db").read_bytes().decode("latin-1"), "tokens are hashed"

    assert main(["init", "--data", str(data), "--public-url", "https://x.example"]) == 1


def test_token_create_prints_the_token_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    main(["init", "--data", str(data), "--public-url", "https://aid.example"])
    capsys.readouterr()
    assert main(["token", "create", "--data", str(data), "--role", "coordinator"]) == 0
    assert re.fullmatch(r"sn_[\w-]{43}", capsys.readouterr().out.splitlines()[-1])


def test_token_create_needs_an_initialised_dir(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["token", "create", "--data", str(tmp_path / "none"), "--role", "admin"])


def test_account_create(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    main(["init", "--data", str(data), "--public-url", "https://aid.example"])
    monkeypatch.setenv("SOLIDARITY_PASSWORD", "short")
    assert (
        main(
            ["account", "create", "--data", str(data), "--username", "ana", "--role", "coordinator"]
        )
        == 2
    )
    monkeypatch.setenv("SOLIDARITY_PASSWORD", "correct horse battery")
    assert (
        main(
            ["account", "create", "--data", str(data), "--username", "ana", "--role", "coordinator"]
        )
        == 0
    )
    assert (
        main(["account", "create", "--data", str(data), "--username", "ana", "--role", "admin"])
        == 1
    )


def _serve(data: Path, port: int) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "admin.cli", "serve", "--data", str(data), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.strip())
        if line.startswith("Serving"):
            break
    return process, lines


def test_serve_initialises_an_empty_dir_once(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    port = _free_port()
    process, lines = _serve(data, port)
    try:
        token = next(line.split(": ")[1] for line in lines if line.startswith("Admin token"))
        assert f"http://127.0.0.1:{port}" in lines[-1]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/offers",
            method="POST",
            data=b'{"title": "Rice", "category": "food"}',
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            assert response.status == 201
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0, "Ctrl-C shuts down cleanly"
    assert process.stdout is not None
    process.stdout.close()
    process, lines = _serve(data, port)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=10)
    assert process.stdout is not None
    process.stdout.close()
    assert not any("Admin token" in line for line in lines), "the token is shown only once"
