"""Following peers: WebFinger lookup, Follow, and Undo — ours to send."""

from __future__ import annotations

from urllib.parse import quote

from yarl import URL

from federation.documents.actor import LocalActor
from federation.fetch import AddressPolicy, RemoteFetcher
from federation.hosts import peer_host
from node.ap.actors import ActorDirectory
from node.ap.build import local_activity
from node.ap.handlers import send_answer
from node.ap.outbox import Outbox
from node.clock import Clock, to_text
from node.domain.subscriptions import SubscriptionFilter
from node.domain.trust import TrustService
from node.errors import Forbidden, NotFound, Unprocessable
from node.storage import Store
from node.storage.follows import Followee
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
    return f"{scheme}://{host}/.well-known/webfinger?resource={resource}"


class FollowService:
    def __init__(
        self,
        store: Store,
        me: LocalActor,
        outbox: Outbox,
        actors: ActorDirectory,
        fetcher: RemoteFetcher,
        addresses: AddressPolicy,
        trust: TrustService,
        clock: Clock,
    ) -> None:
        self._store = store
        self._me = me
        self._outbox = outbox
        self._actors = actors
        self._fetcher = fetcher
        self._addresses = addresses
        self._trust = trust
        self._clock = clock

    async def resolve(self, target: str) -> str:
        """An actor URL from a handle (``group@host``) or the URL itself."""
        if target.startswith(("https://", "http://")):
            if not _parses(target):
                raise Unprocessable(f"{target!r} is not an actor's URL.", reason="handle-invalid")
            return target
        result = await self._fetcher.fetch_json(
            _webfinger_url(target, self._addresses), accept=JRD_ACCEPT
        )
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

    async def follow(
        self, target: str, *, who: str = "system", keep: SubscriptionFilter | None = None
    ) -> Followee:
        """Subscribe to a peer; it becomes trusted unless blocked or limited (audited).

        ``keep`` limits what is stored from it; a backfill of its current open items
        from its outbox starts at once (the backfill worker runs it page by page).
        """
        actor_id = await self.resolve(target)
        if await self._trust.refusal(peer_host(actor_id)) is not None:
            raise Forbidden(
                f"{peer_host(actor_id)} is cut off by our policy.", reason="peer-refused"
            )
        actor = await self._actors.get(actor_id, refresh=True)
        if actor.id == self._me.id:
            raise Unprocessable("A node cannot follow itself.", reason="follow-self")
        document = local_activity(self._me, "Follow", actor.id, to=[actor.id])
        filters = (keep or SubscriptionFilter()).to_json()
        followee = Followee(actor.id, document["id"], "pending", filters)
        outbox = actor.document.get("outbox")
        first_page = outbox if isinstance(outbox, str) and peer_host(outbox) == actor.host else None
        async with self._store.transaction() as repos:
            await self._trust.trust_on_subscribe(repos, actor.host, who)
            await repos.follows.add_following(followee, to_text(self._clock.now()))
            await repos.backfills.start(actor.id, first_page, to_text(self._clock.now()))
            await self._outbox.publish(repos, document, inboxes=[actor.inbox], public=False)
            await self._trust.audit(repos, who, "follow.sent", actor.id)
        return followee

    async def answer(self, actor_id: str, approve: bool, *, who: str, reason: str = "") -> None:
        """Approve or reject a pending follow request (audited)."""
        async with self._store.transaction() as repos:
            follower = await repos.follows.follower(actor_id)
            if follower is None or follower.state != "pending":
                raise NotFound(
                    f"No pending follow request from {actor_id}.", reason="follow-request-unknown"
                )
            if approve:
                await repos.follows.set_follower_state(actor_id, "accepted")
                await send_answer(repos, self._outbox, self._me, follower, "Accept")
            else:
                await repos.follows.remove_follower(actor_id)
                await send_answer(repos, self._outbox, self._me, follower, "Reject")
            action = "follow.approved" if approve else "follow.rejected"
            await self._trust.audit(repos, who, action, actor_id, reason=reason)

    async def unfollow(self, actor_id: str, *, who: str = "system") -> None:
        followee = await self._store.reader.follows.following(actor_id)
        actor = await self._store.reader.peers.actor(actor_id)
        if followee is None or actor is None:
            raise NotFound(f"We do not follow {actor_id}.", reason="not-following")
        follow = Follow(id=followee.follow_activity_id, actor=self._me.id, object=actor_id)
        undo = local_activity(self._me, "Undo", follow, to=[actor_id])
        async with self._store.transaction() as repos:
            await repos.follows.remove_following(actor_id)
            await self._outbox.publish(repos, undo, inboxes=[actor.inbox], public=False)
            await self._trust.audit(repos, who, "follow.undone", actor_id)
