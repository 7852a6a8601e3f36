"""Settings: precedence, validation, and that every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from node.settings import Settings, load_settings

DOCS = Path(__file__).parents[2] / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"^\| `(\w+)` \|", DOCS.read_text(), flags=re.MULTILINE))
    assert set(Settings.model_fields) == documented


def test_toml_then_environment_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "settings.toml").write_text('port = 7000\nname = "From TOML"\nhandle = "toml"\n')
    settings = load_settings(tmp_path)
    assert (settings.port, settings.name, settings.handle) == (7000, "From TOML", "toml")

    monkeypatch.setenv("SOLIDARITY_PORT", "7001")
    monkeypatch.setenv("SOLIDARITY_NAME", "From env")
    settings = load_settings(tmp_path)
    assert (settings.port, settings.name, settings.handle) == (7001, "From env", "toml")

    settings = load_settings(tmp_path, port=7002, name=None)
    assert (settings.port, settings.name) == (7002, "From env"), "None flags are not set"
    assert settings.public_url == "http://127.0.0.1:7002"


def test_areas_from_toml_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "settings.toml").write_text(
        'location_precision = "admin-area"\n'
        '[[areas]]\nname = "Riverside"\nlatitude = 40.7\nlongitude = -73.9\nradius_km = 3\n'
    )
    assert load_settings(tmp_path).areas[0].name == "Riverside"
    monkeypatch.setenv(
        "SOLIDARITY_AREAS", '[{"name": "Hill", "latitude": 1, "longitude": 2, "radius_km": 4}]'
    )
    assert [a.name for a in load_settings(tmp_path).areas] == ["Hill"]


@pytest.mark.parametrize(
    "toml",
    [
        'port = "many"',
        'location_precision = "street"',
        'location_precision = "admin-area"',
        'handle = "Not A Handle!"',
        "unknown_setting = 1",
        'smtp_security = "ssl"',
    ],
)
def test_invalid_settings_are_refused(tmp_path: Path, toml: str) -> None:
    (tmp_path / "settings.toml").write_text(toml + "\n")
    with pytest.raises(ValidationError):
        load_settings(tmp_path)


def test_public_url_loses_its_trailing_slash(tmp_path: Path) -> None:
    assert load_settings(tmp_path, public_url="https://aid.example/").public_url == (
        "https://aid.example"
    )
