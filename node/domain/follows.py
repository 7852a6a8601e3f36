"""Following and followers: subscribing to a peer, answering its follow requests.

Subscribing makes the peer trusted unless it is blocked or limited (audited)
and starts a backfill of its open items; a peer's follow is accepted, held for
approval or refused as the trust policy decides.
"""

from __future__ import annotations

from federation.hosts import peer_host
from node.clock import Clock, to_text
from node.domain.outcome import Outcome, done, dropped
from node.domain.peers import FollowMessages, PeerLookup
from node.domain.subscriptions import SubscriptionFilter
from node.domain.trust import TrustService
from node.errors import Forbidden, NotFound, Unprocessable
from node.storage import Repositories, Store
from node.storage.follows import Followee, Follower
from node.storage.peers import RemoteActor


class FollowService:
    def __init__(
        self,
        store: Store,
        our_id: str,
        peers: PeerLookup,
        messages: FollowMessages,
        trust: TrustService,
        clock: Clock,
    ) -> None:
        self._store = store
        self._our_id = our_id
        self._peers = peers
        self._messages = messages
        self._trust = trust
        self._clock = clock

    async def resolve(self, target: str) -> str:
        """An actor's id from a handle (``group@host``) or the actor's URL."""
        return await self._peers.resolve(target)

    async def follow(
        self, target: str, *, who: str = "system", keep: SubscriptionFilter | None = None
    ) -> Followee:
        """Subscribe to a peer; it becomes trusted unless blocked or limited (audited).

        ``keep`` limits what is stored from it; a backfill of its current open items
        from its outbox starts at once (the backfill worker runs it page by page).
        """
        actor_id = await self._peers.resolve(target)
        if await self._trust.refusal(peer_host(actor_id)) is not None:
            raise Forbidden(
                f"{peer_host(actor_id)} is cut off by our policy.", reason="peer-refused"
            )
        actor = await self._peers.actor(actor_id, refresh=True)
        if actor.id == self._our_id:
            raise Unprocessable("A node cannot follow itself.", reason="follow-self")
        filters = (keep or SubscriptionFilter()).to_json()
        first_page = self._peers.outbox(actor)
        async with self._store.transaction() as repos:
            await self._trust.trust_on_subscribe(repos, actor.host, who)
            follow_id = await self._messages.send_follow(repos, actor)
            followee = Followee(actor.id, follow_id, "pending", filters)
            await repos.follows.add_following(followee, to_text(self._clock.now()))
            await repos.backfills.start(actor.id, first_page, to_text(self._clock.now()))
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
            else:
                await repos.follows.remove_follower(actor_id)
            await self._messages.send_follow_answer(repos, follower, approve)
            action = "follow.approved" if approve else "follow.rejected"
            await self._trust.audit(repos, who, action, actor_id, reason=reason)

    async def unfollow(self, actor_id: str, *, who: str = "system") -> None:
        followee = await self._store.reader.follows.following(actor_id)
        actor = await self._store.reader.peers.actor(actor_id)
        if followee is None or actor is None:
            raise NotFound(f"We do not follow {actor_id}.", reason="not-following")
        async with self._store.transaction() as repos:
            await repos.follows.remove_following(actor_id)
            await self._messages.send_unfollow(repos, followee, actor)
            await self._trust.audit(repos, who, "follow.undone", actor_id)

    # -- what peers tell us (inside the inbox worker's transaction) ----------

    async def followed(
        self, repos: Repositories, sender: RemoteActor, follow_id: str, now: str
    ) -> Outcome:
        """A peer follows us: accepted, held for approval, or refused by the policy."""
        decision = await self._trust.follow_decision(sender.host)
        if decision == "reject":
            return dropped("follow-refused")
        state = "pending" if decision == "pending" else "accepted"
        follower = Follower(
            actor_id=sender.id,
            inbox=sender.inbox,
            shared_inbox=sender.shared_inbox,
            follow_activity_id=follow_id,
            state=state,
        )
        await repos.follows.add_follower(follower, now)
        if state == "pending":
            return done("follow-pending")
        await self._messages.send_follow_answer(repos, follower, True)
        return done("follow-accepted")

    @staticmethod
    async def answered(
        repos: Repositories, follow_id: str | None, answerer: str, state: str, now: str
    ) -> Outcome:
        """The peer we followed accepted or rejected our Follow ``follow_id``."""
        followee = await repos.follows.following_by_activity(follow_id) if follow_id else None
        if followee is None:
            return dropped("follow-unknown")
        if followee.actor_id != answerer:
            return dropped("answer-not-from-followee")
        await repos.follows.set_following_state(followee.actor_id, state, now)
        return done(f"follow-{state}")

    @staticmethod
    async def unfollowed(
        repos: Repositories,
        follower_id: str,
        *,
        undone: str | None,
        embedded: str | None,
        owner: str | None,
    ) -> Outcome:
        """A follower takes its Follow back. ``undone`` is the id of what it undoes;
        ``embedded`` the kind of the undone activity when it is sent along, with its
        ``owner`` (only the follower undoes its own Follow)."""
        follower = await repos.follows.follower(follower_id)
        if follower is None:
            return dropped("undo-unknown")
        if embedded is not None:
            if embedded != "Follow":
                return dropped("undo-unsupported")
            if owner is not None and owner != follower_id:
                return dropped("undo-not-owner")
        elif undone not in (follower.follow_activity_id, None):
            return dropped("undo-unknown")
        await repos.follows.remove_follower(follower_id)
        return done("unfollowed")
