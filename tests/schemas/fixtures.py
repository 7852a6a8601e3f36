"""The activities under tests/fixtures/activities/ (captured or constructed), and what each gives.

Each file is ``{"source": <where it comes from>, "activity": <the document as sent>}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemas.vocab import Action, Category, Purpose, Unit
from schemas.wire import Reason

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "activities"


@dataclass(frozen=True)
class Normalises:
    """The fixture's Proposal (the document, or its embedded object) normalises to this."""

    purpose: Purpose
    category: Category | None
    action: Action
    unit: Unit | None
    quantity: float | None
    available: float | None
    minimum: float | None = None


@dataclass(frozen=True)
class Refused:
    reason: Reason


@dataclass(frozen=True)
class Expect:
    model: str
    """The model the document parses into (``WireObject`` for types we keep uninterpreted)."""
    object_model: str | None = None
    """For an activity: the model of its ``object`` (``str`` for an IRI)."""
    proposal: Normalises | Refused | None = None


_WATER = Normalises(Purpose.OFFER, Category.WATER, Action.TRANSFER, Unit.LITRE, 40, 40, 4)
_INSULIN = Normalises(Purpose.REQUEST, Category.MEDICAL, Action.TRANSFER, Unit.ONE, 3, 3)
_BIKE = Normalises(Purpose.OFFER, None, Action.TRANSFER, Unit.ONE, 1, 1)

EXPECTED: dict[str, Expect] = {
    # FEP-0837's own examples
    "fep0837_proposal_1": Expect("Proposal", proposal=_BIKE),
    "fep0837_proposal_2": Expect("Proposal", proposal=_BIKE),
    "fep0837_offer_1": Expect("Offer", "Agreement"),
    "fep0837_accept_1": Expect("Accept", "str"),
    "fep0837_reject_1": Expect("Reject", "str"),
    "fep0837_create_1": Expect("Create", "WireObject", Refused(Reason.NOT_A_PROPOSAL)),
    # reference/domain.md §2.4–2.6 (illustrative taxonomy and urgency names)
    "domain_proposal_1": Expect(
        "Proposal",
        proposal=Normalises(Purpose.OFFER, None, Action.TRANSFER, Unit.LITRE, 4, 40, 4),
    ),
    "domain_proposal_2": Expect(
        "Proposal",
        proposal=Normalises(Purpose.REQUEST, None, Action.TRANSFER, Unit.ONE, 3, 3),
    ),
    "domain_offer_1": Expect("Offer", "Agreement"),
    "domain_create_1": Expect("Create", "EconomicEvent", Refused(Reason.NOT_A_PROPOSAL)),
    # Bonfire: older namespace, ValueFlows: types, unit objects, ProposedIntent lists
    "bonfire_intent_1": Expect(
        "Intent",
        proposal=Normalises(Purpose.OFFER, None, Action.WORK, Unit.KILOGRAM, None, 0.1),
    ),
    "bonfire_create_1": Expect("Create", "Intent", Refused(Reason.PURPOSE_UNKNOWN)),
    "bonfire_proposal_1": Expect("WireObject", proposal=Refused(Reason.PURPOSE_UNKNOWN)),
    # Mitra
    "mitra_proposal_1": Expect("Proposal", proposal=Refused(Reason.UNIT_UNKNOWN)),
    "mitra_offer_1": Expect("Offer", "Agreement"),
    "mitra_follow_1": Expect("Follow", "str"),
    # Mastodon
    "mastodon_create_1": Expect("Create", "Note", Refused(Reason.NOT_A_PROPOSAL)),
    "mastodon_delete_1": Expect("Delete", "Tombstone"),
    "mastodon_delete_2": Expect("Delete", "str"),
    "mastodon_follow_1": Expect("Follow", "str"),
    "mastodon_accept_1": Expect("Accept", "Follow"),
    "mastodon_undo_1": Expect("Undo", "Announce"),
    "mastodon_undo_2": Expect("Undo", "Follow"),
    "mastodon_announce_1": Expect("Announce", "str"),
    "mastodon_flag_1": Expect("Flag", "list"),
    # Our own output
    "solidarity_proposal_1": Expect("Proposal", proposal=_WATER),
    "solidarity_proposal_2": Expect("Proposal", proposal=_INSULIN),
    "solidarity_proposal_3": Expect(
        "Proposal",
        proposal=Normalises(Purpose.OFFER, Category.WATER, Action.TRANSFER, Unit.LITRE, 40, 0, 4),
    ),
    "solidarity_create_1": Expect("Create", "Proposal", _WATER),
    "solidarity_update_1": Expect(
        "Update",
        "Proposal",
        Normalises(Purpose.OFFER, Category.WATER, Action.TRANSFER, Unit.LITRE, 40, 32, 4),
    ),
    "solidarity_delete_1": Expect("Delete", "Tombstone"),
    "solidarity_note_1": Expect("Note", proposal=Refused(Reason.NOT_A_PROPOSAL)),
    "solidarity_create_2": Expect("Create", "Note", Refused(Reason.NOT_A_PROPOSAL)),
    "solidarity_announce_1": Expect("Announce", "Create"),
    "solidarity_follow_1": Expect("Follow", "str"),
    "solidarity_accept_1": Expect("Accept", "Follow"),
    "solidarity_undo_1": Expect("Undo", "Follow"),
    "solidarity_flag_1": Expect("Flag", "list"),
    "solidarity_offer_1": Expect("Offer", "Agreement"),
    "solidarity_tentativeaccept_1": Expect("TentativeAccept", "str"),
    "solidarity_accept_2": Expect("Accept", "str"),
    "solidarity_reject_1": Expect("Reject", "str"),
    "solidarity_create_3": Expect("Create", "EconomicEvent", Refused(Reason.NOT_A_PROPOSAL)),
}


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def load(name: str) -> dict[str, Any]:
    """The whole file: ``{"source": …, "activity": …}``."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def activity(name: str) -> dict[str, Any]:
    document: dict[str, Any] = load(name)["activity"]
    return document
