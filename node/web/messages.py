"""Translated messages for outcomes: notices after an action, and errors by reason code."""

from __future__ import annotations

from collections.abc import Callable

from node.errors import NodeError
from node.web.i18n import N_

NOTICES = {
    "signed-in": N_("You are signed in."),
    "signed-out": N_("You are signed out."),
    "saved": N_("Saved."),
    "posted": N_("Posted. Peers that follow this group will see it shortly."),
    "published": N_("Published."),
    "closed": N_("Closed."),
    "renewed": N_("Renewed."),
    "referred": N_("Passed on to the other group."),
    "claimed": N_("Claim sent. The other group will answer it."),
    "answered": N_("Answer sent."),
    "withdrawn": N_("Claim withdrawn."),
    "confirmed": N_("Handover recorded."),
    "language": N_("Language changed."),
    "trust": N_("Trust level changed."),
    "follow": N_("Follow request answered."),
    "imported": N_("Blocklist imported."),
    "resolved": N_("Report marked resolved."),
    "hidden": N_("Item hidden."),
}

ERRORS = {
    "bad-credentials": N_("Unknown username or wrong password."),
    "csrf-invalid": N_(
        "This form expired or came from another site. Go back, reload the page and try again."
    ),
    "role-insufficient": N_("Only an admin can open this page."),
    "item-not-found": N_("That item is not here, or you may not see it."),
    "item-not-editable": N_("This item can no longer be edited."),
    "illegal-transition": N_("That change is not possible in the item's current state."),
    "window-invalid": N_("Check the dates: the item must end after it begins, in the future."),
    "quantity-unavailable": N_("Not that much is available."),
    "quantity-below-committed": N_("The new quantity is less than what is already committed."),
    "claim-state": N_("That claim cannot be answered that way now."),
    "claim-final": N_("That claim is already settled."),
    "claim-not-found": N_("No such claim."),
    "claim-not-ours": N_("Only the other group can do that."),
    "over-claim": N_("That is more than is available."),
    "below-minimum": N_("That is less than the minimum a claim must take."),
    "not-a-multiple": N_("Claims on this item must be whole multiples of its unit."),
    "unit-mismatch": N_("The units do not match."),
    "item-not-claimable": N_("That item has no quantity to claim."),
    "item-not-live": N_("That item takes no claims now."),
    "location-outside-areas": N_("The point is outside every area this group declared."),
    "location-unknown-area": N_("Choose one of the listed areas."),
    "peer-refused": N_("That group is cut off by this node's policy."),
    "actor-not-found": N_("No group was found at that address."),
    "handle-invalid": N_("Write the group's address like group@example.org."),
    "host-invalid": N_("That is not a host name."),
    "follow-request-unknown": N_("That follow request is no longer waiting."),
    "report-unknown": N_("That report is not open."),
    "blocklist-malformed": N_("Some rows of the blocklist are malformed; nothing was imported."),
    "too-many-attempts": N_("Too many sign-in attempts. Wait a few minutes and try again."),
    "not-found": N_("There is no such page."),
}


def notice_message(key: str) -> str | None:
    return NOTICES.get(key)


def error_message(gettext: Callable[[str], str], error: NodeError) -> str:
    known = ERRORS.get(error.reason)
    if known is not None:
        return gettext(known)
    return error.detail
