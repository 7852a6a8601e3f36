"""Importing and exporting blocklists (Mastodon CSV or plain text), dry run first.

An import never removes existing blocks; it adds and changes entries, all in
one transaction, each audited, or — when any row is malformed — nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from node.domain.blocklist import (
    BlockEntry,
    BlocklistDiff,
    Severity,
    diff,
    parse_csv,
    parse_text,
    to_csv,
    to_text,
)
from node.domain.trust import SEVERITY_LEVEL, Level, TrustService
from node.errors import FieldError, Unprocessable
from node.storage import Store
from node.storage.trust import PeerRow

Format = Literal["csv", "text"]


@dataclass(frozen=True)
class ImportResult:
    diff: BlocklistDiff
    applied: bool


def _entry(peer: PeerRow) -> BlockEntry:
    return BlockEntry(
        domain=peer.host,
        severity=cast(Severity, peer.severity),
        reject_media=peer.reject_media,
        reject_reports=peer.reject_reports,
        public_comment=peer.public_comment,
        obfuscate=peer.obfuscate,
    )


def _listed(peer: PeerRow) -> bool:
    """A peer belongs on the blocklist when blocked or limited, or with reject flags."""
    return peer.level in (Level.BLOCKED, Level.LIMITED) or peer.reject_media or peer.reject_reports


class BlockService:
    def __init__(self, store: Store, trust: TrustService) -> None:
        self._store = store
        self._trust = trust

    async def current(self) -> dict[str, BlockEntry]:
        peers = await self._store.reader.trust.all_peers()
        return {peer.host: _entry(peer) for peer in peers if _listed(peer)}

    async def export(self, fmt: Format) -> str:
        entries = (await self.current()).values()
        return to_csv(entries) if fmt == "csv" else to_text(entries)

    async def import_(self, text: str, fmt: Format, *, who: str, dry_run: bool) -> ImportResult:
        parsed = parse_csv(text) if fmt == "csv" else parse_text(text)
        if not parsed.ok:
            raise Unprocessable(
                f"{len(parsed.errors)} row(s) are malformed; nothing was imported.",
                reason="blocklist-malformed",
                errors=[FieldError(f"line {e.line}", e.message) for e in parsed.errors],
            )
        incoming = parsed.require_valid()
        plan = diff(await self.current(), incoming)
        if dry_run:
            return ImportResult(plan, applied=False)
        changes = [*plan.added, *(new for _, new in plan.changed)]
        async with self._store.transaction() as repos:
            for entry in changes:
                level = SEVERITY_LEVEL.get(entry.severity, Level.UNKNOWN)
                existing = await repos.trust.peers_named([entry.domain])
                if level is Level.UNKNOWN and existing:
                    level = Level(existing[0].level)
                await self._trust.apply_level(
                    repos,
                    entry.domain,
                    level,
                    who=who,
                    reason="blocklist import",
                    severity=entry.severity,
                    reject_media=entry.reject_media,
                    reject_reports=entry.reject_reports,
                    public_comment=entry.public_comment,
                    obfuscate=entry.obfuscate,
                )
            await self._trust.audit(
                repos,
                who,
                "blocklist.import",
                "node",
                {
                    "added": len(plan.added),
                    "changed": len(plan.changed),
                    "unchanged": len(plan.unchanged),
                },
            )
        return ImportResult(plan, applied=True)
