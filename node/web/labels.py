"""Human names of the closed vocabularies, marked for translation."""

from __future__ import annotations

from node.web.i18n import N_

PURPOSES = {"offer": N_("Offer"), "request": N_("Request")}

CATEGORIES = {
    "food": N_("Food"),
    "water": N_("Drinking water"),
    "hygiene": N_("Hygiene & sanitation"),
    "shelter": N_("Shelter & housing"),
    "household": N_("Household & clothing"),
    "medical": N_("Medical supplies & health"),
    "transport": N_("Transport & logistics"),
    "energy-comms": N_("Energy & communications"),
    "care": N_("Care & support"),
    "skills": N_("Skills & services"),
    "time": N_("Volunteer time & labour"),
    "cash": N_("Cash & financial"),
    "other": N_("Other"),
}

UNITS = {
    "one": N_("items"),
    "gram": N_("grams"),
    "kilogram": N_("kg"),
    "millilitre": N_("ml"),
    "litre": N_("litres"),
    "metre": N_("metres"),
    "hour": N_("hours"),
    "day": N_("days"),
    "week": N_("weeks"),
}

URGENCIES = {
    "within-1-2-days": N_("Within 1–2 days"),
    "within-3-5-days": N_("Within 3–5 days"),
    "within-a-week": N_("Within a week"),
    "anytime": N_("Anytime"),
}

VISIBILITIES = {
    "public": N_("Public: anyone"),
    "followers": N_("Followers: groups that follow us"),
    "coalition": N_("Coalition: partner groups only"),
    "private": N_("Private: this node only"),
}

STATUSES = {
    "draft": N_("Draft"),
    "open": N_("Open"),
    "partly-committed": N_("Partly committed"),
    "fulfilled": N_("Fulfilled"),
    "closed": N_("Closed"),
    "expired": N_("Expired"),
}

CLOSE_REASONS = {
    "fulfilled": N_("Fulfilled"),
    "fulfilled-elsewhere": N_("Fulfilled elsewhere"),
    "referred": N_("Passed on to another group"),
    "duplicate": N_("Duplicate"),
    "withdrawn": N_("Withdrawn"),
}

ACTIONS = {
    "transfer": N_("Give (transfer)"),
    "deliverService": N_("Provide a service"),
    "use": N_("Lend (use)"),
    "work": N_("Work"),
}

CLAIM_STATES = {
    "pending": N_("Waiting for an answer"),
    "tentative": N_("On hold"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
    "fulfilled": N_("Handed over"),
    "expired": N_("Hold expired"),
}

LEVELS = {
    "blocked": N_("Blocked"),
    "limited": N_("Limited"),
    "unknown": N_("Unknown"),
    "trusted": N_("Trusted"),
    "partner": N_("Partner"),
}

SORTS = {
    "newest": N_("Newest"),
    "urgency": N_("Most urgent"),
    "distance": N_("Nearest"),
    "ends": N_("Ending soonest"),
}

ALL = {
    "purposes": PURPOSES,
    "categories": CATEGORIES,
    "units": UNITS,
    "urgencies": URGENCIES,
    "visibilities": VISIBILITIES,
    "statuses": STATUSES,
    "close_reasons": CLOSE_REASONS,
    "actions": ACTIONS,
    "claim_states": CLAIM_STATES,
    "levels": LEVELS,
    "sorts": SORTS,
}
