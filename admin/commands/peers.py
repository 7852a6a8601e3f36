"""``solidarity peers``: the trust level of each peer host, and why."""

from __future__ import annotations

import sys
from typing import Any, Protocol

import click

from admin.commands.common import WHO, command, group, with_services
from admin.commands.output import add_row, detail, flags, say, show, table, when, whole
from federation.hosts import peer_host
from node.domain.blocklist import block_domain
from node.domain.trust import Level
from node.errors import Conflict
from node.services import Services

RECENT_AUDIT = 10


class HostName(click.ParamType[str]):
    """A peer host, normalised; a typo such as ``spam.example/`` must not become a
    block that matches nothing, so anything but a domain (or IP literal) is refused."""

    name = "host"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            host = peer_host(value)
            if not host.startswith("["):  # IPv6 literals have no labels to check
                block_domain(host)
        except ValueError as error:
            self.fail(f"{value!r} is not a host name ({error})", param, ctx)
        return host


HOST = HostName()


class Flagged(Protocol):
    """A peer's flags, as the trust service reports them."""

    @property
    def reject_media(self) -> bool: ...
    @property
    def reject_reports(self) -> bool: ...
    @property
    def obfuscate(self) -> bool: ...


peers = group("peers", "peer hosts and their trust levels")


# Every command that changes one host's level takes the host and an optional reason.
host_argument = click.argument("host", type=HOST)
reason_option = click.option("--reason", default="", help="why, for the audit log")


def peer_flags(peer: Flagged) -> str:
    return flags(
        reject_media=peer.reject_media, reject_reports=peer.reject_reports, obfuscate=peer.obfuscate
    )


@command("list", "every peer with a recorded level", peers)
@with_services
async def list_peers(services: Services) -> int:
    grid = table(
        whole("host"), whole("level"), whole("severity"), "flags", "comment", whole("updated")
    )
    for peer in await services.oversight.peers():
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


@command("show", "one peer: level, follows, key fingerprints, audit", peers)
@host_argument
@with_services
async def show_peer(services: Services, host: str) -> int:
    peer = await services.trust.peer(host)
    effective = await services.trust.level(peer.host)
    follows = await services.oversight.follows_with(peer.host)

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
    for follower in follows.followers:
        add_row(grid, follower.actor_id, "follows us", follower.state)
    for followee in follows.following:
        add_row(grid, followee.actor_id, "we follow", followee.state)
    show(grid, empty="none")

    actors = {f.actor_id for f in follows.followers} | {f.actor_id for f in follows.following}
    grid = table("key id", "fingerprint", whole("first seen (UTC)"), title="Key fingerprints")
    for key in await services.oversight.keys_seen(peer.host, actors):
        add_row(grid, key.key_id, key.fingerprint, when(key.first_seen))
    show(grid, empty="none seen")

    grid = table(
        whole("at (UTC)\nwho"), whole("action"), "detail", "reason", title="Recent audit entries"
    )
    for entry in await services.oversight.audit(peer.host, RECENT_AUDIT):
        add_row(
            grid, f"{when(entry.at)}\n{entry.who}", entry.action, detail(entry.detail), entry.reason
        )
    show(grid, empty="none")
    return 0


async def _note_parent_block(services: Services, host: str, level: str) -> None:
    """A block on a parent domain beats this host's own level: say so."""
    effective = await services.trust.level(host)
    if effective != level:
        print(
            f"solidarity: note: {host} is still {effective}, by a block on a parent domain.",
            file=sys.stderr,
        )


@command("trust", "trust a peer (or make it a partner)", peers)
@host_argument
@reason_option
@click.option("--partner", is_flag=True, help="a partner also sees coalition items")
@with_services
async def trust_peer(services: Services, host: str, reason: str, partner: bool) -> int:
    level = Level.PARTNER if partner else Level.TRUSTED
    peer = await services.trust.set_level(host, level, who=WHO, reason=reason)
    say(f"{peer.host} is now {peer.level}.")
    await _note_parent_block(services, peer.host, peer.level)
    return 0


@command("limit", "limit a peer: its follow requests wait for approval", peers)
@host_argument
@reason_option
@with_services
async def limit_peer(services: Services, host: str, reason: str) -> int:
    peer = await services.trust.set_level(host, Level.LIMITED, who=WHO, reason=reason)
    say(f"{peer.host} is now limited: its follow requests wait for approval.")
    await _note_parent_block(services, peer.host, peer.level)
    return 0


@command("block", "block a peer and its subdomains: nothing in or out", peers)
@host_argument
@reason_option
@click.option(
    "--reject-reports/--no-reject-reports",
    default=None,
    help="refuse its reports (Flags) (default: keep as recorded)",
)
@click.option(
    "--reject-media/--no-reject-media",
    default=None,
    help="refuse its media (default: keep as recorded)",
)
@click.option("--public-comment", default=None, help="shown in the blocklist export")
@with_services
async def block_peer(
    services: Services,
    host: str,
    reason: str,
    reject_reports: bool | None,
    reject_media: bool | None,
    public_comment: str | None,
) -> int:
    given: dict[str, Any] = {
        "reject_reports": reject_reports,
        "reject_media": reject_media,
        "public_comment": public_comment,
    }
    changes = {name: value for name, value in given.items() if value is not None}
    peer = await services.trust.set_level(host, Level.BLOCKED, who=WHO, reason=reason, **changes)
    extra = peer_flags(peer)
    say(
        f"{peer.host} is now blocked ({peer.severity}{', ' + extra if extra else ''}).",
        "Follows with it have ended and queued deliveries to it were stopped.",
    )
    return 0


@command("unblock", "lift a block (level unknown)", peers)
@host_argument
@reason_option
@with_services
async def unblock_peer(services: Services, host: str, reason: str) -> int:
    current = await services.trust.peer(host)
    if current.level != Level.BLOCKED:
        inherited = await services.trust.level(current.host) is Level.BLOCKED
        why = "by a block on a parent domain: unblock that" if inherited else "not blocked"
        raise Conflict(
            f"{current.host} is {why} (its own level is {current.level}); nothing changed.",
            reason="peer-not-blocked",
        )
    peer = await services.trust.unblock(current.host, who=WHO, reason=reason)
    say(f"{peer.host} is unblocked (level {peer.level}). Follows ended by the block stay ended.")
    await _note_parent_block(services, peer.host, peer.level)
    return 0


COMMANDS = (peers,)
