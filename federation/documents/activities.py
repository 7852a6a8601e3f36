"""Builders for the activities a node sends."""

from __future__ import annotations

from typing import Any

from federation.documents.actor import DOCUMENT_CONTEXT, LocalActor


def new_activity_id(actor: LocalActor) -> str:
    return actor.uris.new_activity()


def activity(
    actor: LocalActor,
    type_: str,
    obj: Any,
    *,
    to: list[str],
    cc: list[str] | None = None,
    published: str | None = None,
    activity_id: str | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": DOCUMENT_CONTEXT,
        "id": activity_id or new_activity_id(actor),
        "type": type_,
        "actor": actor.id,
        "object": obj,
        "to": to,
    }
    if cc:
        document["cc"] = cc
    if published:
        document["published"] = published
    return document


def tombstone(object_id: str, former_type: str, deleted: str) -> dict[str, Any]:
    return {"id": object_id, "type": "Tombstone", "formerType": former_type, "deleted": deleted}
