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
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from admin.cli import main, solidarity
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


def _leaves(group: click.Group, path: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _leaves(command, f"{path}{name} ")
        else:
            yield f"{path}{name}", command


def test_every_command_takes_data_from_the_one_environment_variable() -> None:
    """``--data`` (env SOLIDARITY_DATA) everywhere, and no other option read from the
    environment: click's automatic prefix would invent other names."""
    leaves = dict(_leaves(solidarity))
    assert len(leaves) > 20
    for name, command in leaves.items():
        data = next(p for p in command.params if p.name == "data")
        assert isinstance(data, click.Option), name
        if name == "demo":  # the demo's three data dirs live elsewhere
            assert data.envvar is None
            continue
        assert data.envvar == "SOLIDARITY_DATA", name
        assert data.default == Path("solidarity-data"), name
        assert [p.name for p in command.params if p.envvar and p.name != "data"] == [], name
    assert solidarity.context_settings.get("auto_envvar_prefix") is None


def test_data_dir_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "from-env"
    monkeypatch.setenv("SOLIDARITY_DATA", str(data))
    runner = CliRunner()
    made = runner.invoke(solidarity, ["init", "--public-url", "https://aid.example"])
    assert made.exit_code == 0, made.output
    assert (data / "settings.toml").exists()
    listed = runner.invoke(solidarity, ["token", "list"])
    assert listed.exit_code == 0, listed.output
    assert "first admin token" in listed.output
    elsewhere = runner.invoke(solidarity, ["token", "list", "--data", str(tmp_path / "none")])
    assert elsewhere.exit_code == 1
    assert "is not initialised" in elsewhere.output


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path)
    for argv in (
        ["nope"],
        ["peers"],
        ["token", "create", "--data", data, "--role", "king"],
        ["audit", "--data", data, "--limit", "0"],
        ["keys", "rotate", "--data", data, "--grace-days", "-1"],
    ):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2, argv
        assert capsys.readouterr().err, argv


DOCUMENTS = ("README.md", "docs/configuration.md", "docs/deploy.md", "docs/benchmarks.md")


def _documented() -> Iterator[tuple[str, list[str]]]:
    """Every ``solidarity …`` command the documents show, as (source, words)."""
    root = Path(__file__).parents[2]
    for document in DOCUMENTS:
        for span in re.findall(r"`(solidarity [^`]+)`", (root / document).read_text()):
            yield document, span.split()[1:]


def test_documented_commands_and_options_exist() -> None:
    seen = 0
    for document, words in _documented():
        first = solidarity.commands.get(words[0])
        assert first is not None, f"{document}: solidarity {words[0]}"
        commands = [first]
        if isinstance(first, click.Group):
            commands = [first.commands[name] for name in words[1].split("|")]
        flags = [word.strip("[]") for word in words if word.startswith(("--", "[--"))]
        for command in commands:
            known = {opt for param in command.params for opt in param.opts}
            assert set(flags) <= known, f"{document}: {' '.join(words)}"
        seen += 1
    assert seen > 20
