"""The daily digest: our open items, claims waiting, items ending, new matches (and,
for admins, follow requests and failing peers), in under 40 lines of mail.

Sections list at most a few entries each and say how many more there are; when
the sections would still be too long, fewer entries are listed per section.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from node.clock import to_text
from node.domain.notifications.messages import amount, text, when
from node.domain.notifications.preferences import Preferences
from node.domain.notifications.sources import EXPIRING_WITHIN, FAILING_FOR
from node.domain.suggestions import SuggestionService
from node.storage import Repositories
from schemas.vocab import Role

BODY_LINES = 32  # plus the mail's link and footer lines: under 40 in all
NEW_WITHIN = timedelta(days=1)


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]


def _fit(sections: list[Section], language: str, budget: int) -> list[str]:
    for shown in (4, 3, 2, 1):
        body: list[str] = []
        for section in sections:
            if body:
                body.append("")
            body.append(section.title)
            body += [f"- {line}" for line in section.lines[:shown]]
            if len(section.lines) > shown:
                body.append(f"  {text(language, 'digest.more', count=len(section.lines) - shown)}")
        if len(body) <= budget:
            return body
    return body[:budget]


async def digest_lines(
    repos: Repositories,
    suggestions: SuggestionService,
    prefs: Preferences,
    now: datetime,
    threshold: float,
) -> list[str]:
    lang = prefs.language

    def t(key: str, **values: object) -> str:
        return text(lang, key, **values)

    def item_line(
        purpose: str, title: str, available: float, total: float, unit: str, ends: str | None
    ) -> str:
        until = t("digest.ends", until=when(lang, ends, prefs.timezone)) if ends else ""
        left, total_amount = amount(lang, available, unit), amount(lang, total, unit)
        return t(
            "digest.item_line",
            purpose=t(purpose),
            title=title,
            ends=until,
            available=left,
            total=total_amount,
        )

    sources = repos.notice_sources
    sections = []
    open_items = await sources.open_items()
    sections.append(
        Section(
            t("digest.open_items", count=len(open_items)),
            [
                item_line(i.purpose, i.title, i.available_quantity, i.quantity, i.unit, i.ends_at)
                for i in open_items
            ],
        )
    )
    waiting = await sources.claims_waiting()
    titles = await sources.items([c.item_id for c in waiting])
    names = await sources.actor_names(sorted({c.counterparty for c in waiting}))
    claim_lines = [
        t(
            "digest.claim_line",
            group=names.get(c.counterparty) or c.counterparty,
            amount=amount(lang, c.quantity, c.unit),
            title=titles[c.item_id].title,
        )
        for c in waiting
        if c.item_id in titles
    ]
    sections.append(Section(t("digest.claims", count=len(claim_lines)), claim_lines))
    ending = await sources.items_ending_between(to_text(now), to_text(now + EXPIRING_WITHIN))
    sections.append(
        Section(
            t("digest.expiring", count=len(ending)),
            [
                item_line(i.purpose, i.title, i.available_quantity, i.quantity, i.unit, i.ends_at)
                for i in ending
            ],
        )
    )
    fresh = [
        t(
            "digest.match_line",
            ours=m.ours.title,
            theirs=m.theirs.title,
            group=m.theirs.origin_name,
            score=f"{m.match.score:.2f}",
        )
        for m in await suggestions.for_our_items()
        if m.match.score >= threshold and m.theirs.updated_at >= now - NEW_WITHIN
    ]
    sections.append(Section(t("digest.matches", count=len(fresh)), fresh))
    if prefs.role is Role.ADMIN:
        follows = [r.actor_id for r in await sources.follow_requests()]
        sections.append(Section(t("digest.follows", count=len(follows)), follows))
        failing = await sources.failing_hosts(to_text(now - FAILING_FOR))
        sections.append(
            Section(
                t("digest.failing", count=len(failing)),
                [f"{h.host}: {h.last_error or '-'}" for h in failing],
            )
        )
    shown = [s for s in sections if s.lines]
    if not shown:
        return [t("digest.nothing")]
    return _fit(shown, lang, BODY_LINES)
