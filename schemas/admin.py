"""Bodies of the admin API (``/api/v1/admin``): trust, follows, blocklists, audit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.vocab import Category, Role

Level = Literal["blocked", "limited", "unknown", "trusted", "partner"]
Severity = Literal["suspend", "silence", "noop"]
Reason = Field(default="", max_length=1000)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PeerOut(BaseModel):
    host: str
    level: Level
    severity: Severity
    reject_media: bool
    reject_reports: bool
    public_comment: str
    private_comment: str
    obfuscate: bool
    updated_at: str
    followers: list[str] = Field(default_factory=list)
    following: list[str] = Field(default_factory=list)
    key_fingerprints: list[str] = Field(default_factory=list)


class PeerList(BaseModel):
    peers: list[PeerOut]


class PeerUpdate(_Body):
    level: Level
    severity: Severity | None = None
    reject_media: bool | None = None
    reject_reports: bool | None = None
    public_comment: str | None = Field(default=None, max_length=1000)
    private_comment: str | None = Field(default=None, max_length=1000)
    reason: str = Reason


class PolicyOut(BaseModel):
    mode: Literal["open", "allowlist"]
    approve_followers: bool
    secure: bool


class PolicyUpdate(_Body):
    mode: Literal["open", "allowlist"] | None = None
    approve_followers: bool | None = None
    secure: bool | None = None
    reason: str = Reason


class FollowRequestOut(BaseModel):
    actor: str
    host: str
    follow_activity_id: str


class FollowRequestList(BaseModel):
    requests: list[FollowRequestOut]


class FollowAnswer(_Body):
    actor: str = Field(min_length=1, max_length=2000)
    reason: str = Reason


class FollowingOut(BaseModel):
    actor: str
    state: Literal["pending", "accepted", "rejected"]


class FollowingList(BaseModel):
    following: list[FollowingOut]


class Subscribe(_Body):
    target: str = Field(min_length=3, max_length=2000, description="group@host or an actor URL")
    purposes: list[Literal["offer", "request"]] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    near: str | None = Field(
        default=None,
        pattern=r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?$",
        description="centre of the region: latitude,longitude",
    )
    radius_km: float | None = Field(default=None, gt=0, le=2000)


class Unsubscribe(_Body):
    actor: str = Field(min_length=1, max_length=2000)


class BlocklistImport(_Body):
    format: Literal["csv", "text"] = "csv"
    content: str = Field(max_length=5_000_000)
    dry_run: bool = True


class BlockEntryOut(BaseModel):
    domain: str
    severity: Severity
    reject_media: bool
    reject_reports: bool
    public_comment: str
    obfuscate: bool


class BlockChangeOut(BaseModel):
    before: BlockEntryOut
    after: BlockEntryOut


class BlocklistDiffOut(BaseModel):
    applied: bool
    added: list[BlockEntryOut]
    changed: list[BlockChangeOut]
    unchanged: list[BlockEntryOut]


class BlocklistExportQuery(_Body):
    format: Literal["csv", "text"] = "csv"


class BlocklistExport(BaseModel):
    format: Literal["csv", "text"]
    content: str


class AuditQuery(_Body):
    # Within the HTTP server's 8190-byte request line even when percent-encoded UTF-8
    # (up to 12 bytes a character): the document must not promise an unreadable query.
    subject: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=200, ge=1, le=10_000)


class AuditOut(BaseModel):
    id: int
    at: str
    who: str
    action: str
    subject: str
    detail: dict[str, Any]
    reason: str


class AuditList(BaseModel):
    entries: list[AuditOut]


class ReportOut(BaseModel):
    id: int
    direction: Literal["in", "out"]
    activity_id: str
    reporter: str
    objects: list[str]
    content: str
    state: Literal["open", "resolved"]
    created_at: str


class ReportList(BaseModel):
    reports: list[ReportOut]


class HideItem(_Body):
    id: str = Field(min_length=1, max_length=2000)
    hidden: bool = True
    reason: str = Reason


class OpenItem(_Body):
    id: str = Field(min_length=1, max_length=2000)
    opened: bool = True
    reason: str = Reason


class ReportItem(_Body):
    id: str = Field(min_length=1, max_length=2000)
    content: str = Field(min_length=1, max_length=5000)


class ReportSent(BaseModel):
    activity_id: str


class RotateKeys(_Body):
    grace_days: int = Field(default=30, ge=0, le=365)


class KeysRotated(BaseModel):
    ed25519_key_id: str


class TokenQuery(_Body):
    revoked: bool = False


class TokenInfoOut(BaseModel):
    """A bearer token as an admin sees it: never the token itself."""

    id: int
    role: Role
    username: str | None = Field(
        description="the account it was issued to; none for tokens"
        " made with `solidarity token create`"
    )
    label: str
    created_at: str
    revoked_at: str | None


class TokenList(BaseModel):
    tokens: list[TokenInfoOut]
