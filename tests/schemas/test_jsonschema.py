"""The committed JSON Schemas match the models, and what we emit validates against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from schemas.wire.generate import MODELS, SCHEMA_DIR, expected_files, main
from tests.schemas.fixtures import activity, fixture_names

EXPECTED = expected_files()
REGENERATE = "run `python -m schemas.wire.generate` and commit schemas/jsonschema/"


def test_committed_schemas_are_exactly_the_generated_ones() -> None:
    committed = {path.name for path in SCHEMA_DIR.glob("*.json")}
    assert committed == set(EXPECTED), REGENERATE


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_committed_schema_has_not_drifted(name: str) -> None:
    committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
    assert committed == EXPECTED[name], f"{name} drifted from its model: {REGENERATE}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(EXPECTED[name]))


def test_generator_writes_every_schema_and_prunes_stale_ones(tmp_path: Path) -> None:
    (tmp_path / "Retired.json").write_text("{}")
    assert main(tmp_path) == 0
    assert {p.name for p in tmp_path.iterdir()} == set(EXPECTED)
    assert (tmp_path / "Proposal.json").read_text(encoding="utf-8") == EXPECTED["Proposal.json"]


def _model_name(document: dict[str, object]) -> str:
    kind = document["type"]
    assert isinstance(kind, str)
    return kind


OURS = [name for name in fixture_names() if name.startswith("solidarity_")]


@pytest.mark.parametrize("name", OURS)
def test_our_output_validates_against_the_committed_schema(name: str) -> None:
    document = activity(name)
    schema = json.loads((SCHEMA_DIR / f"{_model_name(document)}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_the_schemas_cover_every_model() -> None:
    assert {f"{model.__name__}.json" for model in MODELS} == set(EXPECTED)
