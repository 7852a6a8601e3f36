"""Each user's notification preferences, their defaults, and quiet hours (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from node.domain.notifications.events import DEFAULT_EVENTS, Kind, allowed_kinds
from node.storage.notification_rows import PreferencesRow
from schemas.vocab import Role

LANGUAGES = ("en", "es")
EMAIL, IN_APP = "email", "in-app"
CHANNELS = (IN_APP, EMAIL)


@dataclass(frozen=True)
class Preferences:
    account_id: int
    role: Role
    email: str
    events: tuple[Kind, ...]
    channels: tuple[str, ...]
    digest: bool
    quiet_start: str | None
    quiet_end: str | None
    timezone: str
    language: str

    def wants(self, kind: Kind) -> bool:
        """Whether this user hears of ``kind`` at all (in the list, and by mail if chosen)."""
        return kind in self.events and kind in allowed_kinds(self.role)

    def mails(self, kind: Kind) -> bool:
        return bool(self.email) and EMAIL in self.channels and self.wants(kind)

    @property
    def mails_digest(self) -> bool:
        return bool(self.email) and self.digest

    def quiet_until(self, now: datetime) -> datetime | None:
        if self.quiet_start is None or self.quiet_end is None:
            return None
        return quiet_until(
            now, parse_clock(self.quiet_start), parse_clock(self.quiet_end), ZoneInfo(self.timezone)
        )

    def local_now(self, now: datetime) -> datetime:
        return now.astimezone(ZoneInfo(self.timezone))


def default_language(node_language: str) -> str:
    base = node_language.split("-", 1)[0].lower()
    return base if base in LANGUAGES else "en"


def defaults(account_id: int, role: Role, node_language: str) -> Preferences:
    """Coordinators hear of claims, answers, strong matches and items about to end;
    admins of claims and the node's health. Both get the list, mail once they give an
    address, and a daily digest; no quiet hours until they choose some."""
    return Preferences(
        account_id=account_id,
        role=role,
        email="",
        events=DEFAULT_EVENTS[role],
        channels=CHANNELS,
        digest=True,
        quiet_start=None,
        quiet_end=None,
        timezone="UTC",
        language=default_language(node_language),
    )


def from_row(row: PreferencesRow, role: Role) -> Preferences:
    return Preferences(
        account_id=row.account_id,
        role=role,
        email=row.email,
        events=tuple(Kind(k) for k in row.events if k in Kind._value2member_map_),
        channels=tuple(row.channels),
        digest=row.digest,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        timezone=row.timezone,
        language=row.language,
    )


def to_row(prefs: Preferences, now: str) -> PreferencesRow:
    return PreferencesRow(
        account_id=prefs.account_id,
        email=prefs.email,
        events=[k.value for k in prefs.events],
        channels=list(prefs.channels),
        digest=prefs.digest,
        quiet_start=prefs.quiet_start,
        quiet_end=prefs.quiet_end,
        timezone=prefs.timezone,
        language=prefs.language,
        updated_at=now,
    )


def parse_clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def quiet_until(now: datetime, start: time, end: time, zone: ZoneInfo) -> datetime | None:
    """When the quiet hours that contain ``now`` end (in UTC terms), or None when ``now``
    is outside them. ``start`` after ``end`` spans midnight (22:00-07:00)."""
    if start == end:
        return None
    local = now.astimezone(zone)
    moment = local.time().replace(second=0, microsecond=0, tzinfo=None)
    if start < end:
        inside = start <= moment < end
        end_day = local.date()
    else:
        inside = moment >= start or moment < end
        end_day = local.date() + timedelta(days=1) if moment >= start else local.date()
    if not inside:
        return None
    ends = datetime.combine(end_day, end, tzinfo=zone)
    return max(ends.astimezone(now.tzinfo), now)
