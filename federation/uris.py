"""Every URL the node mints, built and parsed in one place (as GoToSocial's internal/uris).

The shapes are the design brief's (section 3a) and peers store them, so they never
change: the actor at ``{public_url}/actor``, its keys as fragments of it (``#main-key``,
``#ed25519-key`` and the fragments of rotated keys), its inbox and collections under it,
the shared inbox at ``{public_url}/inbox``, items at ``{public_url}/offers/{id}`` and
``{public_url}/requests/{id}`` with their intent at ``#primary``, the instance actor at
``{public_url}/instance``. Parsing answers the other way round: which of our items,
activities or claim objects an IRI names, or None for a peer's IRI and a malformed one.

The origin or authority of any URL, ours or a peer's, comes from the helpers at the end
rather than from string splits.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, get_args
from urllib.parse import quote, urlsplit

from federation.hosts import DEFAULT_PORTS
from schemas.vocab import Purpose

MAIN_KEY_FRAGMENT = "main-key"
FIRST_ED25519_FRAGMENT = "ed25519-key"
PRIMARY_INTENT_FRAGMENT = "primary"
WEBFINGER_PATH = "/.well-known/webfinger"
NODEINFO_LINKS_PATH = "/.well-known/nodeinfo"

ClaimKind = Literal["commitments", "agreements", "events"]
"""The claim objects we mint: a claim's Commitment and Agreement, a handover's event."""

_CLAIM_KINDS: tuple[ClaimKind, ...] = get_args(ClaimKind)
_ITEM_KINDS = {f"{purpose.value}s": purpose for purpose in Purpose}


def key_id(actor_id: str, fragment: str) -> str:
    """The id of one of an actor's keys: ``{actor}#{fragment}``."""
    return f"{actor_id}#{fragment}"


def item_note(item_iri: str) -> str:
    """Where a node serves the companion Note of one of its own Proposals."""
    return f"{item_iri}/note"


def _segment(text: str) -> str | None:
    """``text`` when it is one whole, non-empty path segment, else None."""
    return text if text and not any(c in text for c in "/?#") else None


@dataclass(frozen=True)
class Uris:
    """The URLs of the node at ``public_url`` (``scheme://host[:port]``, no trailing slash)."""

    public_url: str

    # -- the group's actor, its keys, inboxes and collections -----------------

    @cached_property
    def actor(self) -> str:
        return f"{self.public_url}/actor"

    @cached_property
    def main_key(self) -> str:
        """The RSA key every peer verifies HTTP signatures with."""
        return key_id(self.actor, MAIN_KEY_FRAGMENT)

    def key(self, fragment: str) -> str:
        """One of the actor's keys by fragment (the current or a retired Ed25519 key)."""
        return key_id(self.actor, fragment)

    @cached_property
    def inbox(self) -> str:
        return f"{self.actor}/inbox"

    @cached_property
    def shared_inbox(self) -> str:
        return f"{self.public_url}/inbox"

    @cached_property
    def outbox(self) -> str:
        return f"{self.actor}/outbox"

    @cached_property
    def followers(self) -> str:
        return f"{self.actor}/followers"

    @cached_property
    def following(self) -> str:
        return f"{self.actor}/following"

    @cached_property
    def partners(self) -> str:
        return f"{self.actor}/partners"

    def outbox_page(self, before: int | None = None) -> str:
        """A page of the outbox: the newest, or those older than sequence ``before``."""
        return f"{self.outbox}?page=true" + (f"&before={before}" if before else "")

    @staticmethod
    def collection_page(collection: str, number: int) -> str:
        """Page ``number`` (from 1) of one of our numbered collections."""
        return f"{collection}?page={number}"

    # -- the instance actor (signs the node's own fetches) --------------------

    @cached_property
    def instance(self) -> str:
        return f"{self.public_url}/instance"

    @cached_property
    def instance_main_key(self) -> str:
        return key_id(self.instance, MAIN_KEY_FRAGMENT)

    @cached_property
    def instance_inbox(self) -> str:
        return f"{self.instance}/inbox"

    @cached_property
    def instance_outbox(self) -> str:
        return f"{self.instance}/outbox"

    # -- objects --------------------------------------------------------------

    def item(self, purpose: str, item_id: str) -> str:
        """An offer or request (``purpose`` is a Purpose or its value)."""
        return f"{self.public_url}/{purpose}s/{item_id}"

    def intent(self, purpose: str, item_id: str) -> str:
        """The primary Intent an item's Proposal publishes."""
        return f"{self.item(purpose, item_id)}#{PRIMARY_INTENT_FRAGMENT}"

    def activity(self, activity_id: str) -> str:
        return f"{self.public_url}/activities/{activity_id}"

    def new_activity(self) -> str:
        return self.activity(str(uuid.uuid4()))

    def claim_object(self, kind: ClaimKind, object_id: str) -> str:
        return f"{self.public_url}/{kind}/{object_id}"

    def new_claim_object(self, kind: ClaimKind) -> str:
        return self.claim_object(kind, str(uuid.uuid4()))

    def relay_note(self, proposal_id: str) -> str:
        """Where we serve our own Note about a peer's Proposal (one per Proposal)."""
        digest = hashlib.sha256(proposal_id.encode()).hexdigest()[:32]
        return f"{self.public_url}/notes/{digest}"

    def tag(self, name: str) -> str:
        """A hashtag's page, ``name`` without its ``#``."""
        return f"{self.public_url}/tags/{name}"

    # -- discovery ------------------------------------------------------------

    @cached_property
    def host(self) -> str:
        """``host[:port]``, the port only when it is not the scheme's default."""
        return account_host(self.public_url)

    def account(self, handle: str) -> str:
        """The WebFinger subject ``acct:HANDLE@HOST[:PORT]``."""
        return f"acct:{handle}@{self.host}"

    @cached_property
    def webfinger_template(self) -> str:
        """host-meta's LRDD template, ``{uri}`` left for the client to fill."""
        return f"{self.public_url}{WEBFINGER_PATH}?resource={{uri}}"

    def nodeinfo(self, version: str) -> str:
        return f"{self.public_url}/nodeinfo/{version}"

    # -- pages and API links that notifications send ----------------------------

    @cached_property
    def home(self) -> str:
        return f"{self.public_url}/"

    def unsubscribe(self, token: str) -> str:
        return f"{self.public_url}/unsubscribe?token={token}"

    def item_page(self, purpose: str, item_id: str) -> str:
        """Our item's page for signed-in members."""
        return f"{self.public_url}/items/{purpose}s/{item_id}"

    def peer_item_page(self, iri: str) -> str:
        """The feed's page of a peer's item."""
        return f"{self.public_url}/feed/item?id={quote(iri, safe='')}"

    def admin_page(self, page: str) -> str:
        return f"{self.public_url}/admin/{page}"

    def renew_api(self, purpose: str, item_id: str) -> str:
        return f"{self.public_url}/api/v1/{purpose}s/{item_id}/renew"

    def webhook_deliveries_api(self, endpoint_id: int) -> str:
        return f"{self.public_url}/api/v1/admin/webhooks/{endpoint_id}/deliveries"

    @cached_property
    def notification_deliveries_api(self) -> str:
        return f"{self.public_url}/api/v1/admin/notifications/deliveries"

    # -- requests we receive --------------------------------------------------

    def received(self, host: str, path_qs: str) -> str:
        """The URL a request to ``host`` for ``path_qs`` was sent to, with our public
        scheme (behind a TLS-terminating proxy the server itself sees plain http)."""
        return f"{urlsplit(self.public_url).scheme}://{host}{path_qs}"

    # -- parsing --------------------------------------------------------------

    def is_ours(self, iri: str) -> bool:
        return iri == self.public_url or iri.startswith(f"{self.public_url}/")

    def _below(self, iri: str, segment: str) -> str | None:
        """The one path segment after ``{public_url}/{segment}/`` in ``iri``, or None."""
        prefix = f"{self.public_url}/{segment}/"
        return _segment(iri.removeprefix(prefix)) if iri.startswith(prefix) else None

    def item_of(self, iri: str) -> tuple[Purpose, str] | None:
        """Which of our items ``iri`` names, itself or a fragment of it (its ``#primary``
        intent): ``(purpose, id)``, or None for anything else."""
        base = iri.partition("#")[0]
        for kind, purpose in _ITEM_KINDS.items():
            found = self._below(base, kind)
            if found is not None:
                return purpose, found
        return None

    def activity_of(self, iri: str) -> str | None:
        """The id of our activity ``iri`` names, or None."""
        return self._below(iri, "activities")

    def claim_object_of(self, iri: str) -> tuple[ClaimKind, str] | None:
        """Which of our claim objects ``iri`` names: ``(kind, id)``, or None."""
        for kind in _CLAIM_KINDS:
            found = self._below(iri, kind)
            if found is not None:
                return kind, found
        return None

    def key_fragment_of(self, iri: str) -> str | None:
        """The fragment of our actor's key ``iri`` names (``main-key``, ``ed25519-key``…)."""
        base, sep, fragment = iri.partition("#")
        return fragment if sep and base == self.actor and _segment(fragment) else None


# -- any URL, ours or a peer's ------------------------------------------------


def _parts(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    return parts.scheme, parts.netloc


def origin_of(url: str) -> str:
    """``scheme://authority`` of an absolute URL (the authority as written); ValueError
    for anything else."""
    scheme, authority = _parts(url)
    return f"{scheme}://{authority}"


def authority_of(url: str) -> str:
    """``host[:port]`` of an absolute URL as written; ValueError for anything else."""
    return _parts(url)[1]


def account_host(url: str) -> str:
    """``host[:port]`` as WebFinger writes it: lower-case, the port only when it is not
    the scheme's default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return host if parts.port in (None, DEFAULT_PORTS.get(parts.scheme)) else f"{host}:{parts.port}"


def nodeinfo_links_url(origin: str) -> str:
    """Where a server at ``origin`` lists its NodeInfo documents."""
    return f"{origin}{NODEINFO_LINKS_PATH}"
