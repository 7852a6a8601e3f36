"""JSON-LD context documents bundled with the node, so none is ever fetched.

Third-party contexts are byte-for-byte copies of files shipped in packages;
``manifest.json`` names each one's URL, file, source package and SHA-256.
Our own full context is generated from ``schemas.context.INLINE_TERMS`` (the
terms every document we publish defines inline), so the two cannot drift;
``solidarity-node.jsonld`` is its committed rendering, for serving and
documentation. Regenerate it with ``python -m schemas.contexts``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from schemas.context import INLINE_TERMS

SOLIDARITY_CONTEXT_URL = "https://w3id.org/solidarity-node/context.jsonld"
SOLIDARITY_CONTEXT_FILE = "solidarity-node.jsonld"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class BundledContext:
    """One third-party context file and where it came from."""

    url: str
    file: str
    aliases: tuple[str, ...]
    sha256: str
    source: Mapping[str, str | None]


def read_bytes(filename: str) -> bytes:
    """The raw bytes of a file in this package (works from a wheel or a checkout)."""
    return resources.files(__name__).joinpath(filename).read_bytes()


@cache
def _parsed(filename: str) -> Any:
    return json.loads(read_bytes(filename).decode("utf-8"))


@cache
def bundled_contexts() -> Mapping[str, BundledContext]:
    """Third-party contexts from ``manifest.json``, by canonical URL."""
    manifest = _parsed(MANIFEST_FILE)
    entries = {
        entry["url"]: BundledContext(
            url=entry["url"],
            file=entry["file"],
            aliases=tuple(entry.get("aliases", ())),
            sha256=entry["sha256"],
            source=dict(entry["source"]),
        )
        for entry in manifest["contexts"]
    }
    return MappingProxyType(entries)


def load_context(filename: str) -> dict[str, Any]:
    """A fresh copy of a bundled context document (callers may mutate it)."""
    document = _parsed(filename)
    if not isinstance(document, dict):
        raise ValueError(f"{filename} is not a JSON object")
    return copy.deepcopy(document)


def solidarity_context() -> dict[str, Any]:
    """Our full context document: exactly the terms we define inline when publishing."""
    return {"@context": copy.deepcopy(INLINE_TERMS)}


def render_solidarity_context() -> str:
    """The text of ``solidarity-node.jsonld``."""
    return json.dumps(solidarity_context(), indent=2, ensure_ascii=False) + "\n"
