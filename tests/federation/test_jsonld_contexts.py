"""The bundled context files: provenance checksums, and our own context generated, not hand-kept."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from federation.jsonld import expand
from schemas.context import INLINE_TERMS, PUBLISHED_CONTEXT
from schemas.contexts import (
    MANIFEST_FILE,
    SOLIDARITY_CONTEXT_FILE,
    SOLIDARITY_CONTEXT_URL,
    bundled_contexts,
    read_bytes,
    render_solidarity_context,
    solidarity_context,
)

MANIFEST = json.loads(read_bytes(MANIFEST_FILE))


@pytest.mark.parametrize("entry", MANIFEST["contexts"], ids=lambda entry: entry["file"])
def test_each_file_matches_its_recorded_checksum(entry: dict[str, Any]) -> None:
    data = read_bytes(entry["file"])
    assert hashlib.sha256(data).hexdigest() == entry["sha256"], (
        f"{entry['file']} differs from the copy taken from {entry['source']}"
    )
    document = json.loads(data)
    assert isinstance(document, dict)
    assert isinstance(document["@context"], dict)


@pytest.mark.parametrize("entry", MANIFEST["contexts"], ids=lambda entry: entry["file"])
def test_each_file_names_its_source(entry: dict[str, Any]) -> None:
    source = entry["source"]
    if source["package"] is None:
        # Only the credentials examples context comes from no package; the manifest says why.
        assert entry["url"] == "https://www.w3.org/ns/credentials/examples/v2"
        assert entry["notes"]
    else:
        assert source["registry"] in {"pypi", "npm"}
        assert source["version"]
        assert source["path"].endswith(entry["file"])


def test_manifest_entries_are_unique() -> None:
    urls = [entry["url"] for entry in MANIFEST["contexts"]]
    assert len(urls) == len(set(urls)) == len(bundled_contexts())


def test_committed_solidarity_context_equals_the_generated_one() -> None:
    committed = json.loads(read_bytes(SOLIDARITY_CONTEXT_FILE))
    assert committed == solidarity_context(), (
        "schemas/contexts/solidarity-node.jsonld is stale: run python -m schemas.contexts"
    )
    assert read_bytes(SOLIDARITY_CONTEXT_FILE).decode() == render_solidarity_context()


def test_solidarity_context_is_exactly_the_inline_terms() -> None:
    assert solidarity_context() == {"@context": INLINE_TERMS}
    assert solidarity_context()["@context"] is not INLINE_TERMS


def test_solidarity_context_url_means_the_same_as_the_inline_terms() -> None:
    by_url = [*PUBLISHED_CONTEXT[:-1], SOLIDARITY_CONTEXT_URL]
    body = {
        "id": "https://node.example/offers/1",
        "type": "Proposal",
        "purpose": "offer",
        "unitBased": True,
        "hasEnd": "2026-03-08T12:00:00Z",
        "publishes": {
            "type": "Intent",
            "action": "transfer",
            "resourceClassifiedAs": "https://w3id.org/solidarity-node/taxonomy#food",
            "resourceQuantity": {"hasUnit": "kilogram", "hasNumericalValue": 5},
        },
        "urgency": "within-3-5-days",
    }
    inline = expand({"@context": PUBLISHED_CONTEXT, **body})
    assert expand({"@context": by_url, **body}) == inline
    [proposal] = inline
    assert proposal["@type"] == ["https://w3id.org/valueflows/ont/vf#Proposal"]
    assert "https://w3id.org/solidarity-node/ns#urgency" in proposal
