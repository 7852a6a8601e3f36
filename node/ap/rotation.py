"""Rotating the node's own keys and telling followers (an Update of the actor)."""

from __future__ import annotations

from datetime import timedelta

from federation.documents.actor import actor_document
from node.ap.build import local_activity
from node.domain.records import Transaction
from node.services import Services, actor_keys
from schemas.context import PUBLIC

DEFAULT_GRACE = timedelta(days=30)


async def rotate_keys(services: Services, *, who: str, grace: timedelta = DEFAULT_GRACE) -> str:
    """New keys now; followers get the new actor; the old Ed25519 key stays for ``grace``.

    Returns the new Ed25519 key id. Deliveries already queued are signed with the
    new keys when they are sent, because signing reads the key ring at send time.
    """
    now = services.clock.now()
    ring = services.keys
    ring.rotate(now, grace)
    actor = services.actor
    document = actor_document(actor, actor_keys(ring, now))
    update = local_activity(actor, "Update", document, to=[PUBLIC], cc=[actor.followers])
    new_key = actor.key_id(ring.ed25519_fragment)

    async def tell_followers(tx: Transaction) -> None:
        inboxes = await services.outbox.followers(tx)
        await services.outbox.publish(tx, update, inboxes=inboxes, public=True)

    detail = {"ed25519": new_key, "grace_days": grace.days}
    await services.trust.audited(who, "key.rotated", actor.id, detail, tell_followers)
    return new_key
