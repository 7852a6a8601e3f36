"""The plain-fediverse companion of a Proposal: a Note anyone's timeline can show.

Mastodon and most microblogging software drop types they do not know, so
followers on such software get a ``Note`` with the human text, a hashtag per
category, the end date and a link to the Proposal (FEP-0837's link pattern).
"""

from __future__ import annotations

import html
from typing import Any

from federation.documents.actor import LocalActor
from federation.uris import item_note
from schemas.context import AS_CONTEXT, DATA_INTEGRITY_V2, VF_NS
from schemas.wire import Link, Note, Tag

PROPOSAL_REL = f"{VF_NS}Proposal"
NOTE_CONTEXT: list[Any] = [AS_CONTEXT, DATA_INTEGRITY_V2]


def relay_note_id(actor: LocalActor, proposal_id: str) -> str:
    """Where a relaying node serves its own Note about a peer's Proposal."""
    return actor.uris.relay_note(proposal_id)


def local_note_id(proposal_id: str) -> str:
    """Where a node serves the Note about one of its own Proposals."""
    return item_note(proposal_id)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def note_for(actor: LocalActor, proposal: dict[str, Any], note_id: str) -> dict[str, Any]:
    """A Note announcing ``proposal`` (ours or a peer's), written by ``actor``, built
    through :class:`schemas.wire.Note`."""
    proposal_id = str(proposal["id"])
    purpose = "Offer" if proposal.get("purpose") == "offer" else "Request"
    name = html.escape(_text(proposal.get("name")))
    summary = _text(proposal.get("summary"))
    tags = [
        t for t in proposal.get("tag", []) if isinstance(t, dict) and t.get("type") == "Hashtag"
    ]
    hashtags = [str(t["name"]) for t in tags if isinstance(t.get("name"), str)]
    ends = _text(proposal.get("endTime") or proposal.get("hasEnd"))
    parts = [f"<p><strong>{purpose}: {name}</strong></p>"]
    if summary and summary != proposal.get("name"):
        parts.append(f"<p>{html.escape(summary)}</p>")
    if ends:
        parts.append(f"<p>Until {html.escape(ends[:10])}</p>")
    link = html.escape(proposal_id, quote=True)
    parts.append(f'<p><a href="{link}">{link}</a> {" ".join(html.escape(h) for h in hashtags)}</p>')
    note = Note(
        ld_context=NOTE_CONTEXT,
        id=note_id,
        attributed_to=actor.id,
        content="".join(parts),
        url=proposal_id,
        tag=[Tag(type="Hashtag", name=h, href=actor.uris.tag(h.lstrip("#"))) for h in hashtags],
        attachment=[
            Link(href=proposal_id, rel=[PROPOSAL_REL], media_type="application/activity+json")
        ],
    ).to_json()
    # Addressing and dates as the Proposal's author wrote them (a relayed one is a peer's).
    note["to"] = proposal.get("to", [])
    for key in ("cc", "published", "updated"):
        if key in proposal:
            note[key] = proposal[key]
    if ends:
        note["endTime"] = ends
    return note
