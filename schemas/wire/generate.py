"""Write the wire models' JSON Schemas to ``schemas/jsonschema/<Model>.json``.

Run ``python -m schemas.wire.generate``; a test fails when the committed
files drift from the models. The schemas describe the canonical form, which
is what we publish; ingest also accepts the other spellings that
``schemas.wire.terms`` lists (prefixed IRIs, numbers as strings…).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from schemas.wire.activities import ACTIVITY_MODELS
from schemas.wire.base import WireModel
from schemas.wire.claims import Agreement, Commitment, EconomicEvent
from schemas.wire.objects import Intent, Note, Proposal, Tombstone
from schemas.wire.parts import Link, Measure, Place, Proof, Tag

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "jsonschema"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

MODELS: tuple[type[WireModel], ...] = (
    Proposal,
    Intent,
    Measure,
    Place,
    Tag,
    Link,
    Proof,
    Note,
    Tombstone,
    Agreement,
    Commitment,
    EconomicEvent,
    *ACTIVITY_MODELS,
)


def _any_of(node: Any) -> Any:
    """``oneOf`` → ``anyOf``: an ``object`` is chosen by its ``type``, with a generic
    object as the fallback, which JSON Schema can only say as "any of these"."""
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _any_of(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_any_of(v) for v in node]
    return node


def schema_of(model: type[WireModel]) -> dict[str, Any]:
    schema = _any_of(model.model_json_schema(by_alias=True, mode="validation"))
    return {"$schema": DIALECT, "$id": f"{model.__name__}.json", **schema}


def render(model: type[WireModel]) -> str:
    return json.dumps(schema_of(model), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files() -> dict[str, str]:
    """File name → contents, for every model."""
    return {f"{model.__name__}.json": render(model) for model in MODELS}


def main(directory: Path = SCHEMA_DIR) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    expected = expected_files()
    for stale in directory.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        (directory / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(expected)} schemas to {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
