"""Following peers, the federation side: WebFinger lookup, actor documents, and the
Follow, Undo, Accept and Reject that node/domain/follows' changes send."""

from __future__ import annotations

from urllib.parse import quote

from yarl import URL

from federation.documents.actor import LocalActor
from federation.fetch import AddressPolicy, RemoteFetcher
from federation.hosts import peer_host
from federation.uris import WEBFINGER_PATH
from node.ap.actors import ActorDirectory
from node.ap.build import local_activity
from node.ap.outbox import Outbox
from node.domain.records import Followee, Follower, RemoteActor, Transaction
from node.errors import NotFound, Unprocessable
from schemas.wire import Follow

_ACTOR_TYPES = ("application/activity+json", "application/ld+json")
JRD_ACCEPT = "application/jrd+json, application/json;q=0.9"


def _parses(url: str) -> bool:
    """True when ``url`` has a host (and port) that the fetcher and the trust checks read."""
    try:
        peer_host(url)
        return URL(url).raw_host is not None
    except ValueError:
        return False


def _webfinger_url(handle: str, addresses: AddressPolicy) -> str:
    user, _, host = handle.removeprefix("acct:").lstrip("@").rpartition("@")
    if not user or not host or not _parses(f"https://{host}/"):
        raise Unprocessable(f"{handle!r} is not a handle like group@host.", reason="handle-invalid")
    name, _, port_text = host.partition(":")
    port = int(port_text) if port_text.isdigit() else None
    plain = port is not None and addresses.is_allowlisted(name, port)
    scheme = "http" if plain or addresses.allow_all else "https"
    resource = quote(f"acct:{user}@{host}", safe="@:")
    return f"{scheme}://{host}{WEBFINGER_PATH}?resource={resource}"


class FederatedPeers:
    """node/domain's PeerLookup over WebFinger and actor documents.

    The fetcher and the actor directory own the outbound HTTP client, which
    exists once the application runs: :meth:`attach` hands them over then.
    """

    def __init__(self) -> None:
        self._parts: tuple[ActorDirectory, RemoteFetcher, AddressPolicy] | None = None

    def attach(
        self, actors: ActorDirectory, fetcher: RemoteFetcher, addresses: AddressPolicy
    ) -> None:
        self._parts = (actors, fetcher, addresses)

    def _attached(self) -> tuple[ActorDirectory, RemoteFetcher, AddressPolicy]:
        if self._parts is None:
            raise RuntimeError("peers are reached once the federation parts are built")
        return self._parts

    async def resolve(self, target: str) -> str:
        """An actor URL from a handle (``group@host``) or the URL itself."""
        if target.startswith(("https://", "http://")):
            if not _parses(target):
                raise Unprocessable(f"{target!r} is not an actor's URL.", reason="handle-invalid")
            return target
        _, fetcher, addresses = self._attached()
        result = await fetcher.fetch_json(_webfinger_url(target, addresses), accept=JRD_ACCEPT)
        links = result.document.get("links")
        for link in links if isinstance(links, list) else []:
            if (
                isinstance(link, dict)
                and link.get("rel") == "self"
                and isinstance(link.get("href"), str)
                and any(kind in str(link.get("type", "")) for kind in _ACTOR_TYPES)
            ):
                href = str(link["href"])
                if peer_host(href) == peer_host(result.final_url):
                    return href
        raise NotFound(f"{target} has no ActivityPub actor.", reason="actor-not-found")

    async def actor(self, actor_id: str, *, refresh: bool = False) -> RemoteActor:
        actors, _, _ = self._attached()
        return await actors.get(actor_id, refresh=refresh)

    def outbox(self, actor: RemoteActor) -> str | None:
        """The actor's outbox, when it is on the actor's own host."""
        outbox = actor.document.get("outbox")
        return outbox if isinstance(outbox, str) and peer_host(outbox) == actor.host else None


class FollowMessenger:
    """node/domain/follows' FollowMessages as ActivityPub activities."""

    def __init__(self, me: LocalActor, outbox: Outbox) -> None:
        self._me = me
        self._outbox = outbox

    async def send_follow(self, tx: Transaction, actor: RemoteActor) -> str:
        document = local_activity(self._me, "Follow", actor.id, to=[actor.id])
        await self._outbox.publish(tx, document, inboxes=[actor.inbox], public=False)
        return str(document["id"])

    async def send_unfollow(self, tx: Transaction, followee: Followee, actor: RemoteActor) -> None:
        follow = Follow(id=followee.follow_activity_id, actor=self._me.id, object=actor.id)
        undo = local_activity(self._me, "Undo", follow, to=[actor.id])
        await self._outbox.publish(tx, undo, inboxes=[actor.inbox], public=False)

    async def send_follow_answer(self, tx: Transaction, follower: Follower, approve: bool) -> None:
        """Accept or Reject a follower's Follow, embedding the Follow as Mastodon does."""
        follow = Follow(id=follower.follow_activity_id, actor=follower.actor_id, object=self._me.id)
        to = [follower.actor_id]
        if approve:
            document = local_activity(self._me, "Accept", follow, to=to)
        else:
            document = local_activity(self._me, "Reject", follow, to=to)
        await self._outbox.publish(tx, document, inboxes=[follower.inbox], public=False)
