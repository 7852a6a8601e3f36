"""WebFinger (RFC 7033), host-meta (RFC 6415) and NodeInfo 2.0/2.1 documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from federation.documents.actor import LocalActor
from federation.uris import Uris

JRD = "application/jrd+json"
ACTIVITY_JSON = "application/activity+json"
NODEINFO_VERSIONS = ("2.1", "2.0")


def subject(actor: LocalActor) -> str:
    return actor.uris.account(actor.handle)


def matches_resource(actor: LocalActor, resource: str) -> bool:
    """True when ``resource`` names our actor: ``acct:handle@host`` or the actor URL."""
    if resource in (actor.id, actor.public_url):
        return True
    account = resource.removeprefix("acct:").lstrip("@")
    if "@" not in account:
        return False
    user, _, host = account.rpartition("@")
    return user.lower() == actor.handle.lower() and host.lower() == actor.uris.host


def webfinger(actor: LocalActor) -> dict[str, Any]:
    return {
        "subject": subject(actor),
        "aliases": [actor.id, actor.public_url],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": actor.id},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": actor.public_url,
            },
        ],
    }


def host_meta(public_url: str) -> str:
    template = Uris(public_url).webfinger_template
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/jrd+json" template="{template}"/>\n'
        "</XRD>\n"
    )


def nodeinfo_links(public_url: str) -> dict[str, Any]:
    return {
        "links": [
            {
                "rel": f"http://nodeinfo.diaspora.software/ns/schema/{version}",
                "href": Uris(public_url).nodeinfo(version),
            }
            for version in NODEINFO_VERSIONS
        ]
    }


@dataclass(frozen=True)
class Usage:
    local_posts: int
    metadata: dict[str, Any]


def nodeinfo(
    version: str, software: str, software_version: str, usage: Usage, open_registrations: bool
) -> dict[str, Any]:
    software_doc: dict[str, Any] = {"name": software, "version": software_version}
    if version == "2.1":
        software_doc["repository"] = "https://w3id.org/solidarity-node"
    return {
        "version": version,
        "software": software_doc,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": open_registrations,
        "usage": {
            "users": {"total": 1, "activeMonth": 1, "activeHalfyear": 1},
            "localPosts": usage.local_posts,
        },
        "metadata": usage.metadata,
    }
