"""``solidarity peers``: the trust level of each peer host, and why."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from admin.commands.common import (
    WHO,
    Commands,
    ServiceCommand,
    add_command,
    add_group,
    with_services,
)
from admin.commands.output import add_row, detail, flags, say, show, table, when, whole
from federation.hosts import peer_host
from node.domain.blocklist import block_domain
from node.domain.trust import Level
from node.errors import Conflict
from node.services import Services
from node.storage.follows import on_host
from node.storage.trust import PeerRow

RECENT_AUDIT = 10


def register(commands: Commands) -> None:
    peers = add_group(commands, "peers", "peer hosts and their trust levels")
    add_command(peers, "list", "every peer with a recorded level", with_services(list_peers))
    show_ = add_command(
        peers, "show", "one peer: level, follows, key fingerprints, audit", with_services(show_peer)
    )
    show_.add_argument("host", type=host_name)

    trust = _changer(peers, "trust", "trust a peer (or make it a partner)", trust_peer)
    trust.add_argument("--partner", action="store_true", help="a partner also sees coalition items")
    _changer(peers, "limit", "limit a peer: its follow requests wait for approval", limit_peer)
    block = _changer(
        peers, "block", "block a peer and its subdomains: nothing in or out", block_peer
    )
    for flag, what in (("--reject-reports", "reports (Flags)"), ("--reject-media", "media")):
        block.add_argument(
            flag,
            action=argparse.BooleanOptionalAction,
            default=None,
            help=f"refuse its {what} (default: keep as recorded)",
        )
    block.add_argument("--public-comment", default=None, help="shown in the blocklist export")
    _changer(peers, "unblock", "lift a block (level unknown)", unblock_peer)


def _changer(
    peers: Commands, name: str, help_: str, command: ServiceCommand
) -> argparse.ArgumentParser:
    """A command that changes one host's level (audited, with an optional reason)."""
    parser = add_command(peers, name, help_, with_services(command))
    parser.add_argument("host", type=host_name)
    parser.add_argument("--reason", default="", help="why, for the audit log")
    return parser


def host_name(text: str) -> str:
    """A peer host, normalised; a typo such as ``spam.example/`` must not become a
    block that matches nothing, so anything but a domain (or IP literal) is refused."""
    try:
        host = peer_host(text)
        if not host.startswith("["):  # IPv6 literals have no labels to check
            block_domain(host)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a host name ({error})") from error
    return host


def peer_flags(peer: PeerRow) -> str:
    return flags(
        reject_media=peer.reject_media, reject_reports=peer.reject_reports, obfuscate=peer.obfuscate
    )


async def list_peers(services: Services, args: argparse.Namespace) -> int:
    grid = table(
        whole("host"), whole("level"), whole("severity"), "flags", "comment", whole("updated")
    )
    for peer in await services.store.reader.trust.all_peers():
        private = f"(private: {peer.private_comment})" if peer.private_comment else ""
        comment = " ".join(part for part in (peer.public_comment, private) if part)
        add_row(
            grid,
            peer.host,
            peer.level,
            peer.severity,
            peer_flags(peer),
            comment,
            peer.updated_at[:10],
        )
    show(grid, empty="No peers have a recorded level yet.")
    return 0


async def _fingerprints(services: Services, host: str, actors: set[str]) -> list[tuple[str, ...]]:
    """Key history of the host's own URLs, plus actors of ours on its subdomains."""
    reader = services.store.reader.trust
    prefixes = [f"https://{host}/", f"http://{host}/", *sorted(actors)]
    found: dict[tuple[str, str], str] = {}
    for prefix in prefixes:
        for key_id, fingerprint, first_seen in await reader.fingerprints(prefix):
            if key_id.startswith(prefix):  # LIKE also matches "_" and any case
                found[(key_id, fingerprint)] = first_seen
    return sorted(((*key, seen) for key, seen in found.items()), key=lambda row: row[2])


async def show_peer(services: Services, args: argparse.Namespace) -> int:
    reader = services.store.reader
    peer = await services.trust.peer(args.host)
    effective = await services.trust.level(peer.host)
    followers = [
        f for f in await reader.follows.accepted_followers() if on_host(f.actor_id, peer.host)
    ]
    following = [f for f in await reader.follows.following_list() if on_host(f.actor_id, peer.host)]

    facts = table(whole(""), "", title=peer.host)
    level = peer.level if effective == peer.level else f"{peer.level} (effective: {effective})"
    rows: list[tuple[str, Any]] = [
        ("level", level),
        ("severity", peer.severity),
        ("flags", peer_flags(peer) or "none"),
        ("public comment", peer.public_comment),
        ("private comment", peer.private_comment),
        ("updated (UTC)", when(peer.updated_at) or "never"),
    ]
    for name, value in rows:
        add_row(facts, name, value)
    facts.show_header = False
    show(facts, empty="")

    grid = table(whole("actor"), whole("relation"), whole("state"), title="Follows")
    for follower in followers:
        add_row(grid, follower.actor_id, "follows us", follower.state)
    for followee in following:
        add_row(grid, followee.actor_id, "we follow", followee.state)
    show(grid, empty="none")

    actors = {f.actor_id for f in followers} | {f.actor_id for f in following}
    grid = table("key id", "fingerprint", whole("first seen (UTC)"), title="Key fingerprints")
    for key_id, fingerprint, first_seen in await _fingerprints(services, peer.host, actors):
        add_row(grid, key_id, fingerprint, when(first_seen))
    show(grid, empty="none seen")

    grid = table(
        whole("at (UTC)\nwho"), whole("action"), "detail", "reason", title="Recent audit entries"
    )
    for entry in await reader.trust.audit_entries(subject=peer.host, limit=RECENT_AUDIT):
        add_row(
            grid, f"{when(entry.at)}\n{entry.who}", entry.action, detail(entry.detail), entry.reason
        )
    show(grid, empty="none")
    return 0


async def _note_parent_block(services: Services, peer: PeerRow) -> None:
    """A block on a parent domain beats this host's own level: say so."""
    effective = await services.trust.level(peer.host)
    if effective != peer.level:
        print(
            f"solidarity: note: {peer.host} is still {effective}, by a block on a parent domain.",
            file=sys.stderr,
        )


async def trust_peer(services: Services, args: argparse.Namespace) -> int:
    level = Level.PARTNER if args.partner else Level.TRUSTED
    peer = await services.trust.set_level(args.host, level, who=WHO, reason=args.reason)
    say(f"{peer.host} is now {peer.level}.")
    await _note_parent_block(services, peer)
    return 0


async def limit_peer(services: Services, args: argparse.Namespace) -> int:
    peer = await services.trust.set_level(args.host, Level.LIMITED, who=WHO, reason=args.reason)
    say(f"{peer.host} is now limited: its follow requests wait for approval.")
    await _note_parent_block(services, peer)
    return 0


async def block_peer(services: Services, args: argparse.Namespace) -> int:
    given = {
        "reject_reports": args.reject_reports,
        "reject_media": args.reject_media,
        "public_comment": args.public_comment,
    }
    changes = {name: value for name, value in given.items() if value is not None}
    peer = await services.trust.set_level(
        args.host, Level.BLOCKED, who=WHO, reason=args.reason, **changes
    )
    extra = peer_flags(peer)
    say(
        f"{peer.host} is now blocked ({peer.severity}{', ' + extra if extra else ''}).",
        "Follows with it have ended and queued deliveries to it were stopped.",
    )
    return 0


async def unblock_peer(services: Services, args: argparse.Namespace) -> int:
    current = await services.trust.peer(args.host)
    if current.level != Level.BLOCKED:
        inherited = await services.trust.level(current.host) is Level.BLOCKED
        why = "by a block on a parent domain: unblock that" if inherited else "not blocked"
        raise Conflict(
            f"{current.host} is {why} (its own level is {current.level}); nothing changed.",
            reason="peer-not-blocked",
        )
    peer = await services.trust.unblock(current.host, who=WHO, reason=args.reason)
    say(f"{peer.host} is unblocked (level {peer.level}). Follows ended by the block stay ended.")
    await _note_parent_block(services, peer)
    return 0
